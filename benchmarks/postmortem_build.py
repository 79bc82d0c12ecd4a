"""`warroom postmortem` on an incident of 100,000 events, against reading the same rows.

    python benchmarks/postmortem_build.py [--events 100000] [--runs 5]

Measured in the same run, median of `--runs`:
- the sqlite3 module alone reading the incident's rows (`SELECT ... WHERE incident_id = 1`,
  fetchall): the floor any postmortem stands on;
- `warroom postmortem -o FILE` **in-process** (`warroom.cli.main`, the installed command's own
  entry point, so argument parsing, config, opening the store, reading the rows (the machine's
  signals counted into the timeline's runs by `store.signal_runs`, the rest made events),
  redaction, the fold, the coach replay, the Markdown and writing the file are all in it;
  Python's start-up and imports are not: the first run, which imports, is not the median).
  Target: ratio <= 3x. The document is the one the record's events give, byte for byte
  (tests/unit/store/test_signal_runs.py);
- the installed `warroom postmortem` as a subprocess, printed for information (it adds the
  interpreter's start-up and imports, a fixed ~0.3 s whatever the size).

Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_open import build, read_rows  # noqa: E402
from verdict import Verdict, sized  # noqa: E402

TARGET = 3.0


def postmortem_in_process(db: Path, out: Path) -> float:
    """Seconds for `warroom --db DB postmortem -o OUT` through the command's entry point."""
    from warroom.cli import main

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", str(db), "postmortem", "-o", str(out)])
    elapsed = time.perf_counter() - start
    assert code == 0, f"warroom postmortem exited {code}"
    return elapsed


def postmortem_command(db: Path, out: Path, env: dict[str, str]) -> float:
    """Seconds for the installed `warroom postmortem -o OUT` as a subprocess."""
    exe = Path(sys.executable).parent / "warroom"
    start = time.perf_counter()
    done = subprocess.run(
        [str(exe), "--db", str(db), "postmortem", "-o", str(out)], capture_output=True, text=True, env=env
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return elapsed


def main() -> int:
    verdict = Verdict()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=sized(100_000, 20_000))
    parser.add_argument("--runs", type=int, default=sized(5, 2))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="warroom-bench-postmortem-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env |= {"HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "config")}
    os.environ.update({"HOME": env["HOME"], "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"]})
    for name in [k for k in os.environ if k.startswith("WARROOM_")]:
        del os.environ[name]
    db = folder / "warroom.db"
    started = time.perf_counter()
    build(db, args.events)
    print(f"built {args.events:,} events in {time.perf_counter() - started:.1f} s")
    out = folder / "INC-1-postmortem.md"
    reads, in_process, command = [], [], []
    read_rows(db)  # warm the page cache for everyone alike
    for _ in range(args.runs):
        reads.append(read_rows(db))
        in_process.append(postmortem_in_process(db, out))
        command.append(postmortem_command(db, out, env))
    r, p, c = (statistics.median(x) for x in (reads, in_process, command))
    lines = out.read_text().count("\n")
    ratio = p / r
    print(f"postmortem of {args.events:,} events ({lines} lines of Markdown), median of {args.runs}:")
    print(f"  sqlite3 read of the rows          {r * 1000:7.0f} ms")
    print(
        f"  warroom postmortem, in-process    {p * 1000:7.0f} ms  ({min(in_process) * 1000:.0f}..{max(in_process) * 1000:.0f})"
    )
    print(
        f"  warroom postmortem, the command   {c * 1000:7.0f} ms  (subprocess: start-up and imports included; {c / r:.2f}x)"
    )
    met = verdict.check(
        f"postmortem in-process <= {TARGET:g}x the read",
        ratio <= TARGET,
        figure=f"warroom postmortem {p * 1000:.0f} ms",
        reference=f"sqlite3 read of the rows {r * 1000:.0f} ms",
        ratio=ratio,
    )
    print(f"  ratio (in-process / read)         {ratio:7.2f}x   (target <= {TARGET:g}x)  {met}")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
