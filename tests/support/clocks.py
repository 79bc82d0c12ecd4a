"""A wall clock and a monotonic clock moved by hand, for tests of a wall-clock step (NTP): no
sleeping, no faketime."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clocks:
    """`run(s)` moves both clocks (time passes); `step(d)` moves the wall clock only (NTP)."""

    def __init__(self, wall_at: datetime, mono_at: float) -> None:
        self.wall_at = wall_at
        self.mono_at = mono_at

    def wall(self) -> datetime:
        return self.wall_at

    def mono(self) -> float:
        return self.mono_at

    def run(self, seconds: float) -> None:
        self.wall_at += timedelta(seconds=seconds)
        self.mono_at += seconds

    def step(self, delta: timedelta) -> None:
        self.wall_at += delta
