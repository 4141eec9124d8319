#!/usr/bin/env python3
"""Writes a legacy-layout tree of N entity files of about 1 KB each (default 10,000) for the
migration benchmark (docs/benchmarks-migration.md). Deterministic.
Usage: bench-migration-tree.py OUT_DIR [N]"""
import json, os, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
rng = random.Random(1)
aspects = ("identity", "state", "relationships", "preferences", "notes")
sizes = []
for i in range(n):
    name, aspect = "entity-%04d" % (i // len(aspects)), aspects[i % len(aspects)]
    d = os.path.join(out, "consciousness/entities", name)
    os.makedirs(d, exist_ok=True)
    doc = {"name": name, "aspect": aspect, "snowflake_id": 1789000000000000000 + rng.randint(0, 10**6),
           "weight": round(rng.random(), 4), "tags": [], "meta": {},
           "history": [{"t": "2025-07-01T12:00:%02d.000000Z" % s, "v": rng.randint(0, 10**9), "note": "ok"}
                       for s in range(9)]}
    text = json.dumps(doc, indent=2)
    sizes.append(len(text))
    with open(os.path.join(d, aspect + ".json"), "w") as f:
        f.write(text)
print("wrote %d files under %s, %.0f bytes on average" % (n, out, sum(sizes) / len(sizes)))
