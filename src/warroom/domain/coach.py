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
from warroom.domain.cadence import UpdateCadence, UpdateDue, UserCommsDue, next_update, user_comms_due
from warroom.domain.coach_facts import RecordFacts
from warroom.domain.events import Event, format_ts
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


class CoachView:
    """What the rules read: the incident as of `now`, the facts of its record up to `now`, and
    (while it is open) the update deadlines and when it became SEV-1/2. `evaluate` builds one
    from the record; the replay (`coach_replay`) keeps one up to date as it goes forward."""

    __slots__ = ("state", "now", "cadence", "facts", "update_due", "users_due", "serious_since", "postmortem_started")

    def __init__(
        self,
        state: IncidentState,
        now: datetime,
        cadence: UpdateCadence,
        facts: RecordFacts,
        *,
        update_due: UpdateDue | None,
        users_due: UserCommsDue | None,
        serious_since: datetime | None,
        postmortem_started: datetime | None,
    ) -> None:
        self.state = state
        self.now = now
        self.cadence = cadence
        self.facts = facts
        #: `next_update(state, now, cadence)`; None once resolved (no rule asks then).
        self.update_due = update_due
        #: `user_comms_due(state, now, cadence)`; None once resolved.
        self.users_due = users_due
        #: `serious_since(state, now)`; None once resolved.
        self.serious_since = serious_since
        #: When the postmortem started (`postmortem_started_at`), None when it has not.
        self.postmortem_started = postmortem_started


#: A rule: what it reads as of `now` -> its warning or None.
Rule = Callable[[CoachView], CoachWarning | None]


def _serious(state: IncidentState) -> bool:
    return state.severity <= Severity.SEV2


def update_overdue(view: CoachView) -> CoachWarning | None:
    """An update is overdue: the cadence's deadline (15/30/60 min by severity) passed."""
    due = view.update_due
    if not view.state.is_open or due is None:
        return None
    if due.overdue and due.due_at is not None:
        return CoachWarning(
            "update-overdue",
            f"update|{format_ts(due.due_at)}",
            f"update overdue (due {due.due_at:%H:%M} UTC): post one",
            QUOTE_SILENCE,
        )
    return None


def user_update_overdue(view: CoachView) -> CoachWarning | None:
    """The SEV-1/2 first user update (an `external` post within 30 min) is overdue."""
    users = view.users_due
    if not view.state.is_open or users is None:
        return None
    if users.phase == "overdue" and users.due_at is not None:
        return CoachWarning(
            "user-update-overdue",
            f"users|{format_ts(users.due_at)}",
            f"first user update overdue (due {users.due_at:%H:%M} UTC)",
            QUOTE_SILENCE,
        )
    return None


def no_ic(view: CoachView) -> CoachWarning | None:
    """A SEV-1/2 with no Incident Commander."""
    state = view.state
    if not state.is_open or not _serious(state) or state.commander is not None:
        return None
    label = state.severity.label
    # Vacant since the declaration or since the last IC left: an IC who leaves is a new situation.
    released = view.facts.ic_released_at
    since = released if released is not None else state.declared_at
    return CoachWarning("no-ic", f"{label}|{format_ts(since)}", f"{label} with no IC: /ic NAME", QUOTE_ROLES)


def solo_sev1(view: CoachView) -> CoachWarning | None:
    """One person holds every role on a SEV-1 (IC, Comms Lead, Tech Lead and any other held)."""
    state = view.state
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


def no_mitigation(view: CoachView) -> CoachWarning | None:
    """A SEV-1/2 open 15 minutes (since it reached SEV-1/2) with no mitigation recorded."""
    state = view.state
    if not state.is_open or not _serious(state):
        return None
    reached = view.serious_since
    if reached is None or view.now - reached < MITIGATION_WINDOW or view.facts.mitigation_recorded:
        return None
    return CoachWarning(
        "no-mitigation",
        f"since|{format_ts(reached)}",
        f"{state.severity.label} open {int(MITIGATION_WINDOW.total_seconds() // 60)} min, no mitigation recorded",
        QUOTE_FIRST_15,
    )


def fix_forward(view: CoachView) -> CoachWarning | None:
    """A suspect deploy, notes that speak of a fix or a hotfix, and no rollback tried."""
    state, found = view.state, view.facts
    if not state.is_open or state.milestones.mitigated is not None:
        return None
    if not found.fix_talk or found.rollback_tried:
        return None
    suspects = found.suspects(state.milestones.detected)
    if not suspects:
        return None
    name = facts.deploy_name(suspects[0])
    return CoachWarning(
        "fix-forward",
        f"{suspects[0].source}|{suspects[0].ident}",
        f"fix talk, no rollback tried: roll back {name} first?",
        QUOTE_FIX_FORWARD,
        True,
    )


def root_cause_first(view: CoachView) -> CoachWarning | None:
    """A note names a root cause while nothing has been mitigated yet."""
    state = view.state
    if not state.is_open or view.facts.mitigation_recorded or not view.facts.root_cause_named:
        return None
    return CoachWarning(
        "root-cause-first",
        state.severity.label,
        "root cause named before any mitigation",
        QUOTE_ROOT_CAUSE,
        True,
    )


def ic_tech_lead(view: CoachView) -> CoachWarning | None:
    """The IC also holds Tech Lead on a SEV-1/2 (left to `solo-sev1` when they hold every role)."""
    state = view.state
    if not state.is_open or not _serious(state):
        return None
    ic, tech = state.roles.get(IC), state.roles.get(TECH)
    if ic is None or tech is None or ic.person != tech.person:
        return None
    if solo_sev1(view) is not None:
        return None
    label = state.severity.label
    return CoachWarning(
        "ic-tech-lead",
        f"{ic.person}|{label}",
        f"IC {ic.person} is also Tech Lead ({label})",
        QUOTE_IC,
    )


def no_postmortem(view: CoachView) -> CoachWarning | None:
    """Resolved with no postmortem started (no section written, no action item added yet)."""
    state = view.state
    resolved = state.milestones.resolved
    if state.is_open or resolved is None or view.postmortem_started is not None:
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

#: The rules whose answer may change with the clock alone (a deadline passing), the rest
#: changing only with the record: a replay re-asks only these when nothing new was recorded.
CLOCK_RULES = frozenset({"update-overdue", "user-update-overdue", "no-mitigation"})


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


def view_of(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> CoachView:
    """What the rules read at `now`, from the folded incident (whose record may run past `now`)."""
    cadence = cadence or UpdateCadence()
    state = facts.as_of(state, now)
    found = RecordFacts.of(facts.events_until(state.events, now))
    is_open = state.is_open
    return CoachView(
        state,
        now,
        cadence,
        found,
        update_due=next_update(state, now, cadence) if is_open else None,
        users_due=user_comms_due(state, now, cadence) if is_open else None,
        serious_since=serious_since(state, now) if is_open else None,
        postmortem_started=postmortem_started_at(state.events),
    )


def evaluate(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> list[CoachWarning]:
    """Every warning whose situation holds at `now` (dismissed or not), most urgent first."""
    view = view_of(state, now, cadence)
    found = []
    for _, rule in RULES:
        warning = rule(view)
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
