#!/usr/bin/env bash
# Runs the Python protocol-conformance suite (src/statestore/test/python/conformance) with the system
# interpreter and Debian's python3-redis, against a redis-server it starts itself
# (STATESTORE_TEST_REDIS_SERVER, STATESTORE_TEST_JSON_MODULE as for the Java suite).
# Ends with one line "conformance: N passed, M failed, K skipped" (test methods; subtests count
# inside their method) and exits non-zero on any failure or error.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PYTHON=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$PYTHON" -m unittest discover -s . -t . -p 'test_*.py' "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

"$PYTHON" - "$log" "$status" <<'EOF'
import re, sys

log, status = open(sys.argv[1], errors='replace').read(), int(sys.argv[2])
ran = re.findall(r'^Ran (\d+) tests? in ', log, re.M)
skipped = re.findall(r'^(?:OK|FAILED) \(.*?skipped=(\d+)', log, re.M)
# Each failing or erroring test method (or module fixture) once, however many of its subtests failed.
failed = set(re.findall(r'^={70}\n(?:FAIL|ERROR): (\S+ \([^)]*\))', log, re.M))
fixtures = {f for f in failed if f.split(' ', 1)[0] in ('setUpModule', 'tearDownModule', 'setUpClass', 'tearDownClass')}
total = int(ran[-1]) if ran else 0
n_skipped = int(skipped[-1]) if skipped else 0
n_failed = len(failed)
if not ran or (status != 0 and n_failed == 0):
    n_failed = max(n_failed, 1)  # the run itself broke (import error, crash)
passed = max(total - n_skipped - (n_failed - len(fixtures)), 0)
print('conformance: %d passed, %d failed, %d skipped' % (passed, n_failed, n_skipped))
sys.exit(1 if n_failed or status != 0 else 0)
EOF
