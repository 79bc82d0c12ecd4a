"""Incident state as a pure, deterministic fold over its events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from datetime import datetime
from typing import Any

from warroom.domain.events import Event, Kind, parse_ts, short_id
from warroom.domain.roles import IC
from warroom.domain.severity import Severity
from warroom.domain.status import Status
from warroom.records import Record, record

MILESTONE_NAMES = ("started", "detected", "acknowledged", "mitigated", "resolved")


@record
class Milestones(Record):
    """When each stage was reached (each may be back-dated by the scribe)."""

    started: datetime | None = None
    detected: datetime | None = None
    acknowledged: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None


@record
class RoleHolder(Record):
    """Who holds a role, and since when."""

    role: str
    person: str
    since: datetime


@record
class PendingHandoff(Record):
    """An IC handoff proposed and not yet acknowledged by the incoming person: until then the
    outgoing IC stays IC (a handoff completes only when the new IC says they have it)."""

    outgoing: str
    incoming: str
    at: datetime
    #: Who proposed it (the actor of the proposal).
    by: str


@record
class SeverityChange(Record):
    """One severity change: from, to, when, who and why."""

    at: datetime
    before: Severity | None
    after: Severity
    reason: str
    actor: str

    @property
    def is_upgrade(self) -> bool:
        """More severe than before (a lower SEV number)."""
        return self.before is not None and self.after < self.before


@record
class StatusChange(Record):
    """One status change: from, to, when, who and what was said."""

    at: datetime
    before: Status | None
    after: Status
    text: str
    actor: str

    @property
    def is_step_back(self) -> bool:
        return self.before is not None and self.after.order < self.before.order


@record
class CommsPost(Record):
    """A status update marked as posted (the thing the cadence counts from)."""

    at: datetime
    audience: str
    text: str
    actor: str


@record
class IncidentState(Record):
    """One incident as its events fold it: what the war room and `show` display."""

    incident_id: int
    title: str
    severity: Severity
    status: Status
    declared_at: datetime
    declared_by: str
    impact: str = ""
    detected_by: str = ""
    drill: bool = False
    #: What customers see affected, in their words (the external draft's `<feature>`); "" until set.
    feature: str = ""
    #: The latest resolution's public summary (`resolve --public`), "" when none was given: the
    #: external draft never falls back to the internal summary, which may name systems.
    public_summary: str = ""
    roles: dict[str, RoleHolder] = field(default_factory=dict)
    #: An IC handoff waiting for the incoming person's ack (None when none is pending).
    handoff: PendingHandoff | None = None
    milestones: Milestones = field(default_factory=Milestones)
    severity_history: tuple[SeverityChange, ...] = ()
    status_history: tuple[StatusChange, ...] = ()
    mitigations: tuple[Event, ...] = ()
    comms: tuple[CommsPost, ...] = ()
    events: tuple[Event, ...] = ()
    last_event_id: int = 0

    @property
    def short_id(self) -> str:
        return short_id(self.incident_id)

    @property
    def is_open(self) -> bool:
        return self.status is not Status.RESOLVED

    @property
    def commander(self) -> str | None:
        holder = self.roles.get(IC)
        return holder.person if holder else None

    @property
    def upgrades(self) -> tuple[SeverityChange, ...]:
        """Every raise after declaration: kept visible for the postmortem ("upgrading later looks bad")."""
        return tuple(c for c in self.severity_history if c.is_upgrade)

    @property
    def peak_severity(self) -> Severity:
        return min((c.after for c in self.severity_history), default=self.severity)

    def severity_at(self, when: datetime) -> Severity:
        current = self.severity_history[0].after if self.severity_history else self.severity
        for change in self.severity_history:
            if change.at <= when:
                current = change.after
        return current


def _when(event: Event, key: str = "at") -> datetime:
    """A payload may carry its own back-dated time; otherwise (or when it is unreadable: the
    store flags such rows) the event's `at`."""
    value = event.payload.get(key)
    if not isinstance(value, str) or not value:
        return event.at
    try:
        when = parse_ts(value)
    except (ValueError, OverflowError):
        return event.at
    return when if when.year >= 2000 else event.at


def _public_summary(payload: Mapping[str, Any]) -> str:
    """A resolution's public summary (`resolve --public`), one line; "" when none was given."""
    return " ".join(str(payload.get("public") or "").split())


def apply(state: IncidentState | None, ev: Event) -> IncidentState | None:
    """One step of the fold: the state after `ev` (followers refold only new events)."""
    p = ev.payload
    if ev.kind == Kind.DECLARED:
        sev = Severity.parse(p.get("severity", 3))
        started = _when(ev, "started_at")
        detected = _when(ev, "detected_at")
        return IncidentState(
            incident_id=ev.incident_id,
            title=str(p.get("title", "")),
            severity=sev,
            status=Status.INVESTIGATING,
            declared_at=ev.at,
            declared_by=ev.actor,
            impact=str(p.get("impact") or ""),
            detected_by=str(p.get("detected_by") or ""),
            drill=bool(p.get("drill", False)),
            feature=" ".join(str(p.get("feature") or "").split()),
            milestones=Milestones(started=min(started, detected), detected=detected),
            severity_history=(SeverityChange(ev.at, None, sev, "declared", ev.actor),),
            status_history=(StatusChange(ev.at, None, Status.INVESTIGATING, "declared", ev.actor),),
        )
    if state is None:
        return None  # events before a declaration (should not happen) are ignored
    if ev.kind == Kind.SEVERITY:
        sev = Severity.parse(p["to"])
        raised = SeverityChange(ev.at, state.severity, sev, str(p.get("reason") or ""), ev.actor)
        return replace(state, severity=sev, severity_history=state.severity_history + (raised,))
    if ev.kind == Kind.STATUS:
        status = Status.parse(p["to"])
        change = StatusChange(ev.at, state.status, status, str(p.get("text") or ""), ev.actor)
        ms = state.milestones
        if status is Status.RESOLVED and ms.resolved is None:
            ms = replace(ms, resolved=ev.at)
        elif status is not Status.RESOLVED and state.status is Status.RESOLVED:
            ms = replace(ms, resolved=None)
        public = _public_summary(p) if status is Status.RESOLVED else ""
        return replace(
            state, status=status, milestones=ms, public_summary=public, status_history=state.status_history + (change,)
        )
    if ev.kind == Kind.ROLE_ASSIGNED:
        roles = dict(state.roles)
        roles[p["role"]] = RoleHolder(p["role"], str(p["person"]), ev.at)
        # Naming an IC directly (`/ic`, `role ic`) settles who leads: a pending handoff is cancelled.
        return replace(state, roles=roles, handoff=None if p["role"] == IC else state.handoff)
    if ev.kind == Kind.ROLE_RELEASED:
        roles = dict(state.roles)
        roles.pop(p["role"], None)
        return replace(state, roles=roles, handoff=None if p["role"] == IC else state.handoff)
    if ev.kind == Kind.HANDOFF_PROPOSED:  # a newer proposal replaces a pending one
        handoff = PendingHandoff(str(p["from"]), str(p["to"]), ev.at, ev.actor)
        return replace(state, handoff=handoff)
    if ev.kind == Kind.HANDOFF_ACCEPTED:
        roles = dict(state.roles)
        roles[IC] = RoleHolder(IC, str(p["to"]), ev.at)
        return replace(state, roles=roles, handoff=None)
    if ev.kind == Kind.ACKNOWLEDGED:
        if state.milestones.acknowledged is not None:
            return state
        return replace(state, milestones=replace(state.milestones, acknowledged=ev.at))
    if ev.kind == Kind.MITIGATED:
        ms = state.milestones
        if ms.mitigated is None:
            ms = replace(ms, mitigated=ev.at)
        return replace(state, milestones=ms, mitigations=state.mitigations + (ev,))
    if ev.kind == Kind.RESOLVED:
        change = StatusChange(ev.at, state.status, Status.RESOLVED, str(p.get("text") or ""), ev.actor)
        ms = state.milestones
        if ms.resolved is None:
            ms = replace(ms, resolved=ev.at)
        return replace(
            state,
            status=Status.RESOLVED,
            milestones=ms,
            public_summary=_public_summary(p),
            status_history=state.status_history + (change,),
        )
    if ev.kind == Kind.REOPENED:
        change = StatusChange(ev.at, state.status, Status.INVESTIGATING, str(p.get("text") or ""), ev.actor)
        return replace(
            state,
            status=Status.INVESTIGATING,
            milestones=replace(state.milestones, resolved=None),
            public_summary="",  # what was true at the last resolution is no longer the news
            status_history=state.status_history + (change,),
        )
    if ev.kind == Kind.MILESTONE:
        name = p.get("name")
        if name in MILESTONE_NAMES:
            return replace(state, milestones=replace(state.milestones, **{name: _when(ev)}))
        return state
    if ev.kind == Kind.PUBLIC_SUMMARY:
        return replace(state, public_summary=_public_summary({"public": p.get("text")}))
    if ev.kind == Kind.FEATURE_SET:
        return replace(state, feature=" ".join(str(p.get("text") or "").split()))
    if ev.kind == Kind.COMMS_POSTED:
        post = CommsPost(ev.at, str(p.get("audience") or "internal"), str(p.get("text") or ""), ev.actor)
        return replace(state, comms=state.comms + (post,))
    return state


#: The kinds `apply` reads; any other entry leaves the state as it is (a replay need not ask).
STATE_KINDS = frozenset(
    {
        Kind.DECLARED,
        Kind.SEVERITY,
        Kind.STATUS,
        Kind.ROLE_ASSIGNED,
        Kind.ROLE_RELEASED,
        Kind.HANDOFF_PROPOSED,
        Kind.HANDOFF_ACCEPTED,
        Kind.ACKNOWLEDGED,
        Kind.MITIGATED,
        Kind.RESOLVED,
        Kind.REOPENED,
        Kind.MILESTONE,
        Kind.PUBLIC_SUMMARY,
        Kind.FEATURE_SET,
        Kind.COMMS_POSTED,
    }
)


def apply_readable(state: IncidentState | None, ev: Event) -> IncidentState | None:
    """`apply`, except that an event whose payload lacks what its kind needs (a hand-edited or
    damaged row) changes nothing: it stays in the timeline, and the rest of the record folds."""
    try:
        return apply(state, ev)
    except (KeyError, ValueError, TypeError, AttributeError):
        return state


def fold(events: Iterable[Event]) -> IncidentState | None:
    """Rebuild one incident's state from its events, in id order (then time for unsaved ones).

    Returns None when the events hold no declaration. The same events always give the same state.
    """
    ordered = sorted(events, key=lambda e: (e.id if e.id is not None else float("inf"), e.at))
    state: IncidentState | None = None
    for ev in ordered:
        state = apply_readable(state, ev)
    if state is None:
        return None
    last = max((e.id or 0 for e in ordered), default=0)
    return replace(state, events=tuple(ordered), last_event_id=last)


# Which milestones must come before which: (earlier, later).
_ORDER = (
    ("started", "detected"),
    ("detected", "acknowledged"),
    ("started", "mitigated"),
    ("started", "resolved"),
    ("detected", "resolved"),
    ("mitigated", "resolved"),
)


def milestone_order_problem(state: IncidentState, name: str, when: datetime) -> str | None:
    """Why setting milestone `name` to `when` would be impossible (ack before detection...)."""
    ms = state.milestones
    for earlier, later in _ORDER:
        if name == later and (other := getattr(ms, earlier)) is not None and when < other:
            return f"{name} at {when:%Y-%m-%d %H:%M:%S} UTC would be before {earlier} ({other:%Y-%m-%d %H:%M:%S} UTC)"
        if name == earlier and (other := getattr(ms, later)) is not None and when > other:
            return f"{name} at {when:%Y-%m-%d %H:%M:%S} UTC would be after {later} ({other:%Y-%m-%d %H:%M:%S} UTC)"
    return None
