"""Every benchmark says PASS or FAIL and exits 1 when a target is missed (benchmarks/verdict.py),
so one report over all of them reads their exit codes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"

SCRIPT = """
import sys
sys.path.insert(0, {benchmarks!r})
from verdict import Verdict
verdict = Verdict("bench")
for target, met in {targets!r}:
    print(target, verdict.check(target, met))
sys.exit(verdict.finish())
"""


def _run(targets: list[tuple[str, bool]]) -> subprocess.CompletedProcess[str]:
    code = SCRIPT.format(benchmarks=str(BENCHMARKS), targets=targets)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)


def test_a_missed_target_fails_the_benchmark_and_names_it():
    run = _run([("appends >= 2,000/s", True), ("lag p99 < 50 ms", False)])
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "appends >= 2,000/s PASS",
        "lag p99 < 50 ms FAIL",
        "bench: FAIL (lag p99 < 50 ms)",
    ]


def test_every_target_met_passes_and_none_checked_fails():
    met = _run([("ratio <= 3x", True)])
    assert (met.returncode, met.stdout.splitlines()[-1]) == (0, "bench: PASS")
    nothing = _run([])
    assert (nothing.returncode, nothing.stdout.strip()) == (1, "bench: FAIL (no target was checked)")


def test_every_benchmark_checks_its_targets_and_exits_with_the_verdict():
    scripts = sorted(p for p in BENCHMARKS.glob("*.py") if p.name != "verdict.py")
    assert len(scripts) >= 10
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert {"Verdict", "verdict.check", "verdict.finish"} <= calls, f"{script.name} has no verdict"
        assert "sys.exit" in calls, f"{script.name} does not exit with its verdict"
