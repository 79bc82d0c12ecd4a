"""How much of a log's backfill window was really counted, said in words and in JSON.

A backfill reads back at most `backfill_max_mb` of each file (`[[log]]`, 256 MiB by default),
and a file with no timestamps near its end at most 4 MiB. When that stops it before the window's
start, the counts are short: an IC must be told, not shown a quiet undercount. `BackfillCut` is
one file cut short; `BackfillCoverage` is a log's whole answer, which `LogCounts` carries for
the pane, `warroom snapshot` and `--json`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CUT_BY_CAP = "backfill_max_mb"
CUT_BY_NO_TIMESTAMPS = "no timestamps"


@dataclass(frozen=True)
class BackfillCut:
    """One file whose backfill stopped before the window's start."""

    path: str
    file_bytes: int  # the file's size where following starts
    counted_bytes: int  # the last bytes of it that were read back
    since: datetime | None  # the time of the first line read back (None: it has no timestamp)
    cut_by: str  # CUT_BY_CAP or CUT_BY_NO_TIMESTAMPS
    cap_bytes: int  # the setting that applied


@dataclass(frozen=True)
class BackfillCoverage:
    """What a log's backfill covered of its `window` (seconds) up to `taken_at`."""

    window: float
    read_bytes: int
    cuts: tuple[BackfillCut, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.cuts

    def covered_seconds(self, cut: BackfillCut, now: datetime) -> float | None:
        """How much of the window `cut` still covers (None: not known, no timestamp)."""
        if cut.since is None:
            return None
        return round(max(0.0, min(self.window, (now - cut.since).total_seconds())), 1)

    def lines(self, now: datetime, *, short: bool = False) -> list[str]:
        """In words, one line per file cut short, or one line saying the window was covered.
        `short` (the pane): only cut files, fewer words."""
        window = span(self.window)
        if not self.cuts:
            return [] if short else [f"backfill: the whole {window} window counted ({size(self.read_bytes)} read)"]
        out = []
        for cut in self.cuts:
            part = f"the last {size(cut.counted_bytes)} of {size(cut.file_bytes)}"
            covered = self.covered_seconds(cut, now)
            if covered is None:
                out.append(
                    f"backfill: counted only {part} of {cut.path if not short else os.path.basename(cut.path)} "
                    f"(no timestamps: how much of the {window} window is unknown)"
                )
                continue
            since = f"{cut.since.astimezone(UTC):%H:%M:%S} UTC" if cut.since else ""
            if short:
                name = os.path.basename(cut.path)
                out.append(
                    f"backfill cut at {size(cut.cap_bytes)}: {part} of {name} counted, from {since} ({span(covered)} of {window})"
                )
            else:
                out.append(
                    f"backfill: counted {part} of {cut.path}: from {since}, {span(covered)} of the {window} window "
                    f"(backfill_max_mb = {cut.cap_bytes // (1024 * 1024)})"
                )
        return out

    def to_json(self, now: datetime) -> dict[str, Any]:
        """For `warroom snapshot --json`."""
        return {
            "window_seconds": self.window,
            "complete": self.complete,
            "read_bytes": self.read_bytes,
            "cut": [
                {
                    "path": cut.path,
                    "file_bytes": cut.file_bytes,
                    "counted_bytes": cut.counted_bytes,
                    "from": cut.since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if cut.since else None,
                    "covered_seconds": self.covered_seconds(cut, now),
                    "cut_by": cut.cut_by,
                    "backfill_max_bytes": cut.cap_bytes,
                }
                for cut in self.cuts
            ],
        }


def size(n: int) -> str:
    """Bytes as people read them: `512 B`, `3.2 MiB`, `256 MiB`, `1.5 GiB`."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            if unit == "B":
                return f"{n} B"
            return f"{value:.0f} {unit}" if value >= 100 or value == int(value) else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # not reached


def span(seconds: float) -> str:
    """`30m`, `17m20s`, `2h`, `45s`: a duration in the words the config uses."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    out = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return out or "0s"
