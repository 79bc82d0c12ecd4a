"""A wall clock that steps (an NTP jump of an hour) in the middle of an incident.

Record times come from the wall clock: that is what an event's `at` says, and what the
timeline shows. Intervals (elapsed, the update countdown, "silent for", time to mitigate) must
not jump with it. A running screen measures them in a *steady frame*: the wall clock as it read
when the screen started, moved on by a monotonic clock (`services.steady_time`). `StepWatch`
compares the two: a difference of more than `STEP_THRESHOLD` between one look and the next is
a step (smaller ones, NTP slewing, are taken as the wall clock's own correction). Events written
after a step carry wall times of the new frame; `shifted` moves them back by the step, so "last
update 3 min ago" stays 3 minutes whichever frame each time was written in. A step is recorded
once (`Kind.CLOCK_STEPPED`, payload by `event_payloads.clock_stepped`), so whatever reads the
record later (a screen opened afterwards, `due`, `show`, the metrics) reads it knowing the step:
`steady_events`, `elapsed_view`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.event_payloads import clock_stepped, signed_span
from warroom.domain.events import Event, Kind, format_ts, parse_ts

TYPE_CHECKING = False  # not `typing`: kept as light as the catalogue it sits beside
if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState

#: A wall clock that moves this much more (or less) than the monotonic clock between two looks
#: has stepped; anything smaller is slewing (or a slow look) and is followed silently.
STEP_THRESHOLD = timedelta(minutes=2)

#: Payload fields that hold a (back-dated) time of their own; shifted with `at`.
_TIME_FIELDS = ("at", "started_at", "detected_at")


class ClockStep:
    """One step seen: the wall clock read `after` where the monotonic clock put it at `before`."""

    __slots__ = ("after", "before")

    def __init__(self, before: datetime, after: datetime) -> None:
        self.before = before
        self.after = after

    @property
    def delta(self) -> timedelta:
        """How far the wall clock jumped (positive: forward)."""
        return self.after - self.before

    def payload(self) -> dict[str, object]:
        """The `clock.stepped` event's payload."""
        return clock_stepped(step_s=self.delta.total_seconds(), before=self.before, after=self.after)

    def dedupe_key(self) -> str:
        """The same for every process on the host that sees this step (they look within a
        second of each other), so ten screens record it once."""
        bucket = int(self.before.timestamp() // 300)
        return f"clock-step:{bucket}:{round(self.delta.total_seconds() / 60)}"

    def __repr__(self) -> str:
        return f"ClockStep({signed_span(self.delta)} at {self.after.isoformat()})"


class StepWatch:
    """Watches the wall clock against a monotonic one (seconds, any origin).

    `offset` is how far the wall clock has stepped since the first look, in all: the steady
    time is the wall time less it. `frames` are the offsets seen so far (0 first), for telling
    which frame a time was written in.
    """

    def __init__(self, wall: datetime, mono: float, threshold: timedelta = STEP_THRESHOLD) -> None:
        self.threshold = threshold
        self.offset = timedelta(0)
        self.frames: list[timedelta] = [timedelta(0)]
        self._wall = wall
        self._mono = mono

    def observe(self, wall: datetime, mono: float) -> ClockStep | None:
        """Look at both clocks; the step when the wall clock jumped since the last look."""
        expected = self._wall + timedelta(seconds=mono - self._mono)
        self._wall, self._mono = wall, mono
        if abs(wall - expected) <= self.threshold:
            return None
        step = ClockStep(expected, wall)
        self.offset += step.delta
        if self.offset not in self.frames:
            self.frames.append(self.offset)
        return step

    def steady(self, wall: datetime) -> datetime:
        """`wall` (the latest look's frame) in the steady frame."""
        return wall - self.offset

    def frame_of(self, written: datetime, steady_now: datetime) -> timedelta:
        """The offset of the frame a time written just now (`written`, a wall time) came from:
        the frame whose "now" is nearest it. Events written a moment before a step was seen
        and read after it stay in the old frame."""
        return min(self.frames, key=lambda offset: abs(written - offset - steady_now))


def shifted(event: Event, by: timedelta) -> Event:
    """`event` with its times (`at`, `recorded_at`, back-dated payload times) moved by `by`."""
    if not by:
        return event
    payload = dict(event.payload)
    for key in _TIME_FIELDS:
        value = payload.get(key)
        if isinstance(value, str) and value:
            try:
                payload[key] = format_ts(parse_ts(value) + by)
            except (ValueError, OverflowError):
                pass
    recorded = event.recorded_at + by if event.recorded_at is not None else None
    return Event(
        event.incident_id,
        event.at + by,
        event.kind,
        event.actor,
        payload,
        event.id,
        recorded,
        event.origin,
        event.dedupe_key,
        event.problem,
    )


def step_of(event: Event) -> timedelta:
    """The step a `clock.stepped` event records (0 for any other event, or an unreadable one)."""
    if event.kind != Kind.CLOCK_STEPPED:
        return timedelta(0)
    value = event.payload.get("step_s")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return timedelta(0)
    try:
        return timedelta(seconds=value)
    except OverflowError:
        return timedelta(0)


def steady_events(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The record in the frame of its newest step: each event written before a recorded clock
    step moved by the steps after it, so intervals between any two events (and now) are
    elapsed time. The same tuple when no step is recorded (the usual case: nothing is copied)."""
    if not any(e.kind == Kind.CLOCK_STEPPED for e in events):
        return events
    moved: list[Event] = []
    later = timedelta(0)
    for event in reversed(events):
        moved.append(shifted(event, later))
        later += step_of(event)
    moved.reverse()
    return tuple(moved)


def elapsed_view(state: IncidentState) -> IncidentState:
    """`state` for measuring intervals against the wall clock now (countdowns, elapsed, time to
    mitigate): itself, unless its record holds a clock step; then refolded from `steady_events`."""
    moved = steady_events(state.events)
    if moved is state.events:
        return state
    from warroom.domain.incident import fold  # here: the fold is only needed once a step is recorded

    return fold(moved) or state
