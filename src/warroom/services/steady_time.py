"""The war room's sense of time when the wall clock steps (`domain.clock_step`).

`SteadyTime` gives the screen two things: `now()`, the steady time its countdowns, elapsed
time and coach rules count with (the wall clock, less every step seen since the screen
opened), and `timing`, the incident as those rules must read it (events written after a step
moved back into the steady frame). Until a step happens both are the wall clock's and the
incident itself: nothing is copied. Record times are untouched: events are written with the
wall clock and the timeline shows them as written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from warroom.domain.clock_step import ClockStep, StepWatch, elapsed_view, shifted

if TYPE_CHECKING:  # the app imports `host_monotonic` before its first frame: nothing more
    from warroom.domain.events import Event
    from warroom.domain.incident import IncidentState

Clock = Callable[[], datetime]
Monotonic = Callable[[], float]


def host_monotonic() -> float:
    """Seconds on a clock no one sets: CLOCK_BOOTTIME where there is one (it keeps counting
    while a suspended VM sleeps, which is elapsed time for an incident), else `time.monotonic`."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        try:
            return time.clock_gettime(boottime)
        except OSError:
            pass
    return time.monotonic()


class SteadyTime:
    """Intervals from a monotonic clock, record times from the wall clock.

    `monotonic` None: no step watching (a test's hand-moved clock jumps on purpose), so
    `now()` is the wall clock and `timing` the incident.
    """

    def __init__(self, wall: Clock, monotonic: Monotonic | None) -> None:
        self.wall = wall
        self.monotonic = monotonic
        self.watch: StepWatch | None = StepWatch(wall(), monotonic()) if monotonic is not None else None
        self._steps: list[ClockStep] = []
        #: The incident in the steady frame (None until `reset`).
        self.timing: IncidentState | None = None
        self._stepped = False  # a step was seen: `timing` is a copy that follows on its own

    def now(self) -> datetime:
        """The steady time now; notices (and queues, for `take_steps`) a step of the wall clock."""
        wall = self.wall()
        watch = self.watch
        if watch is None or self.monotonic is None:
            return wall
        step = watch.observe(wall, self.monotonic())
        if step is not None:
            self._steps.append(step)
            self._stepped = True
        return watch.steady(wall)

    def take_steps(self) -> list[ClockStep]:
        """The steps seen since the last call (to note on screen and record)."""
        steps, self._steps = self._steps, []
        return steps

    def reset(self, state: IncidentState) -> IncidentState:
        """The incident as read from the store: the steady frame is this process's first wall
        clock, so only steps recorded before it (by an earlier screen) move older events."""
        self.timing = elapsed_view(state)
        self._stepped = self._stepped or self.timing is not state
        return self.timing

    def advance(self, state: IncidentState, events: Iterable[Event]) -> IncidentState:
        """`state` (the incident with `events` just folded in) as the countdowns read it: each new
        event moved from the frame it was written in into the steady frame."""
        from warroom.services.follow import advance

        now = self.now()  # a step is noticed before the events written after it are placed
        if not self._stepped or self.timing is None or self.watch is None:
            self.timing = state
            return state
        watch = self.watch
        placed = [shifted(e, -watch.frame_of(e.recorded_at or e.at, now)) for e in events]
        self.timing = advance(self.timing, placed)
        return self.timing
