"""The event: the one record of everything that happens in an incident.

Events are appended and never changed; state is a fold over them (see `incident.fold`).
Kinds are plain strings so that a newer writer's kinds survive an older reader: an unknown
kind is kept in the timeline and otherwise ignored by the fold.
"""

from __future__ import annotations

from datetime import UTC, datetime

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any


class Kind:
    """The name of every event kind the project writes; the rest of each kind (label, payload
    builder, wording) is its entry in `warroom.domain.catalogue`."""

    DECLARED = "incident.declared"
    SEVERITY = "severity.changed"
    STATUS = "status.changed"
    ROLE_ASSIGNED = "role.assigned"
    ROLE_RELEASED = "role.released"
    #: A new Incident Commander proposed (from, to); it waits for the incoming person's ack.
    HANDOFF_PROPOSED = "ic.handoff.proposed"
    #: The incoming person acknowledged the handoff (from, to): they are the IC now.
    HANDOFF_ACCEPTED = "ic.handoff.accepted"
    NOTE = "note"
    ACKNOWLEDGED = "incident.acknowledged"
    MITIGATED = "mitigation.applied"
    RESOLVED = "incident.resolved"
    REOPENED = "incident.reopened"
    MILESTONE = "milestone.set"
    AMENDED = "event.amended"
    # Signals recorded by sources (probes, status pages, logs, deploys, resources).
    PROBE_DOWN = "probe.down"
    PROBE_UP = "probe.up"
    STATUSPAGE = "statuspage.changed"
    LOG_SPIKE = "log.spike"
    DEPLOY = "deploy.seen"
    RESOURCE = "resource.threshold"
    #: A Prometheus `[[metric]]` query crossed its warn/crit threshold, or came back to ok.
    METRIC_THRESHOLD = "metric.threshold"
    EVIDENCE = "evidence.pinned"
    #: A command an operator ran through `warroom run -- ARGV...` (argv, exit code, output tail).
    COMMAND_RUN = "command.run"
    #: A mitigation option that was run (`warroom mitigate NAME`, the mitigation screen): its kind,
    #: name, redacted command, exit code, duration, output tail and captured state.
    MITIGATION = "mitigation"
    SOURCE_ERROR = "source.error"
    #: Every probe up and the error rate at its pre-incident baseline for 5 minutes (`domain.recovery`).
    METRICS_RECOVERED = "metrics.recovered"
    # Communication: status updates posted, notifications sent.
    COMMS_POSTED = "comms.posted"
    NOTIFY_SENT = "notify.sent"
    #: The customer-facing name of what is broken (the external draft's `<feature>`).
    FEATURE_SET = "feature.set"
    #: The public summary given after resolving (`warroom resolve --public TEXT` once resolved).
    PUBLIC_SUMMARY = "resolution.public"
    #: A runbook's `- [ ]` checklist item ticked or unticked (runbook title and file, item, checked).
    RUNBOOK_CHECKED = "runbook.checked"
    #: A coach warning dismissed: its rule, situation key and words (it returns on a new situation).
    COACH_DISMISSED = "coach.dismissed"
    # The review afterwards (`domain.postmortem`, `domain.action_items`); the first marks it started.
    #: One narrative section of the postmortem (section, text); the latest per section wins.
    POSTMORTEM_SECTION = "postmortem.section"
    #: The postmortem was reviewed and closed (`warroom postmortem done`, only when its lint passes).
    POSTMORTEM_DONE = "postmortem.done"
    #: An action item (text, owner, due date, type); its number is its place among the items.
    ACTION_ADDED = "action.added"
    #: An action item changed (number and the fields given).
    ACTION_EDITED = "action.edited"
    #: An action item done (number).
    ACTION_DONE = "action.done"
    #: An Alertmanager alert fired / resolved (`warroom intake`: name, labels, annotations, times).
    ALERT_FIRING = "alert.firing"
    ALERT_RESOLVED = "alert.resolved"
    #: The wall clock stepped (an NTP jump) while a screen was open: by how much, and when
    #: (`domain.clock_step`); countdowns kept counting elapsed time.
    CLOCK_STEPPED = "clock.stepped"

    # Each kind's label, payload builder and wording: `warroom.domain.catalogue`.


def utc(dt: datetime) -> datetime:
    """Return `dt` as an aware UTC datetime (naive values are taken as UTC)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def format_ts(dt: datetime) -> str:
    """The storage form of a time: fixed-width ISO 8601 UTC, so text order is time order."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    """Inverse of `format_ts` (also accepts any ISO 8601 string with an offset)."""
    if len(text) == 27 and text[-1] == "Z":
        # The storage form itself (a long incident reads 100,000s): `fromisoformat` takes the
        # `Z` as UTC since Python 3.11, and the result is already UTC.
        return datetime.fromisoformat(text)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return utc(datetime.fromisoformat(text))


class Event:
    """One thing that happened. `id` is None until the store has committed it.

    Immutable by convention and compared by value. A plain class rather than a dataclass:
    `warroom note` imports this module, and `dataclasses` (with `inspect`) costs ~10 ms.
    """

    # The slots' types, for type checkers (annotations alone create no class attributes).
    incident_id: int
    at: datetime
    kind: str
    actor: str
    payload: Mapping[str, Any]
    id: int | None
    recorded_at: datetime | None
    origin: Mapping[str, Any]
    dedupe_key: str | None
    problem: str | None

    __slots__ = (
        "incident_id",
        "at",
        "kind",
        "actor",
        "payload",
        "id",
        "recorded_at",
        "origin",
        "dedupe_key",
        "problem",
    )

    def __init__(
        self,
        incident_id: int,
        at: datetime,
        kind: str,
        actor: str,
        payload: Mapping[str, Any] | None = None,
        id: int | None = None,
        recorded_at: datetime | None = None,
        origin: Mapping[str, Any] | None = None,
        dedupe_key: str | None = None,
        problem: str | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "incident_id", incident_id)
        set_(self, "at", at)
        set_(self, "kind", kind)
        set_(self, "actor", actor)
        set_(self, "payload", payload if payload is not None else {})
        set_(self, "id", id)
        set_(self, "recorded_at", recorded_at)
        set_(self, "origin", origin if origin is not None else {})
        set_(self, "dedupe_key", dedupe_key)
        # Why a stored row could not be read as written (a bad time, a broken payload): the
        # reader keeps the event, with a stand-in value, and every view flags it.
        set_(self, "problem", problem)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Event is immutable: append a new event instead")

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.incident_id, self.id, self.at, self.kind, self.actor))

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__slots__)
        return f"Event({fields})"

    @property
    def is_system(self) -> bool:
        from warroom.domain.catalogue import SYSTEM_KINDS  # the catalogue imports this module

        return self.kind in SYSTEM_KINDS or self.actor == "warroom"

    def to_json(self) -> dict[str, Any]:
        extra = {"problem": self.problem} if self.problem else {}
        return extra | {
            "id": self.id,
            "incident_id": self.incident_id,
            "at": format_ts(self.at),
            "recorded_at": format_ts(self.recorded_at) if self.recorded_at else None,
            "kind": self.kind,
            "actor": self.actor,
            "payload": dict(self.payload),
            "origin": dict(self.origin),
        }


def short_id(incident_id: int) -> str:
    """`7` -> `INC-7`: the id people say out loud."""
    return f"INC-{incident_id}"


def parse_incident_ref(text: str) -> int:
    """Accept `INC-7`, `inc-7` or `7`; raise ValueError otherwise."""
    t = text.strip().upper()
    if t.startswith("INC-"):
        t = t[4:]
    if not t.isdigit() or not t.isascii() or len(t) > 18:  # SQLite integers stop at 2**63
        raise ValueError(f"not an incident id: {text[:40]!r} (expected INC-N or N)")
    return int(t)


def __getattr__(name: str) -> Any:
    """The catalogue, re-exported lazily (`from warroom.domain.events import CATALOGUE`): loading
    it eagerly would cost `warroom note` its import and make the two modules import each other."""
    if name in ("CATALOGUE", "EventKind", "entry", "short_text", "long_text", "SYSTEM_KINDS"):
        from warroom.domain import catalogue

        return getattr(catalogue, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
