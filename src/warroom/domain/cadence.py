"""Update cadence: when the next status update is due, and which ones were missed.

The playbook: "Silence = panic. Communicate even when there's nothing new." SEV-1 every 15 min,
SEV-2 every 30 min, SEV-3 every hour, SEV-4 none; SEV-2 needs user comms within 30 min.

Everything here is a pure function of the incident's record and a `now` passed in, so the header
countdown, `warroom due` and the postmortem all agree, and two open screens never double-count a
missed update (nothing is appended: misses are derived from the record alone).

Rules, in one place:
- A *silence* starts at the declaration, at each posted update (any audience), or at a reopen, and
  ends at the next posted update, at resolution, or at `now`.
- The deadline is the silence's start plus the cadence in force. A severity change recomputes it:
  the new cadence is counted from the last post, or from the change itself when that is already
  past. A raise never buys time (the earlier of the old and new deadlines), so raising to SEV-1 makes
  an update due within 15 minutes of the change at the latest; a lowering never takes time away (the
  later of the two). SEV-4 suspends the deadline; resolution ends the silence.
- A silence that outlived its deadline is one `MissedUpdate` (at most one per silence).
- Only record entries at or before `now` count, so replaying the record to any moment gives the
  countdown the room saw then.

The SEV-2 rule's trace afterwards (due, sent, on time or late by N minutes) is `user_comms.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from warroom.domain.metrics import format_duration
from warroom.domain.severity import Severity
from warroom.domain.status import Status
from warroom.records import Record, record

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState

Phase = Literal["ok", "soon", "overdue", "none"]

#: The header turns amber this long before an update is due.
SOON = timedelta(minutes=2)

#: The audience whose posts count as "user comms" for the SEV-2 30-minute rule.
USER_AUDIENCE = "external"


@record
class UpdateCadence(Record):
    """Minutes between required updates per severity (None: no required updates)."""

    sev1: int | None = 15
    sev2: int | None = 30
    sev3: int | None = 60
    sev4: int | None = None
    #: SEV-2 (or worse) needs user comms within this many minutes of reaching that severity.
    sev2_first_user_comms: int = 30

    @classmethod
    def from_config(cls, cfg: Any | None) -> UpdateCadence:
        """From a `CadenceConfig` (or anything with the same attributes); None gives the playbook's."""
        if cfg is None:
            return cls()
        return cls(
            sev1=cfg.sev1,
            sev2=cfg.sev2,
            sev3=cfg.sev3,
            sev4=cfg.sev4,
            sev2_first_user_comms=cfg.sev2_first_user_comms,
        )

    def minutes_for(self, severity: Severity | int) -> int | None:
        """Minutes between updates at this severity, or None when none are required."""
        value = getattr(self, f"sev{int(severity)}")
        return int(value) if value else None


#: The playbook's cadence, to tell "switched off in config" from "none at this severity".
PLAYBOOK_CADENCE = UpdateCadence()


@record
class UpdateDue(Record):
    """The countdown to the next required update, as of `now`."""

    now: datetime
    severity: Severity
    #: When the next update is due; None when none is required (SEV-4, resolved).
    due_at: datetime | None
    #: Time left until `due_at`; negative when overdue; None when nothing is due.
    remaining: timedelta | None
    phase: Phase
    #: Time since the last posted update (or the declaration / reopen when none since).
    silent_for: timedelta
    #: The cadence in force now, in minutes (None: no required updates).
    cadence_minutes: int | None
    #: The last posted update of any audience at or before `now`, or None.
    last_posted_at: datetime | None
    #: Resolved as of `now` (nothing is due because the incident is over).
    resolved: bool = False

    @property
    def overdue(self) -> bool:
        return self.phase == "overdue"

    @property
    def cadence_off(self) -> bool:
        """Open, and no updates are required only because config switched off a cadence the
        playbook sets for this severity (`[cadence] sev3 = false`), not because it is SEV-4."""
        if self.resolved or self.cadence_minutes is not None:
            return False
        return PLAYBOOK_CADENCE.minutes_for(self.severity) is not None

    @property
    def overdue_by(self) -> timedelta:
        """How far past the deadline (zero unless overdue)."""
        if self.remaining is None or self.remaining > timedelta(0):
            return timedelta(0)
        return -self.remaining

    def describe(self) -> str:
        """One line for people: `next update due in 12m 30s (03:45 UTC)` or the overdue form.

        With nothing due it says why: `no update due (resolved)`, `no required updates for SEV-4`
        (the playbook sets none), or `no required updates for SEV-3 (cadence off)` (config did).
        """
        if self.phase == "none":
            if self.resolved:
                return "no update due (resolved)"
            if self.cadence_off:
                return f"no required updates for {self.severity.label} (cadence off)"
            return f"no required updates for {self.severity.label}"
        assert self.due_at is not None
        if self.phase == "overdue":
            return (
                f"update OVERDUE by {format_duration(self.overdue_by)} — silent for {format_duration(self.silent_for)}"
            )
        assert self.remaining is not None
        return f"next update due in {format_duration(self.remaining)} ({self.due_at:%H:%M} UTC)"

    def short(self) -> str:
        """A few characters for a tmux status line: `12m30s`, `LATE 4m`; with nothing due `-`
        (SEV-4), `off` (cadence switched off in config) or `resolved`."""
        if self.phase == "none" or self.remaining is None:
            if self.resolved:
                return "resolved"
            return "off" if self.cadence_off else "-"
        if self.phase == "overdue":
            return "LATE " + format_duration(self.overdue_by).replace(" ", "")
        return format_duration(self.remaining).replace(" ", "")


@record
class UserCommsDue(Record):
    """The SEV-2 rule: users hear from us (an `external` update) within 30 min."""

    #: Whether the rule applies at all (the incident reached SEV-2 or worse by `now`).
    required: bool
    #: When the first user-facing update is due (None when not required).
    due_at: datetime | None
    #: When the first `external` update was posted (None when not yet).
    met_at: datetime | None
    #: "met" once posted; otherwise like the countdown ("ok", "soon", "overdue"), or "none".
    phase: Literal["met", "ok", "soon", "overdue", "none"]
    remaining: timedelta | None

    def describe(self) -> str:
        if self.phase == "none":
            return "no user comms required"
        if self.phase == "met":
            assert self.met_at is not None
            return f"user comms posted at {self.met_at:%H:%M} UTC"
        assert self.due_at is not None and self.remaining is not None
        if self.phase == "overdue":
            return f"user comms OVERDUE by {format_duration(-self.remaining)} (due {self.due_at:%H:%M} UTC)"
        return f"user comms due in {format_duration(self.remaining)} ({self.due_at:%H:%M} UTC)"


@record
class MissedUpdate(Record):
    """A silence that outlived the cadence in force: derived from the record, never appended."""

    #: When the silence began (declaration, a posted update, or a reopen).
    start: datetime
    #: When it ended (the next posted update, resolution) or `now` while it goes on.
    end: datetime
    #: When the required update fell due.
    due_at: datetime
    #: The cadence in force when the deadline passed, in minutes.
    cadence_minutes: int
    #: The severity in force when the deadline passed.
    severity: Severity
    #: True while nothing has ended it yet (it runs up to `now`).
    ongoing: bool

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def overdue_by(self) -> timedelta:
        return self.end - self.due_at

    def describe(self) -> str:
        """`went silent for 45 minutes (SEV-1: updates every 15 min)`, for the postmortem."""
        return f"{silence_phrase(self.length)} ({self.severity.label}: updates every {self.cadence_minutes} min)"


def silence_phrase(length: timedelta) -> str:
    """`went silent for 45 minutes`: the playbook's anti-pattern, in its own words."""
    minutes = int(length.total_seconds() // 60)
    return f"went silent for {minutes} minute{'' if minutes == 1 else 's'}"


# --- the one sweep both questions share -------------------------------------------------------


class _Sweep:
    """The walk's working state (mutable, so a plain class rather than a record)."""

    __slots__ = ("anchor", "due", "minutes", "severity", "resolved", "last_post", "missed_in_silence", "misses")

    def __init__(self, *, anchor: datetime, due: datetime | None, minutes: int | None, severity: Severity) -> None:
        self.anchor = anchor  # start of the current silence
        self.due = due
        self.minutes = minutes  # cadence in force
        self.severity = severity
        self.resolved = False
        self.last_post: datetime | None = None
        self.missed_in_silence: MissedUpdate | None = None  # the current silence's miss, once its deadline passed
        self.misses: list[MissedUpdate] = []


def _cadence_changes(state: IncidentState, now: datetime) -> list[tuple[datetime, int, Severity | None, bool | None]]:
    """Severity and resolved/open changes up to `now`, in time order (order kept for equal times)."""
    changes: list[tuple[datetime, int, Severity | None, bool | None]] = []
    for i, sc in enumerate(state.severity_history[1:]):
        if sc.at <= now:
            changes.append((sc.at, i, sc.after, None))
    offset = len(changes)
    for i, st in enumerate(state.status_history[1:]):
        if st.at <= now:
            changes.append((st.at, offset + i, None, st.after is Status.RESOLVED))
    changes.sort(key=lambda c: (c[0], c[1]))
    return changes


def _minutes(cadence: UpdateCadence, severity: Severity, resolved: bool) -> int | None:
    return None if resolved else cadence.minutes_for(severity)


def _deadline_from(anchor: datetime, minutes: int, at: datetime) -> datetime:
    """The new cadence counted from the last post, or from `at` when that is already past."""
    counted = anchor + timedelta(minutes=minutes)
    return counted if counted > at else at + timedelta(minutes=minutes)


def _check_passed(s: _Sweep, at: datetime) -> None:
    """Record the current silence's miss once its deadline is behind `at`."""
    if s.due is not None and at > s.due and s.missed_in_silence is None and s.minutes is not None:
        s.missed_in_silence = MissedUpdate(s.anchor, at, s.due, s.minutes, s.severity, ongoing=True)


def _end_silence(s: _Sweep, at: datetime, *, ongoing: bool = False) -> None:
    if s.missed_in_silence is not None:
        m = s.missed_in_silence
        s.misses.append(MissedUpdate(m.start, at, m.due_at, m.cadence_minutes, m.severity, ongoing=ongoing))
    s.missed_in_silence = None


def _start_sweep(state: IncidentState, cadence: UpdateCadence) -> _Sweep:
    """The walk at the declaration: its severity's cadence counted from it."""
    first_sev = state.severity_history[0].after if state.severity_history else state.severity
    start = state.declared_at
    minutes = cadence.minutes_for(first_sev)
    return _Sweep(
        anchor=start,
        due=start + timedelta(minutes=minutes) if minutes else None,
        minutes=minutes,
        severity=first_sev,
    )


#: One entry of the walk: (when, 0 for a change or 1 for a post, its order, the change or post).
SweepItem = tuple[datetime, int, int, Any]


def _timeline(state: IncidentState, now: datetime) -> list[SweepItem]:
    # Changes come before posts at the same instant: a post made as severity changes counts after it.
    start = state.declared_at
    timeline: list[SweepItem] = [(c[0], 0, c[1], c) for c in _cadence_changes(state, now)]
    timeline += [(max(p.at, start), 1, i, p) for i, p in enumerate(state.comms) if p.at <= now]
    timeline.sort(key=lambda t: (t[0], t[1], t[2]))
    return timeline


def _step(s: _Sweep, cadence: UpdateCadence, item: SweepItem) -> None:
    """Walk past one change or post (in the timeline's order)."""
    at, is_post, _, entry = item
    _check_passed(s, at)
    if is_post:
        s.last_post = entry.at
        if s.resolved:
            return  # a post after resolution starts no silence
        _end_silence(s, at)
        s.anchor = at
        s.due = at + timedelta(minutes=s.minutes) if s.minutes else None
        return
    _, _, new_sev, resolved = entry
    was_resolved = s.resolved
    old_minutes = s.minutes
    if new_sev is not None:
        s.severity = new_sev
    if resolved is not None:
        s.resolved = resolved
    s.minutes = _minutes(cadence, s.severity, s.resolved)
    if s.resolved and not was_resolved:
        _end_silence(s, at)  # resolution ends the silence
        s.due = None
    elif was_resolved and not s.resolved:
        s.anchor = at  # a reopen starts a new silence, like a declaration
        s.due = at + timedelta(minutes=s.minutes) if s.minutes else None
    elif s.minutes == old_minutes:
        pass  # same cadence (a status step, SEV-2 -> SEV-2 with overrides): deadline unchanged
    elif s.minutes is None:
        s.due = None  # SEV-4: deadlines suspended, the silence goes on
    elif old_minutes is None or s.due is None:
        s.due = _deadline_from(s.anchor, s.minutes, at)
    elif s.minutes < old_minutes:
        # A raise never buys time: the earlier of the old deadline and the new cadence.
        s.due = min(s.due, _deadline_from(s.anchor, s.minutes, at))
    else:
        # A lowering never takes time away: the later of the two.
        s.due = max(s.due, _deadline_from(s.anchor, s.minutes, at))


def _sweep(state: IncidentState, now: datetime, cadence: UpdateCadence) -> _Sweep:
    s = _start_sweep(state, cadence)
    for item in _timeline(state, now):
        _step(s, cadence, item)
    _check_passed(s, now)
    if s.missed_in_silence is not None:
        _end_silence(s, now, ongoing=True)
    return s


def _update_due(state: IncidentState, s: _Sweep, now: datetime) -> UpdateDue:
    """The countdown from a walk over every change and post up to `now` (its misses unread)."""
    last_post = s.last_post
    silence_from = max(t for t in (state.declared_at, last_post, s.anchor) if t is not None)
    silent_for = max(now - silence_from, timedelta(0))
    if s.resolved or s.due is None or s.minutes is None:
        return UpdateDue(now, s.severity, None, None, "none", silent_for, s.minutes, last_post, resolved=s.resolved)
    remaining = s.due - now
    # Overdue once past the deadline (an update posted exactly at it is on time, as in the record).
    if remaining < timedelta(0):
        phase: Phase = "overdue"
    elif remaining <= SOON:
        phase = "soon"
    else:
        phase = "ok"
    return UpdateDue(now, s.severity, s.due, remaining, phase, silent_for, s.minutes, last_post)


def next_update(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> UpdateDue:
    """The countdown the header shows: when the next update is due, as of `now`."""
    return _update_due(state, _sweep(state, now, cadence or UpdateCadence()), now)


def missed_updates(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> list[MissedUpdate]:
    """Every silence longer than the cadence in force, from the record alone, oldest first."""
    return list(_sweep(state, now, cadence or UpdateCadence()).misses)


def user_comms_due(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> UserCommsDue:
    """SEV-2 (or worse) needs user comms (an `external` update) within 30 min of reaching it."""
    reached: datetime | None = None
    for change in state.severity_history:
        if change.at <= now and change.after <= Severity.SEV2:
            reached = change.at
            break
    met_at = next((p.at for p in state.comms if p.audience == USER_AUDIENCE and p.at <= now), None)
    return _user_comms(reached, met_at, state.milestones.resolved, now, cadence or UpdateCadence())


def _user_comms(
    reached: datetime | None,
    met_at: datetime | None,
    resolved_at: datetime | None,
    now: datetime,
    cadence: UpdateCadence,
) -> UserCommsDue:
    """The SEV-2 rule from when SEV-2 was first reached and the first `external` post (both as of `now`)."""
    if reached is None:
        return UserCommsDue(False, None, None, "none", None)
    due_at = reached + timedelta(minutes=cadence.sev2_first_user_comms)
    if met_at is not None:
        return UserCommsDue(True, due_at, met_at, "met", due_at - now)
    if resolved_at is not None and resolved_at <= now and resolved_at < due_at:
        return UserCommsDue(False, due_at, None, "none", None)  # resolved before users needed telling
    remaining = due_at - now
    if remaining < timedelta(0):
        return UserCommsDue(True, due_at, None, "overdue", remaining)
    return UserCommsDue(True, due_at, None, "soon" if remaining <= SOON else "ok", remaining)
