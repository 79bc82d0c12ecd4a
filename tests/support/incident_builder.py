"""Build an incident's events by hand, minute by minute, for the domain's frozen-clock tests.

Every payload is made by the catalogue's builders (the shape the real writers use); times are
minutes after `T0`, the declaration.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from warroom.domain import catalogue as c
from warroom.domain.deploy_rules import Deploy, deploy_event
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, fold
from warroom.domain.roles import COMMS, IC, SCRIBE, TECH

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Incident:
    """A tiny event list builder; `state` folds it, `at(m)` is the time m minutes after T0."""

    def __init__(self, sev: int = 2, title: str = "Checkout returning 500s") -> None:
        self.events: list[Event] = []
        self.add(0, Kind.DECLARED, c.declared(title, sev))

    def add(self, minute: float, kind: str, payload: dict[str, Any], actor: str = "alice") -> Incident:
        self.events.append(Event(7, at(minute), kind, actor, payload, id=len(self.events) + 1))
        return self

    def role(self, minute: float, role: str, person: str) -> Incident:
        return self.add(minute, Kind.ROLE_ASSIGNED, c.role_assigned(role, person))

    def ic(self, minute: float, person: str = "alice") -> Incident:
        return self.role(minute, IC, person)

    def tech(self, minute: float, person: str) -> Incident:
        return self.role(minute, TECH, person)

    def comms(self, minute: float, person: str) -> Incident:
        return self.role(minute, COMMS, person)

    def scribe(self, minute: float, person: str) -> Incident:
        return self.role(minute, SCRIBE, person)

    def release(self, minute: float, role: str) -> Incident:
        return self.add(minute, Kind.ROLE_RELEASED, c.role_released(role))

    def note(self, minute: float, text: str, actor: str = "bob") -> Incident:
        return self.add(minute, Kind.NOTE, c.note(text), actor)

    def sev(self, minute: float, before: int, after: int) -> Incident:
        return self.add(minute, Kind.SEVERITY, c.severity_changed(before, after, ""))

    def post(self, minute: float, audience: str = "internal") -> Incident:
        return self.add(minute, Kind.COMMS_POSTED, c.comms_posted(audience, "update"))

    def mitigated(self, minute: float, text: str = "flag off") -> Incident:
        return self.add(minute, Kind.MITIGATED, c.mitigation_applied(text))

    def mitigation_run(
        self, minute: float, kind: str, name: str, argv: list[str], exit_code: int | None = 0
    ) -> Incident:
        """A `mitigation` event as the mitigation runner writes it (its kind, name, argv, exit)."""
        payload = c.mitigation_run(kind=kind, name=name, argv=argv, exit_code=exit_code, duration_s=1.0, output="")
        return self.add(minute, Kind.MITIGATION, payload)

    def mitigation_timed_out(self, minute: float, name: str, argv: list[str]) -> Incident:
        payload = c.mitigation_run(kind="restart", name=name, argv=argv, exit_code=None, duration_s=60.0, output="")
        return self.add(minute, Kind.MITIGATION, payload | {"timed_out": True})

    def ran(self, minute: float, argv: list[str], exit_code: int = 0) -> Incident:
        return self.add(
            minute, Kind.COMMAND_RUN, c.command_run(argv=argv, exit_code=exit_code, duration_s=1.0, output="")
        )

    def deploy(self, minute: float, short: str = "0aaf9da", source: str = "api") -> Incident:
        """A deploy `minute` minutes after T0 (negative: before the declaration), as the deploy
        tracker records it."""
        deploy = Deploy(source, short + "1234567", short, at(minute), subject="bump pool size", author="dave")
        event = deploy_event(deploy, at(max(minute, 0)))
        return self.add(minute, Kind.DEPLOY, dict(event.payload) | {"text": event.text}, "warroom")

    def resolve(self, minute: float) -> Incident:
        return self.add(minute, Kind.RESOLVED, c.resolved("errors normal"))

    def reopen(self, minute: float) -> Incident:
        return self.add(minute, Kind.REOPENED, c.reopened("back"))

    def dismiss(self, minute: float, rule: str, key: str, actor: str = "carol") -> Incident:
        return self.add(minute, Kind.COACH_DISMISSED, c.coach_dismissed(rule, key, "dismissed"), actor)

    @property
    def state(self) -> IncidentState:
        state = fold(self.events)
        assert state is not None
        return state
