"""Run every benchmark in benchmarks/ and write one report, benchmarks/RESULTS.md.

Usage: python benchmarks/run.py [--quick] [--out FILE] [NAME ...]

Each benchmark is a script printing its figures and PASS/FAIL per target through verdict.py,
which also appends one JSON line per target to the file named by WARROOM_BENCH_RESULTS; this
script reads those lines and writes a table: each figure, its reference, the ratio, the target,
PASS or FAIL, how long each benchmark took, and the machine it ran on. A benchmark that crashes,
hangs past its time limit or reports nothing is an ERROR with its last lines, and the run goes on.
`--quick` sets WARROOM_BENCH_QUICK=1: every script uses its smaller sizes and fewer repetitions,
and the long runs (scripts saying `NOT_IN_QUICK = True`: ten screens, twelve hours, ...) are left
out unless named, so the subset takes about two minutes instead of ten; the report names them. Exits 0 when every target passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOT_BENCHMARKS = {"run", "verdict", "local_server"}
RESULTS_ENV = "WARROOM_BENCH_RESULTS"
QUICK_ENV = "WARROOM_BENCH_QUICK"
LAST_LINES = 12


@dataclass
class Outcome:
    """One benchmark's run: its status, the targets it reported, and its output's tail."""

    name: str
    status: str  # PASS, FAIL or ERROR
    seconds: float
    exit_code: int | None
    targets: list[dict] = field(default_factory=list)
    why: str = ""
    tail: list[str] = field(default_factory=list)


def benchmark_names(folder: Path) -> list[str]:
    """Every benchmark script in `folder`, by name (run.py, verdict.py and local_server.py are not benchmarks)."""
    return sorted(p.stem for p in folder.glob("*.py") if p.stem not in NOT_BENCHMARKS and not p.stem.startswith("_"))


def left_out_of_quick(script: Path) -> bool:
    """A long run whose script says `NOT_IN_QUICK = True`: `--quick` leaves it out unless named."""
    return any(line.strip() == "NOT_IN_QUICK = True" for line in script.read_text(encoding="utf-8").splitlines())


def benchmark_python() -> str:
    """The project's test venv Python when there is one (the benchmarks run `warroom` next to it)."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_one(python: str, script: Path, quick: bool, timeout: float, log: Path) -> Outcome:
    """Run one benchmark script, its output to `log`; classify it from its JSON lines and exit code."""
    with tempfile.NamedTemporaryFile(prefix=f"{script.stem}-", suffix=".jsonl", delete=False) as handle:
        results = Path(handle.name)
    env = {**os.environ, RESULTS_ENV: str(results)}
    env.pop(QUICK_ENV, None)
    if quick:
        env[QUICK_ENV] = "1"
    started = time.monotonic()
    timed_out = False
    with log.open("wb") as out:
        # Its own process group, so a hung benchmark is stopped with every helper it started.
        proc = subprocess.Popen(
            [python, str(script)], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
        )
        try:
            code: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        except KeyboardInterrupt:  # Ctrl+C stops the run, and the benchmark it was in
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    seconds = time.monotonic() - started
    targets = read_targets(results)
    results.unlink(missing_ok=True)
    text = log.read_text(errors="replace")
    tail = [line for line in text.splitlines() if line.strip()][-LAST_LINES:]
    outcome = Outcome(script.stem, "ERROR", seconds, code, targets, tail=tail)
    if timed_out:
        outcome.why = f"still running after {timeout:.0f} s: stopped"
    elif "Traceback (most recent call last)" in text:
        outcome.why = f"crashed (exit {code})"
    elif code not in (0, 1):
        outcome.why = f"exit {code}"
    elif not targets:
        outcome.why = f"exit {code} with no target reported"
    elif code == 0 and all(t["pass"] for t in targets):
        outcome.status = "PASS"
    elif code == 1 and not all(t["pass"] for t in targets):
        outcome.status = "FAIL"
    else:
        outcome.why = f"exit {code} disagrees with its targets"
    return outcome


def read_targets(path: Path) -> list[dict]:
    """The JSON lines verdict.py appended; a line that does not parse is skipped."""
    targets = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            targets.append(json.loads(line))
        except ValueError:
            continue
    return targets


def machine(python: str) -> dict[str, str]:
    """What the figures were measured on: CPU, cores, RAM, OS, Python, Textual, load, commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    os_name = f"{platform.system()} {platform.release()}"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} ({os_name})"
    except OSError:
        pass
    probe = "import sys, textual; print(sys.version.split()[0], textual.__version__)"
    found = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    py_version, textual_version = (found.stdout.split() + ["unknown", "unknown"])[:2]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": os_name,
        "Python": py_version,
        "Textual": textual_version,
        "Commit": commit.stdout.strip() or "unknown",
    }


def cell(value: object) -> str:
    """A table cell: pipes and newlines would break the Markdown row."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def ratio_text(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}x"


def render(outcomes: list[Outcome], info: dict[str, str], meta: dict[str, str]) -> str:
    """RESULTS.md's text."""
    passed = sum(1 for o in outcomes if o.status == "PASS")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py{meta['flags']}` on {meta['date']}: {passed} of {len(outcomes)} "
        f"benchmarks passed every target; the whole run took {meta['total']}.",
        'Each script compares warroom against a reference measured in the same run (README, "Benchmarks").',
        "",
    ]
    if meta.get("left_out"):
        lines += [f"Left out of `--quick` as long runs (run them by name): {meta['left_out']}.", ""]
    if meta["load_note"]:
        lines += [f"**{meta['load_note']}**", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {cell(value)} |" for key, value in info.items()]
    lines += [f"| Load average (1 min) | {meta['load']} |", f"| Date | {meta['date']} |", ""]
    lines += ["## Benchmarks", "", "| benchmark | result | took | |", "|---|---|---:|---|"]
    for o in outcomes:
        lines.append(f"| `{o.name}` | **{o.status}** | {o.seconds:.1f} s | {cell(o.why)} |")
    lines += [
        "",
        "## Figures",
        "",
        "| benchmark | target | figure | reference | ratio | result |",
        "|---|---|---|---|---:|---|",
    ]
    for o in outcomes:
        for t in o.targets:
            verdict = "PASS" if t.get("pass") else "FAIL"
            lines.append(
                f"| `{o.name}` | {cell(t.get('target', ''))} | {cell(t.get('figure', ''))} | "
                f"{cell(t.get('reference', ''))} | {ratio_text(t.get('ratio'))} | {verdict} |"
            )
    broken = [o for o in outcomes if o.status == "ERROR"]
    if broken:
        lines += ["", "## Errors", ""]
        for o in broken:
            lines += [f"`{o.name}`: {o.why}; its last lines:", "", "```", *o.tail, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def load_note(start: float, end: float, cores: int) -> str:
    """A warning in the header when other work shared the CPUs (figures then read slower)."""
    # The end's 1-minute average is mostly the last benchmarks' own work, so it cannot tell
    # another job apart; it only counts when it is well above what one benchmark makes (a core).
    if start < 0.5 * cores and end < cores:
        return ""
    return (
        f"The machine was shared while this ran (load average {start:.2f} at the start, {end:.2f} at the end, "
        f"on {cores} cores): timings and CPU shares are pessimistic, the ratios less so."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (names without .py; default: all)")
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, fewer repetitions, no long runs (~2 minutes)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the report")
    parser.add_argument("--timeout", type=float, default=None, help="seconds one benchmark may take (180; quick 60)")
    parser.add_argument("--dir", type=Path, default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.dir.resolve()
    available = benchmark_names(folder)
    unknown = [n for n in args.names if n not in available]
    if unknown:
        print(f"run: no benchmark named {', '.join(unknown)} (have: {', '.join(available)})", file=sys.stderr)
        return 2
    names = args.names or available
    left_out = [n for n in names if args.quick and not args.names and left_out_of_quick(folder / f"{n}.py")]
    names = [n for n in names if n not in left_out]
    timeout = args.timeout or (60.0 if args.quick else 180.0)
    python = benchmark_python()
    cores = os.cpu_count() or 1
    load_start = os.getloadavg()[0]
    started, date = time.monotonic(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    logs = Path(tempfile.mkdtemp(prefix="warroom-bench-logs-"))
    outcomes = []
    for name in names:
        print(f"{name:<22}", end="", flush=True)
        outcome = run_one(python, folder / f"{name}.py", args.quick, timeout, logs / f"{name}.log")
        outcomes.append(outcome)
        print(f"{outcome.status:<6} {outcome.seconds:6.1f} s  {outcome.why}", flush=True)
        for line in outcome.tail[-3:] if outcome.status == "ERROR" else []:
            print(f"    {line}")
    load_end = os.getloadavg()[0]
    total = time.monotonic() - started
    flags = (" --quick" if args.quick else "") + (" " + " ".join(names) if args.names else "")
    meta = {
        "flags": flags,
        "date": date,
        "total": f"{total / 60:.1f} min" if total >= 60 else f"{total:.0f} s",
        "load": f"{load_start:.2f} at the start, {load_end:.2f} at the end",
        "load_note": load_note(load_start, load_end, cores),
        "left_out": ", ".join(f"`{n}`" for n in left_out),
    }
    args.out.write_text(render(outcomes, machine(python), meta), encoding="utf-8")
    print(f"wrote {args.out} in {meta['total']}; every output: {logs}")
    return 0 if all(o.status == "PASS" for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
