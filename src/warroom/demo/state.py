"""What the demo world is doing right now, shared by the service, the log writer and the script.

The scenario changes it (a deploy, a rollback, the upstream recovering); the HTTP service and the
log writer read it on every request and tick. Script time is wall time multiplied by `--speed`, so
one script drives the same story in 10 minutes or in 30 seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum


class Phase(str, Enum):
    """The service's health over the story."""

    DEGRADED = "degraded"  # before the bad deploy: upstream slow, checkout slow, a few warnings
    OUTAGE = "outage"  # after the bad deploy: /health 503 and slow, errors and panics
    RECOVERED = "recovered"  # after the rollback: healthy again, errors fading out


def utc_now() -> datetime:
    return datetime.now(UTC)


class ScriptClock:
    """Script seconds since start (wall seconds x speed) and the wall time, both injectable.

    Tests pass their own `monotonic` and `wall` callables and move time by hand.
    """

    def __init__(
        self,
        speed: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utc_now,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = float(speed)
        self._monotonic = monotonic
        self._wall = wall
        self._start = monotonic()

    def restart(self) -> None:
        """Make script time zero now (the world calls this once everything is set up)."""
        self._start = self._monotonic()

    def elapsed(self) -> float:
        """Script seconds since the clock started."""
        return (self._monotonic() - self._start) * self.speed

    def now(self) -> datetime:
        """Wall time (UTC): what events and log lines are stamped with."""
        return self._wall()

    def wall_seconds(self, script_seconds: float) -> float:
        """How long `script_seconds` of story take in real time."""
        return script_seconds / self.speed


class ManualClock(ScriptClock):
    """A clock that moves only when told to: for tests and for writing back-dated history."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        self._t = 0.0
        self._start_wall = start or datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
        super().__init__(speed, monotonic=lambda: self._t, wall=self._wall_now)

    def _wall_now(self) -> datetime:
        from datetime import timedelta

        return self._start_wall + timedelta(seconds=self._t)

    def advance(self, wall_seconds: float) -> None:
        self._t += wall_seconds


class WorldState:
    """The mutable facts of the demo world; every change is made under one lock."""

    def __init__(self, clock: ScriptClock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._phase = Phase.DEGRADED
        self._phase_since = 0.0  # script seconds
        # Every phase change at the script time it belongs to: the log writer's schedule is a pure
        # function of this list (and the seed), never of when a thread happened to notice a change.
        self._phase_changes: list[tuple[float, Phase]] = [(0.0, Phase.DEGRADED)]
        # Script time up to which the story's changes are final (the scenario runner moves it; with
        # no runner, whatever has been set is final).
        self._settled_until = math.inf
        self._provider = "minor"  # the upstream's Statuspage indicator: none|minor|major|critical
        self._provider_since = clock.now()
        self.deploy_sha: str | None = None
        self.stop = threading.Event()

    @property
    def phase(self) -> Phase:
        with self._lock:
            return self._phase

    def phase_age(self) -> float:
        """Script seconds since the current phase began."""
        with self._lock:
            since = self._phase_since
        return max(0.0, self.clock.elapsed() - since)

    def set_phase(self, phase: Phase, at: float | None = None) -> None:
        """Change phase as of script time `at` (default: now). The story passes the step's
        scripted time, so the record of changes does not depend on thread timing."""
        with self._lock:
            if phase is not self._phase:
                when = self.clock.elapsed() if at is None else float(at)
                when = max(when, self._phase_changes[-1][0])  # changes stay in order
                self._phase = phase
                self._phase_since = when
                self._phase_changes.append((when, phase))

    def phase_timeline(self) -> tuple[float, list[tuple[float, Phase]]]:
        """(settled-until, phase changes) read together: every change at or before the first
        value is already in the list, so a reader may act on script times up to it."""
        with self._lock:
            return self._settled_until, list(self._phase_changes)

    def settle(self, until: float) -> None:
        """The scenario runner: no change will be stamped before `until` script seconds (a change
        stamped at `c` applies after `c`), so the world up to `until` is final."""
        with self._lock:
            self._settled_until = until

    @property
    def provider(self) -> str:
        with self._lock:
            return self._provider

    @property
    def provider_since(self) -> datetime:
        with self._lock:
            return self._provider_since

    def set_provider(self, indicator: str) -> None:
        if indicator not in {"none", "minor", "major", "critical"}:
            raise ValueError(f"not a Statuspage indicator: {indicator!r}")
        with self._lock:
            if indicator != self._provider:
                self._provider = indicator
                self._provider_since = self.clock.now()
