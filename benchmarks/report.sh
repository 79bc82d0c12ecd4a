#!/usr/bin/env bash
# Run every benchmark with its default settings and report each one's verdict from its exit code
# (0 every target met, 1 one missed, anything else: it broke). Exits 1 unless all passed.
# Usage: benchmarks/report.sh [NAME ...]   (names without .py; default: all of benchmarks/*.py)
set -uo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
[ -x "$python" ] || { echo "report: no .venv here: python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"; exit 2; }
if [ $# -gt 0 ]; then names=("$@"); else
    names=(); for f in benchmarks/*.py; do n=$(basename "$f" .py); [ "$n" = verdict ] || names+=("$n"); done
fi
logs=$(mktemp -d)
failed=0
for name in "${names[@]}"; do
    "$python" "benchmarks/$name.py" >"$logs/$name.log" 2>&1
    status=$?
    case $status in
        0) verdict=PASS ;;
        1) verdict=FAIL; failed=1 ;;
        *) verdict="BROKE (exit $status)"; failed=1 ;;
    esac
    printf '%-18s %s\n' "$name" "$verdict"
    [ $status -eq 0 ] || grep -E 'FAIL|Error|error' "$logs/$name.log" | tail -3 | sed 's/^/    /'
done
echo "full output: $logs"
exit $failed
