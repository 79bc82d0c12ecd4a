"""The update deadlines of an incident kept up to date as a replay folds its record forward.

`cadence.next_update`, `cadence.user_comms_due` and `coach.serious_since` walk the incident's
whole history (severity and status changes, posted updates) each time they are asked: right for
a screen asking once a second, quadratic for the coach's replay, which asks at every moment of
the record. `RunningDeadlines` walks each change and post once, as the replay applies them, with
the very same steps (`cadence._step`), so its answers are the batch functions' answers.

It relies on what a replay guarantees: each new state extends the last (its histories grow at
the end) with entries no earlier than those already walked, none later than the `now` asked
about. Whenever that does not hold (a second declaration, entries out of order, a `now` before
an entry) it answers with the batch functions instead: slower, never different.
"""

from __future__ import annotations

from datetime import datetime

from warroom.domain.cadence import (
    USER_AUDIENCE,
    SweepItem,
    UpdateCadence,
    UpdateDue,
    UserCommsDue,
    _start_sweep,
    _step,
    _Sweep,
    _update_due,
    _user_comms,
    next_update,
    user_comms_due,
)
from warroom.domain.coach import serious_since
from warroom.domain.incident import IncidentState, SeverityChange
from warroom.domain.severity import Severity
from warroom.domain.status import Status


class RunningDeadlines:
    """`next_update`, `user_comms_due` and `serious_since` for a state that grows in time order."""

    def __init__(self, cadence: UpdateCadence) -> None:
        self.cadence = cadence
        self._state: IncidentState | None = None
        self._declaration: SeverityChange | None = None
        self._sweep: _Sweep | None = None
        self._walked = (0, 0, 0)  # severity changes, status changes, posts walked
        self._last: tuple[datetime, int, int, int] | None = None  # the last walked entry's order
        self._latest: datetime | None = None  # the latest time of any entry walked
        self._in_order = True
        self._reached: datetime | None = None  # first reached SEV-1/2
        self._met_at: datetime | None = None  # first `external` post
        self._serious: datetime | None = None  # as `serious_since` counts it, before reopens
        self._reopened: datetime | None = None  # the latest reopen

    def update(self, state: IncidentState) -> None:
        """Catch up with `state` (the replay's state after its latest entries)."""
        if state is self._state:
            return
        first = state.severity_history[0] if state.severity_history else None
        shrunk = any(
            n > len(h) for n, h in zip(self._walked, (state.severity_history, state.status_history, state.comms))
        )
        if self._sweep is None or first is not self._declaration or first is None or shrunk:
            self._reset(state, first)
        self._state = state
        if not self._in_order:
            return
        n_sev, n_status, n_posts = self._walked
        start = state.declared_at
        new: list[tuple[tuple[datetime, int, int, int], SweepItem]] = []
        for i, sc in enumerate(state.severity_history[max(n_sev, 1) :], start=max(n_sev, 1)):
            new.append(((sc.at, 0, 0, i), (sc.at, 0, i, (sc.at, i, sc.after, None))))
        for i, st in enumerate(state.status_history[max(n_status, 1) :], start=max(n_status, 1)):
            new.append(((st.at, 0, 1, i), (st.at, 0, i, (st.at, i, None, st.after is Status.RESOLVED))))
        for i, post in enumerate(state.comms[n_posts:], start=n_posts):
            new.append(((max(post.at, start), 1, 0, i), (max(post.at, start), 1, i, post)))
        self._walked = (len(state.severity_history), len(state.status_history), len(state.comms))
        new.sort(key=lambda n: n[0])
        if new and self._last is not None and new[0][0] < self._last:
            self._in_order = False  # the batch functions order these differently: ask them
            return
        assert self._sweep is not None
        for order, item in new:
            _step(self._sweep, self.cadence, item)
            self._last = order
        for sc in state.severity_history[max(n_sev, 1) :]:
            self._see_severity(sc)
        for st in state.status_history[max(n_status, 1) :]:
            self._see(st.at)
            if st.before is Status.RESOLVED:
                self._reopened = st.at if self._reopened is None else max(self._reopened, st.at)
        for post in state.comms[n_posts:]:
            self._see(post.at)
            if self._met_at is None and post.audience == USER_AUDIENCE:
                self._met_at = post.at

    def _reset(self, state: IncidentState, first: SeverityChange | None) -> None:
        self._declaration = first
        self._sweep = _start_sweep(state, self.cadence)
        self._walked = (1, 1, 0)
        self._last = None
        self._latest = None
        self._in_order = first is not None and len(state.status_history) > 0
        self._reached = self._serious = self._reopened = self._met_at = None
        if first is not None:
            self._see_severity(first)
        if state.status_history:
            self._see(state.status_history[0].at)

    def _see(self, at: datetime) -> None:
        self._latest = at if self._latest is None else max(self._latest, at)

    def _see_severity(self, change: SeverityChange) -> None:
        self._see(change.at)
        if change.after <= Severity.SEV2:
            self._serious = self._serious or change.at
            if self._reached is None:
                self._reached = change.at
        else:
            self._serious = None

    def _exact(self, now: datetime) -> bool:
        return self._in_order and (self._latest is None or self._latest <= now)

    def next_update(self, now: datetime) -> UpdateDue:
        """`cadence.next_update(state, now, cadence)`."""
        assert self._state is not None
        if not self._exact(now) or self._sweep is None:
            return next_update(self._state, now, self.cadence)
        return _update_due(self._state, self._sweep, now)

    def user_comms_due(self, now: datetime) -> UserCommsDue:
        """`cadence.user_comms_due(state, now, cadence)`."""
        assert self._state is not None
        if not self._exact(now):
            return user_comms_due(self._state, now, self.cadence)
        return _user_comms(self._reached, self._met_at, self._state.milestones.resolved, now, self.cadence)

    def serious_since(self, now: datetime) -> datetime | None:
        """`coach.serious_since(state, now)`."""
        assert self._state is not None
        if not self._exact(now):
            return serious_since(self._state, now)
        if self._serious is None:
            return None
        if self._reopened is not None and self._reopened > self._serious:
            return self._reopened
        return self._serious
