"""PASS or FAIL for each target a benchmark checks, and its exit status from them.

Every script in benchmarks/ prints one line per target ending in PASS or FAIL, a last line
`NAME: PASS` or `NAME: FAIL (what missed)`, and exits 0 when every target is met, 1 when one is
missed, so a report over all of them can be read from their exit codes alone.

Two environment variables tie the scripts to `benchmarks/run.py` (the one report):

- `WARROOM_BENCH_RESULTS=FILE`: every checked target is also appended to FILE as one JSON line
  (benchmark, target, figure, reference, ratio, pass), so the report reads figures, not prose.
- `WARROOM_BENCH_QUICK=1`: each script's default sizes and repetitions become the smaller ones
  it passes to `sized()` (explicit command-line arguments still win), for `run.py --quick`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TypeVar

RESULTS_ENV = "WARROOM_BENCH_RESULTS"
QUICK_ENV = "WARROOM_BENCH_QUICK"

T = TypeVar("T")

# Read once, at import: some benchmarks clear WARROOM_* from their own environment to isolate the
# app they measure, and their figures must still reach the report.
_RESULTS_PATH = os.environ.get(RESULTS_ENV) or None
_QUICK = os.environ.get(QUICK_ENV, "") not in ("", "0")


def quick() -> bool:
    """True when the run asked for the quick subset (`WARROOM_BENCH_QUICK=1`)."""
    return _QUICK


def sized(full: T, small: T) -> T:
    """A default size or repetition count: `full` normally, `small` in a quick run."""
    return small if quick() else full


class Verdict:
    """Collects the targets of one benchmark run."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or Path(sys.argv[0]).stem
        self.checked: list[tuple[str, bool]] = []

    def check(
        self,
        target: str,
        met: bool,
        *,
        figure: str = "",
        reference: str = "",
        ratio: float | None = None,
    ) -> str:
        """Record `target` (e.g. "note ratio <= 3x") as met or missed; returns "PASS"/"FAIL".

        `figure` is what was measured ("412 ms"), `reference` what it is compared with ("python3
        -c pass 140 ms"), `ratio` figure/reference when the target is a ratio; all three go to the
        machine-readable line only, the script prints its own human lines.
        """
        self.checked.append((target, bool(met)))
        self._emit(target, bool(met), figure, reference, ratio)
        return "PASS" if met else "FAIL"

    def _emit(self, target: str, met: bool, figure: str, reference: str, ratio: float | None) -> None:
        path = _RESULTS_PATH
        if not path:
            return
        line = {
            "benchmark": self.name,
            "target": target,
            "figure": figure,
            "reference": reference,
            "ratio": None if ratio is None or ratio != ratio else round(float(ratio), 4),
            "pass": met,
        }
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    @property
    def missed(self) -> list[str]:
        return [target for target, met in self.checked if not met]

    def finish(self) -> int:
        """Print the benchmark's verdict; the exit status: 0 all met, 1 one missed (or none checked)."""
        if not self.checked:
            self.check("at least one target checked", False)
            print(f"{self.name}: FAIL (no target was checked)", flush=True)
            return 1
        if self.missed:
            print(f"{self.name}: FAIL ({'; '.join(self.missed)})", flush=True)
            return 1
        print(f"{self.name}: PASS", flush=True)
        return 0
