"""The phase guide: where the incident stands in Detect → Triage → Mitigate → Communicate →
Resolve → Review, and the ONE next step, derived from the record.

The playbook: "Phases overlap during a real incident; the sequence is for priorities, not
gating." So this is a guide, never a gate: nothing here stops anyone doing anything, it only
says what the record shows is missing, most urgent first:

1. resolved                     → Review:      "start the postmortem"
2. no Incident Commander        → Triage:      "name an IC: /ic NAME"
3. an update overdue            → Communicate: "post an update now (overdue 4 min)"
4. an update due within 5 min   → Communicate: "post the first user update (due in 4 min)"
5. not mitigated                → Mitigate:    "mitigate: roll back api 0aaf9da?" (the suspect
                                  deploy nearest before detection), "users okay? confirm
                                  metrics, then /mitigated" once one ran, or the playbook's options
                                  ("mitigate: rollback, flag, failover?")
6. no update yet                → Communicate: "post the first update (due in 12 min)"
7. no update since mitigating   → Communicate: "post an update: mitigated, monitoring"
8. otherwise                    → Resolve:     "confirm metrics, then /resolve", or "metrics
                                  recovered at 14:20 UTC: /resolve" once recorded after mitigating

A phase is *done* once the record shows its work: Detect at the declaration, Triage once an IC is
named, Mitigate at the mitigated milestone, Communicate once an update is posted and none is
overdue, Resolve at resolution. Review stays open: the postmortem is not recorded yet.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from warroom.domain import coach_facts as facts
from warroom.domain.cadence import UpdateCadence, next_update, user_comms_due
from warroom.domain.events import Kind
from warroom.domain.incident import IncidentState
from warroom.records import Record, record

DETECT, TRIAGE, MITIGATE, COMMUNICATE, RESOLVE, REVIEW = (
    "Detect",
    "Triage",
    "Mitigate",
    "Communicate",
    "Resolve",
    "Review",
)
#: The playbook's phases, in its order.
PHASES = (DETECT, TRIAGE, MITIGATE, COMMUNICATE, RESOLVE, REVIEW)

#: An update due this soon is the next step, ahead of mitigating.
DUE_SOON = timedelta(minutes=5)


@record
class PhaseGuide(Record):
    """Where the incident stands, as of `now`."""

    #: The phase the next step belongs to (one of `PHASES`).
    phase: str
    #: The one next step, in words (`mitigate: roll back api 0aaf9da?`).
    next_step: str
    #: The phases whose work the record shows, in playbook order.
    done: tuple[str, ...] = ()

    @property
    def position(self) -> int:
        """1-based place of `phase` in the playbook's six."""
        return PHASES.index(self.phase) + 1

    def describe(self) -> str:
        """`MITIGATE (3/6) · next: mitigate: roll back api 0aaf9da?`, for `show`."""
        return f"{self.phase.upper()} ({self.position}/{len(PHASES)}) · next: {self.next_step}"


def minutes_phrase(delta: timedelta, *, up: bool = True) -> str:
    """`4 min`: a time left is rounded up (3m 10s left is "due in 4 min"), a time past down
    (`up=False`: 5m 10s late is "overdue 5 min"); `<1 min` inside the first minute."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1 min"
    return f"{math.ceil(seconds / 60) if up else int(seconds // 60)} min"


def _done(state: IncidentState, now: datetime, cadence: UpdateCadence) -> tuple[str, ...]:
    ms = state.milestones
    done = [DETECT]
    if state.commander is not None:
        done.append(TRIAGE)
    if ms.mitigated is not None and ms.mitigated <= now:
        done.append(MITIGATE)
    posted = any(p.at <= now for p in state.comms)
    if posted and not next_update(state, now, cadence).overdue:
        done.append(COMMUNICATE)
    if not state.is_open:
        done.append(RESOLVE)
    return tuple(done)


def guide(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> PhaseGuide:
    """The phase and the one next step, from the record as of `now` (see the module docstring)."""
    cadence = cadence or UpdateCadence()
    state = facts.as_of(state, now)
    done = _done(state, now, cadence)

    def step(phase: str, words: str) -> PhaseGuide:
        return PhaseGuide(phase, words, done)

    if not state.is_open:
        return step(REVIEW, "start the postmortem")
    if state.commander is None:
        return step(TRIAGE, "name an IC: /ic NAME")
    due = next_update(state, now, cadence)
    users = user_comms_due(state, now, cadence)
    if users.phase == "overdue" and users.remaining is not None:
        return step(
            COMMUNICATE, f"post the first user update now (overdue {minutes_phrase(-users.remaining, up=False)})"
        )
    if due.overdue:
        return step(COMMUNICATE, f"post an update now (overdue {minutes_phrase(due.overdue_by, up=False)})")
    posted = [p for p in state.comms if p.at <= now]
    if users.phase in ("ok", "soon") and users.remaining is not None and users.remaining <= DUE_SOON:
        return step(COMMUNICATE, f"post the first user update (due in {minutes_phrase(users.remaining)})")
    if due.remaining is not None and due.remaining <= DUE_SOON:
        first = "the first update" if not posted else "an update"
        return step(COMMUNICATE, f"post {first} (due in {minutes_phrase(due.remaining)})")
    mitigated = state.milestones.mitigated
    if mitigated is None or mitigated > now:
        return step(MITIGATE, _mitigate_step(state, now))
    if not posted:
        when = f" (due in {minutes_phrase(due.remaining)})" if due.remaining is not None else ""
        return step(COMMUNICATE, f"post the first update{when}")
    if not any(p.at >= mitigated for p in posted):
        return step(COMMUNICATE, "post an update: mitigated, monitoring")
    recovered = [e.at for e in facts.events_until(state.events, now) if e.kind == Kind.METRICS_RECOVERED]
    if recovered and recovered[-1] >= mitigated:
        return step(RESOLVE, f"metrics recovered at {recovered[-1]:%H:%M} UTC: /resolve")
    return step(RESOLVE, "confirm metrics, then /resolve")


def _mitigate_step(state: IncidentState, now: datetime) -> str:
    """What to do to stop the bleeding: check a mitigation that ran, else roll back the suspect."""
    events = facts.events_until(state.events, now)
    runs = facts.mitigations_run(events)
    if runs:
        last = runs[-1].payload
        name = str(last.get("name") or last.get("kind") or "the mitigation")[:40]
        code = last.get("exit_code")
        if last.get("timed_out"):
            return f"{name} timed out: try the next option"
        if "exit_code" in last and code is None:
            return f"{name} did not run: try the next option"
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            return f"{name} failed (exit {code}): try the next option"
        return "users okay? confirm metrics, then /mitigated"
    suspects = facts.suspect_deploys(events, state.milestones.detected)
    if suspects and not facts.rollback_tried(events):
        return f"mitigate: roll back {facts.deploy_name(suspects[0])}?"
    if facts.rollback_tried(events):
        return "users okay? confirm metrics, then /mitigated"
    return "mitigate: rollback, flag, failover?"
