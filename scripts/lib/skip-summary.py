#!/usr/bin/env python3
"""Prints why tests were skipped, one line per reason, from Surefire's XML reports.

Surefire writes test output to files (redirectTestOutputToFile), so a skip reason printed by a
test never reaches the console; its XML report keeps it. Only reports newer than MARKER count,
so a class deleted since an earlier run does not show up.
usage: skip-summary.py REPORTS_DIR MARKER
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def reason_of(skipped):
    text = skipped.get("message") or (skipped.text or "").strip()
    first = text.splitlines()[0] if text else "no reason given"
    for prefix in ("org.opentest4j.TestAbortedException: ", "Assumption failed: "):
        first = first.removeprefix(prefix)
    return first


def main(reports, marker):
    since = os.path.getmtime(marker)
    by_reason = {}
    for path in sorted(glob.glob(os.path.join(reports, "TEST-*.xml"))):
        if os.path.getmtime(path) < since:
            continue
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            continue
        for case in root.iter("testcase"):
            skipped = case.find("skipped")
            if skipped is not None:
                cls = case.get("classname", "?").rsplit(".", 1)[-1]
                by_reason.setdefault(reason_of(skipped), {}).setdefault(cls, 0)
                by_reason[reason_of(skipped)][cls] += 1
    for reason, classes in sorted(by_reason.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(classes.values())
        names = ", ".join(sorted(classes))
        print(f"skipped {total} test{'s' if total != 1 else ''} ({names}): {reason}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
