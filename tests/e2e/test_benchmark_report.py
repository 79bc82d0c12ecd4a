"""`python benchmarks/run.py` (README, "Benchmarks"): one report over every benchmark.

The benchmarks here are small real scripts written beside a copy of benchmarks/verdict.py, as the
real ones are: one meets its target, one misses it, one crashes, one hangs, one reads the quick
setting. The report must show each figure, reference, ratio and target with PASS/FAIL, the crash
and the hang as ERROR with their last lines, the machine, and how long each took.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "benchmarks" / "run.py"

pytestmark = pytest.mark.e2e

SCRIPTS = {
    "fast_enough": """
import os, sys
from verdict import Verdict
# Like postmortem_build.py: isolates what it measures from WARROOM_* settings; its figures still count.
for name in [k for k in os.environ if k.startswith("WARROOM_")]:
    del os.environ[name]
v = Verdict()
print("appends  2,500/s", v.check("appends >= 2,000/s", True, figure="2,500/s", reference="raw 10,000/s", ratio=0.25))
sys.exit(v.finish())
""",
    "too_slow": """
import sys
from verdict import Verdict
v = Verdict()
v.check("first frame <= 1.3x", False, figure="warroom 900 ms", reference="minimal app 300 ms", ratio=3.0)
sys.exit(v.finish())
""",
    "crashes": """
print("setting up the log file")
raise RuntimeError("disk full while generating the log")
""",
    "hangs": """
import time
print("waiting for a server that never answers", flush=True)
time.sleep(60)
""",
    "sized_run": """
import sys
from verdict import Verdict, sized
v = Verdict()
events = sized(100_000, 2_000)
v.check("replay <= 3x", True, figure=f"{events} events", reference="fold", ratio=1.5)
sys.exit(v.finish())
""",
    "twelve_hours": """
import sys
from verdict import Verdict, sized
NOT_IN_QUICK = True
v = Verdict()
v.check("rss <= 1.1x", True, figure=f"{sized(12, 3)} hours", reference="hour 1", ratio=1.0)
sys.exit(v.finish())
""",
}


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "benchmarks"
    folder.mkdir()
    shutil.copy(REPO / "benchmarks" / "verdict.py", folder / "verdict.py")
    for name, text in SCRIPTS.items():
        (folder / f"{name}.py").write_text(text.lstrip())
    return folder


def run_report(bench_dir: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], str]:
    out = bench_dir / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(RUN), "--dir", str(bench_dir), "--out", str(out), "--timeout", "4", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, out.read_text()


def row(report: str, *cells: str) -> str:
    """The one table row holding every one of `cells`."""
    rows = [line for line in report.splitlines() if line.startswith("|") and all(c in line for c in cells)]
    assert len(rows) == 1, (cells, report)
    return rows[0]


def test_the_report_has_every_figure_verdict_error_and_the_machine(bench_dir: Path):
    done, report = run_report(bench_dir)
    assert done.returncode == 1, "a missed target and two errors: the run fails"
    assert "Traceback" not in done.stderr

    line = row(report, "`fast_enough`", "appends >= 2,000/s")
    for cell in ("2,500/s", "raw 10,000/s", "0.25x", "PASS"):
        assert cell in line
    line = row(report, "`too_slow`", "first frame <= 1.3x")
    for cell in ("warroom 900 ms", "minimal app 300 ms", "3.00x", "FAIL"):
        assert cell in line

    # Each benchmark's result and time; the crash and the hang did not stop the run.
    for name, status in (("fast_enough", "PASS"), ("too_slow", "FAIL"), ("crashes", "ERROR"), ("hangs", "ERROR")):
        assert f"**{status}**" in row(report, f"`{name}`", " s |", "**")
    assert "still running after 4 s" in row(report, "`hangs`", "**ERROR**")
    errors = report[report.index("## Errors") :]
    assert "RuntimeError: disk full while generating the log" in errors
    assert "waiting for a server that never answers" in errors
    assert "`sized_run`" in report, "the benchmarks after the crash and the hang still ran"

    for key in ("CPU", "Cores", "RAM", "OS", "Python", "Textual", "Date", "Load average (1 min)"):
        assert f"| {key} |" in report, key
    assert "| Textual | 8." in report


def test_quick_runs_the_smaller_sizes(bench_dir: Path):
    _, full = run_report(bench_dir, "sized_run")
    assert "100000 events" in row(full, "`sized_run`", "replay <= 3x")
    done, quick = run_report(bench_dir, "--quick", "sized_run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2000 events" in row(quick, "`sized_run`", "replay <= 3x")
    assert "`fast_enough`" not in quick, "only the benchmark asked for"


def test_quick_leaves_the_long_runs_out_and_says_so_unless_named(bench_dir: Path):
    for name in ("crashes", "hangs", "too_slow"):  # the errors have their own test
        (bench_dir / f"{name}.py").unlink()
    done, quick = run_report(bench_dir, "--quick")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "`twelve_hours`" not in quick.split("## Machine")[1], "not run"
    assert "Left out of `--quick` as long runs (run them by name): `twelve_hours`." in quick
    assert "`sized_run`" in quick and "`fast_enough`" in quick
    _, named = run_report(bench_dir, "--quick", "twelve_hours")
    assert "3 hours" in row(named, "`twelve_hours`", "rss <= 1.1x")
    assert "Left out" not in named


def test_an_unknown_benchmark_name_is_a_clear_error(bench_dir: Path):
    done = subprocess.run(
        [sys.executable, str(RUN), "--dir", str(bench_dir), "no_such"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.startswith("run: no benchmark named no_such")
    assert "Traceback" not in done.stderr


def test_the_readme_links_a_committed_report_from_a_real_run():
    readme = (REPO / "README.md").read_text()
    assert "(benchmarks/RESULTS.md)" in readme
    report = (REPO / "benchmarks" / "RESULTS.md").read_text()
    # Benchmarks added later appear when the report is next regenerated; today's are all there.
    for name in ("startup", "dashboard_load", "log_scan", "note_latency", "review_open", "hangup_exit"):
        assert f"`{name}`" in report, f"{name} is missing from benchmarks/RESULTS.md: run python benchmarks/run.py"
    assert "| Cores |" in report and "| Textual |" in report
