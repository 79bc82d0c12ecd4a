"""The incident as it stood at any moment: an index of folded states for the review's scrubber.

Folding 100,000 events on every keypress would take a second; instead the fold runs once, in
time order, and keeps the state each time an event changed it (most events are signals, which
change nothing, so the index stays small). `moment(t)` then finds the state with a bisection
and adds what depends on `t` itself: the update countdown (`cadence.next_update`), the coach's
warnings holding then (`coach.evaluate` over the people's events up to `t`), and which warnings
had fired so far (`coach_replay.fired`, replayed once for the whole record).

The review's order is time (then id), as the timeline shows it; an event back-dated far behind
events recorded earlier counts from the moment it is dated.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from warroom.domain.cadence import UpdateCadence, UpdateDue, next_update
from warroom.domain.coach import CoachWarning, dismissals, evaluate, is_dismissed
from warroom.domain.coach_replay import FiredWarning, fired
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, apply_readable
from warroom.records import Record, record

#: Events that change no coach rule's answer (as `coach_replay` treats them): the coach is
#: shown the people's events only, which keeps `moment()` quick in a long, noisy incident.
SIGNAL_KINDS = frozenset(
    {
        Kind.PROBE_DOWN,
        Kind.PROBE_UP,
        Kind.STATUSPAGE,
        Kind.LOG_SPIKE,
        Kind.RESOURCE,
        Kind.SOURCE_ERROR,
        Kind.NOTIFY_SENT,
        Kind.EVIDENCE,
    }
)


def _order(event: Event) -> tuple[datetime, int]:
    return (event.at, event.id or 0)


@record
class Moment(Record):
    """What the state panel shows for one moment of the incident."""

    at: datetime
    #: The folded incident as of `at` (None before the declaration).
    state: IncidentState | None
    #: Each probe's last recorded state as of `at`: "up" or "down".
    probes: dict[str, str]
    #: The update countdown as it stood (None before the declaration).
    update: UpdateDue | None
    #: Coach warnings whose situation held at `at`, with whether each was dismissed by then.
    warnings: tuple[tuple[CoachWarning, bool], ...] = ()
    #: Warnings fired up to `at` (None until the replay has run: it runs once, in a worker).
    fired: int | None = None
    #: Events recorded up to `at`.
    events_before: int = 0


class ReviewIndex:
    """States at event boundaries, for answering "as of `t`" by bisection (see the module doc)."""

    def __init__(self, events: Iterable[Event], cadence: UpdateCadence | None = None) -> None:
        self.cadence = cadence or UpdateCadence()
        self.fired: list[FiredWarning] | None = None
        self._reset(sorted(events, key=_order))

    def _reset(self, ordered: list[Event]) -> None:
        self.events: list[Event] = []
        self.times: list[datetime] = []
        self._state_pos: list[int] = []  # position (count of events folded) where the state changed
        self._states: list[IncidentState] = []
        self._probe_pos: list[int] = []
        self._probes: list[dict[str, str]] = []
        self._people: list[Event] = []
        self._people_times: list[datetime] = []
        self._state: IncidentState | None = None
        self._probe_now: dict[str, str] = {}
        self._add(ordered)

    def extend(self, events: Iterable[Event]) -> None:
        """Add newer events (another process still writes the incident). One dated before the
        last indexed event means a rebuild, which is rare (a back-dated note)."""
        new = sorted(events, key=_order)
        if not new:
            return
        if self.events and _order(new[0]) < _order(self.events[-1]):
            self._reset(sorted(self.events + new, key=_order))
        else:
            self._add(new)
        self.fired = None  # the replay is stale: run `replay_coach` again

    def _add(self, ordered: list[Event]) -> None:
        for ev in ordered:
            self.events.append(ev)
            self.times.append(ev.at)
            pos = len(self.events)
            after = apply_readable(self._state, ev)
            if after is not self._state and after is not None:
                self._state = after
                self._state_pos.append(pos)
                self._states.append(after)
            if ev.kind in (Kind.PROBE_DOWN, Kind.PROBE_UP):
                name = str(ev.payload.get("probe") or "?")
                value = "down" if ev.kind == Kind.PROBE_DOWN else "up"
                if self._probe_now.get(name) != value:
                    self._probe_now = self._probe_now | {name: value}
                    self._probe_pos.append(pos)
                    self._probes.append(self._probe_now)
            if ev.kind not in SIGNAL_KINDS:
                self._people.append(ev)
                self._people_times.append(ev.at)

    # --- answers -----------------------------------------------------------------------------

    @property
    def start(self) -> datetime | None:
        return self.times[0] if self.times else None

    @property
    def end(self) -> datetime | None:
        return self.times[-1] if self.times else None

    @property
    def state_changes(self) -> int:
        """How many states the index keeps (for the benchmark and tests)."""
        return len(self._states)

    def count_until(self, at: datetime) -> int:
        """Events dated at or before `at`."""
        return bisect_right(self.times, at)

    def state_at(self, at: datetime) -> IncidentState | None:
        """The folded incident as of `at` (its `events` left empty: see `moment`)."""
        i = bisect_right(self._state_pos, self.count_until(at)) - 1
        return self._states[i] if i >= 0 else None

    def probes_at(self, at: datetime) -> dict[str, str]:
        i = bisect_right(self._probe_pos, self.count_until(at)) - 1
        return dict(self._probes[i]) if i >= 0 else {}

    def replay_coach(self) -> list[FiredWarning]:
        """Replay the coach over the whole record once (slow for a long incident: a worker's job)."""
        end = self.end
        # The people's events only: no rule reads a signal (as `coach_replay` notes), and each of
        # its moments copies the events so far, so 100,000 probe results would cost minutes.
        self.fired = fired(self._people, end, self.cadence) if end is not None else []
        return self.fired

    def moment(self, at: datetime) -> Moment:
        """Everything the state panel shows for `at`: a bisection and a few small computations."""
        count = self.count_until(at)
        state = self.state_at(at)
        fired_count = None if self.fired is None else sum(1 for f in self.fired if f.at <= at)
        if state is None:
            return Moment(at, None, self.probes_at(at), None, (), fired_count, count)
        people = tuple(self._people[: bisect_right(self._people_times, at)])
        seen = replace(state, events=people)
        update = next_update(seen, at, self.cadence)
        dismissed = dismissals(people, at)
        warnings = tuple((w, is_dismissed(w, dismissed)) for w in evaluate(seen, at, self.cadence))
        return Moment(at, seen, self.probes_at(at), update, warnings, fired_count, count)

    def times_of(self, pick: Callable[[Event], bool]) -> list[datetime]:
        """The times of the events `pick` chooses (the milestones), in order."""
        return [e.at for e in self.events if pick(e)]
