"""PASS or FAIL for each target a benchmark checks, and its exit status from them.

Every script in benchmarks/ prints one line per target ending in PASS or FAIL, a last line
`NAME: PASS` or `NAME: FAIL (what missed)`, and exits 0 when every target is met, 1 when one is
missed, so a report over all of them can be read from their exit codes alone.
"""

from __future__ import annotations

import sys
from pathlib import Path


class Verdict:
    """Collects the targets of one benchmark run."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or Path(sys.argv[0]).stem
        self.checked: list[tuple[str, bool]] = []

    def check(self, target: str, met: bool) -> str:
        """Record `target` (e.g. "note ratio <= 3x") as met or missed; returns "PASS"/"FAIL"."""
        self.checked.append((target, bool(met)))
        return "PASS" if met else "FAIL"

    @property
    def missed(self) -> list[str]:
        return [target for target, met in self.checked if not met]

    def finish(self) -> int:
        """Print the benchmark's verdict; the exit status: 0 all met, 1 one missed (or none checked)."""
        if not self.checked:
            print(f"{self.name}: FAIL (no target was checked)", flush=True)
            return 1
        if self.missed:
            print(f"{self.name}: FAIL ({'; '.join(self.missed)})", flush=True)
            return 1
        print(f"{self.name}: PASS", flush=True)
        return 0
