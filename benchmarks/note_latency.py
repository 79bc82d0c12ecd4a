"""`warroom note` wall time as a ratio to `python3 -c pass` (target <= 3x).

Runs both the same number of times, interleaved, in one process, against a real database in a
temp dir, and prints medians and the ratio, in two environments (as `startup.py` does):

  compiled  bytecode for warroom's modules, as a normal install has it (pip compiles at install
            time): written once by an unmeasured run, under a private PYTHONPYCACHEPREFIX.
  as-is     this shell's environment unchanged: with PYTHONDONTWRITEBYTECODE=1 (set on this
            machine) and an editable install, every run compiles warroom's modules from source.

The target holds in both environments. Prints PASS or FAIL per environment and exits 1 when
one misses it (see verdict.py).

Usage: python benchmarks/note_latency.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from verdict import Verdict, sized

TARGET_RATIO = 3.0  # warroom note / python3 -c pass


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    verdict = Verdict()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else sized(30, 8)
    exe = str(Path(sys.executable).parent / "warroom")
    with tempfile.TemporaryDirectory() as tmp:
        as_is = {**os.environ, "WARROOM_DB": str(Path(tmp) / "bench.db"), "WARROOM_USER": "bench"}
        compiled = {k: v for k, v in as_is.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        subprocess.run([exe, "declare", "bench", "--sev", "3"], env=as_is, check=True, stdout=subprocess.DEVNULL)
        for label, env in (("compiled", compiled), ("as-is", as_is)):
            timed([exe, "note", "warm-up"], env)  # fills the file cache (and, compiled, the bytecode)
            base, note = [], []
            for i in range(runs):
                base.append(timed([sys.executable, "-c", "pass"], env))
                note.append(timed([exe, "note", f"note {i}"], env))
            b, n = statistics.median(base), statistics.median(note)
            print(f"{label}:")
            print(f"  python3 -c pass  median {b * 1000:.1f} ms")
            print(f"  warroom note     median {n * 1000:.1f} ms")
            met = verdict.check(
                f"{label} ratio <= {TARGET_RATIO:g}x",
                n / b <= TARGET_RATIO,
                figure=f"warroom note {n * 1000:.0f} ms",
                reference=f"python3 -c pass {b * 1000:.0f} ms",
                ratio=n / b,
            )
            print(f"  ratio            {n / b:.2f}x  (target <= {TARGET_RATIO:g}x)  {met}")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
