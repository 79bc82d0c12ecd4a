"""Every benchmark says PASS or FAIL and exits 1 when a target is missed (benchmarks/verdict.py),
so one report over all of them reads their exit codes."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
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
    # The scripts run.py runs: helpers it skips (verdict.py, local_server.py) are not benchmarks.
    spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
    assert spec is not None and spec.loader is not None
    run_py = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = run_py  # dataclasses look their module up while the class is built
    spec.loader.exec_module(run_py)
    scripts = [BENCHMARKS / f"{name}.py" for name in run_py.benchmark_names(BENCHMARKS)]
    assert len(scripts) >= 10
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert {"Verdict", "verdict.check", "verdict.finish"} <= calls, f"{script.name} has no verdict"
        assert "sys.exit" in calls, f"{script.name} does not exit with its verdict"
        # `python benchmarks/run.py --quick` relies on every script taking its smaller sizes.
        assert "sized" in calls, f"{script.name} has no quick sizes (verdict.sized)"


def test_with_a_results_file_each_target_is_also_one_json_line(tmp_path: Path):
    results = tmp_path / "results.jsonl"
    code = (
        f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r})\n"
        "from verdict import Verdict\n"
        "v = Verdict('bench')\n"
        "v.check('ratio <= 3x', True, figure='warroom note 40 ms', reference='python3 -c pass 20 ms', ratio=2.0)\n"
        "v.check('0 lost', False, figure='3 of 100 lost')\n"
        "sys.exit(v.finish())\n"
    )
    env = {**os.environ, "WARROOM_BENCH_RESULTS": str(results)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, env=env)
    assert run.returncode == 1
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert lines == [
        {
            "benchmark": "bench",
            "target": "ratio <= 3x",
            "figure": "warroom note 40 ms",
            "reference": "python3 -c pass 20 ms",
            "ratio": 2.0,
            "pass": True,
        },
        {
            "benchmark": "bench",
            "target": "0 lost",
            "figure": "3 of 100 lost",
            "reference": "",
            "ratio": None,
            "pass": False,
        },
    ]
    assert "{" not in run.stdout, "the human output stays as it was"
