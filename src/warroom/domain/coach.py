"""The coach: the playbook's anti-patterns, noticed in the record while there is still time.

Each rule reads the folded incident as of `now` and, when its situation holds, gives one
`CoachWarning`: what is wrong in a few words, the playbook's own advice (quoted word for word)
and a *situation key* saying what makes it "the same situation" (the IC's name and severity, the
deadline that passed...). A dismissal (`coach.dismissed`, recorded with the rule and the key)
silences that rule for that key only: the warning returns when the situation changes, i.e.
under a new key. Nothing here is a gate; the coach only speaks.

The rules, most urgent first (the coach line shows the first one not dismissed):

- `update-overdue`   an update is overdue (the cadence: 15/30/60 min by severity)
- `user-update-overdue` the SEV-1/2 first user update is overdue (30 min)
- `no-ic`            a SEV-1/2 with no Incident Commander
- `solo-sev1`        one person holds every role on a SEV-1
- `no-mitigation`    a SEV-1/2 open 15 minutes with no mitigation recorded
- `fix-forward`      a suspect deploy, notes about a fix or hotfix, and no rollback tried
- `root-cause-first` a note names a root cause before any mitigation
- `ic-tech-lead`     the IC also holds Tech Lead on a SEV-1/2
- `no-postmortem`    resolved with no postmortem started (`warroom postmortem edit`, `warroom action add`)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from warroom.domain import coach_facts as facts
from warroom.domain.cadence import UpdateCadence, next_update, user_comms_due
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import IncidentState
from warroom.domain.postmortem_due import postmortem_started_at
from warroom.domain.roles import COMMS, IC, TECH
from warroom.domain.severity import Severity
from warroom.domain.status import Status
from warroom.records import Record, record

#: The kind a dismissal is recorded as (`Kind.COACH_DISMISSED`).
DISMISSED = "coach.dismissed"

#: How long a SEV-1/2 may stay open with no mitigation before the coach says "mitigate first".
MITIGATION_WINDOW = timedelta(minutes=15)

# The playbook's words, exactly as it writes them.
QUOTE_ROLES = "For SEV-1/2, name explicit roles."
QUOTE_IC = "Coordinates, makes decisions, declares resolved. Doesn't debug."
QUOTE_SOLO = "Heroic solo debugging during SEV-1 — call for help, name an IC"
QUOTE_FIRST_15 = "The goal in the first 15 minutes is to make users stop hurting, not to understand why."
QUOTE_ROOT_CAUSE = 'Root-causing before mitigating — users are still down while you "understand"'
QUOTE_FIX_FORWARD = "Fix-forward when rollback would work — slower and riskier"
QUOTE_SILENCE = "Silence = panic. Communicate even when there's nothing new."
QUOTE_POSTMORTEM = "It's working again, let's skip the postmortem"


@record
class CoachWarning(Record):
    """One rule's warning, as of the moment it was evaluated."""

    #: The rule's id (`no-ic`).
    rule: str
    #: What makes it the same situation (`SEV-1`, `alice|SEV-2`); a dismissal holds for this key.
    key: str
    #: What is wrong and what to do, in a few words.
    text: str
    #: The playbook's words, exactly.
    quote: str
    #: The quote names an anti-pattern (shown as one: ✗ "…"), not advice.
    anti_pattern: bool = False


@record
class Dismissal(Record):
    """A `coach.dismissed` event, read back."""

    rule: str
    key: str
    actor: str
    at: datetime


#: A rule: the folded incident, `now`, the cadence and the record up to `now` -> its warning or None.
Rule = Callable[[IncidentState, datetime, UpdateCadence, list[Event]], CoachWarning | None]


def _serious(state: IncidentState) -> bool:
    return state.severity <= Severity.SEV2


def update_overdue(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """An update is overdue: the cadence's deadline (15/30/60 min by severity) passed."""
    if not state.is_open:
        return None
    due = next_update(state, now, cadence)
    if due.overdue and due.due_at is not None:
        return CoachWarning(
            "update-overdue",
            f"update|{format_ts(due.due_at)}",
            f"update overdue (due {due.due_at:%H:%M} UTC): post one",
            QUOTE_SILENCE,
        )
    return None


def user_update_overdue(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """The SEV-1/2 first user update (an `external` post within 30 min) is overdue."""
    if not state.is_open:
        return None
    users = user_comms_due(state, now, cadence)
    if users.phase == "overdue" and users.due_at is not None:
        return CoachWarning(
            "user-update-overdue",
            f"users|{format_ts(users.due_at)}",
            f"first user update overdue (due {users.due_at:%H:%M} UTC)",
            QUOTE_SILENCE,
        )
    return None


def no_ic(state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]) -> CoachWarning | None:
    """A SEV-1/2 with no Incident Commander."""
    if not state.is_open or not _serious(state) or state.commander is not None:
        return None
    label = state.severity.label
    # Vacant since the declaration or since the last IC left: an IC who leaves is a new situation.
    released = [e.at for e in events if e.kind == Kind.ROLE_RELEASED and e.payload.get("role") == IC]
    since = released[-1] if released else state.declared_at
    return CoachWarning("no-ic", f"{label}|{format_ts(since)}", f"{label} with no IC: /ic NAME", QUOTE_ROLES)


def solo_sev1(state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]) -> CoachWarning | None:
    """One person holds every role on a SEV-1 (IC, Comms Lead, Tech Lead and any other held)."""
    if not state.is_open or state.severity is not Severity.SEV1:
        return None
    holders = {role: h.person for role, h in state.roles.items()}
    if not all(holders.get(role) for role in (IC, COMMS, TECH)):
        return None
    people = set(holders.values())
    if len(people) != 1:
        return None
    person = people.pop()
    return CoachWarning(
        "solo-sev1", f"{person}|SEV-1", f"{person} holds every role on a SEV-1: call for help", QUOTE_SOLO, True
    )


def no_mitigation(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """A SEV-1/2 open 15 minutes (since it reached SEV-1/2) with no mitigation recorded."""
    if not state.is_open or not _serious(state):
        return None
    reached = serious_since(state, now)
    if reached is None or now - reached < MITIGATION_WINDOW or facts.mitigation_recorded(events):
        return None
    return CoachWarning(
        "no-mitigation",
        f"since|{format_ts(reached)}",
        f"{state.severity.label} open {int(MITIGATION_WINDOW.total_seconds() // 60)} min, no mitigation recorded",
        QUOTE_FIRST_15,
    )


def fix_forward(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """A suspect deploy, notes that speak of a fix or a hotfix, and no rollback tried."""
    if not state.is_open or state.milestones.mitigated is not None:
        return None
    suspects = facts.suspect_deploys(events, state.milestones.detected)
    if not suspects or not any(facts.speaks_of_fix(str(n.payload.get("text") or "")) for n in facts.notes(events)):
        return None
    if facts.rollback_tried(events):
        return None
    name = facts.deploy_name(suspects[0])
    return CoachWarning(
        "fix-forward",
        f"{suspects[0].source}|{suspects[0].ident}",
        f"fix talk, no rollback tried: roll back {name} first?",
        QUOTE_FIX_FORWARD,
        True,
    )


def root_cause_first(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """A note names a root cause while nothing has been mitigated yet."""
    if not state.is_open or facts.mitigation_recorded(events):
        return None
    if not any(facts.names_root_cause(str(n.payload.get("text") or "")) for n in facts.notes(events)):
        return None
    return CoachWarning(
        "root-cause-first",
        state.severity.label,
        "root cause named before any mitigation",
        QUOTE_ROOT_CAUSE,
        True,
    )


def ic_tech_lead(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """The IC also holds Tech Lead on a SEV-1/2 (left to `solo-sev1` when they hold every role)."""
    if not state.is_open or not _serious(state):
        return None
    ic, tech = state.roles.get(IC), state.roles.get(TECH)
    if ic is None or tech is None or ic.person != tech.person:
        return None
    if solo_sev1(state, now, cadence, events) is not None:
        return None
    label = state.severity.label
    return CoachWarning(
        "ic-tech-lead",
        f"{ic.person}|{label}",
        f"IC {ic.person} is also Tech Lead ({label})",
        QUOTE_IC,
    )


def no_postmortem(
    state: IncidentState, now: datetime, cadence: UpdateCadence, events: list[Event]
) -> CoachWarning | None:
    """Resolved with no postmortem started (no section written, no action item added yet)."""
    resolved = state.milestones.resolved
    if state.is_open or resolved is None or postmortem_started_at(state.events) is not None:
        return None
    return CoachWarning(
        "no-postmortem",
        f"resolved|{format_ts(resolved)}",
        "resolved: start the postmortem",
        QUOTE_POSTMORTEM,
        True,
    )


#: Every rule, most urgent first.
RULES: tuple[tuple[str, Rule], ...] = (
    ("update-overdue", update_overdue),
    ("user-update-overdue", user_update_overdue),
    ("no-ic", no_ic),
    ("solo-sev1", solo_sev1),
    ("no-mitigation", no_mitigation),
    ("fix-forward", fix_forward),
    ("root-cause-first", root_cause_first),
    ("ic-tech-lead", ic_tech_lead),
    ("no-postmortem", no_postmortem),
)
RULE_IDS = tuple(name for name, _ in RULES)


def serious_since(state: IncidentState, now: datetime) -> datetime | None:
    """When the incident last became SEV-1/2 (or a reopen, if later), as of `now`; None if it is not."""
    since: datetime | None = None
    for change in state.severity_history:
        if change.at > now:
            break
        if change.after <= Severity.SEV2:
            since = since or change.at
        else:
            since = None
    if since is None:
        return None
    reopened = [c.at for c in state.status_history if c.before is Status.RESOLVED and c.at <= now]
    return max([since, *[at for at in reopened if at > since]])


def evaluate(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> list[CoachWarning]:
    """Every warning whose situation holds at `now` (dismissed or not), most urgent first."""
    cadence = cadence or UpdateCadence()
    state = facts.as_of(state, now)
    events = facts.events_until(state.events, now)
    found = []
    for _, rule in RULES:
        warning = rule(state, now, cadence, events)
        if warning is not None:
            found.append(warning)
    return found


def dismissals(events: Iterable[Event], now: datetime | None = None) -> list[Dismissal]:
    """The recorded dismissals (at or before `now`), oldest first."""
    found = []
    for e in events:
        if e.kind != DISMISSED or (now is not None and e.at > now):
            continue
        rule, key = e.payload.get("rule"), e.payload.get("key")
        if isinstance(rule, str) and isinstance(key, str):
            found.append(Dismissal(rule, key, e.actor, e.at))
    return sorted(found, key=lambda d: d.at)


def is_dismissed(warning: CoachWarning, dismissed: Iterable[Dismissal]) -> bool:
    """This warning's situation (its rule and key) was dismissed."""
    return any(d.rule == warning.rule and d.key == warning.key for d in dismissed)


def active(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> list[CoachWarning]:
    """The warnings that hold at `now` and were not dismissed for this situation, most urgent first."""
    dismissed = dismissals(state.events, now)
    return [w for w in evaluate(state, now, cadence) if not is_dismissed(w, dismissed)]


def current(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> CoachWarning | None:
    """The one warning the coach line shows now, or None."""
    found = active(state, now, cadence)
    return found[0] if found else None
