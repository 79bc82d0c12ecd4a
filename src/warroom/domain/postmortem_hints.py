"""The postmortem's "from the record" hints: what went well and what went poorly, as the record shows.

What went poorly: silences longer than the update cadence (`cadence.missed_updates`), a late or
missing first user update (`user_comms`), the time to first mitigation against the playbook's 15
minutes, mitigations that failed, severity raised after declaration, and the coach warnings that
fired (`fired_coach_warnings`). What went well: a first mitigation within those 15 minutes.
Pure: `now` is passed in (it matters only while the incident is open).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from warroom.domain.cadence import UpdateCadence, missed_updates
from warroom.domain.catalogue import long_text
from warroom.domain.coach_replay import fired, still_held
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState
from warroom.domain.user_comms import first_user_update

#: The playbook: "The goal in the first 15 minutes is to make users stop hurting".
MITIGATION_GOAL = timedelta(minutes=15)
QUOTE_FIRST_15 = "The goal in the first 15 minutes is to make users stop hurting, not to understand why."
QUOTE_UPGRADE = "Pick higher when in doubt. Downgrading is free; upgrading later looks bad."

#: A coach warning whose situation was over this soon after it fired is not worth a hint.
COACH_GRACE = timedelta(minutes=1)

#: Coach rules the hints already cover in their own words (silences, user comms, first mitigation).
_COVERED_RULES = frozenset({"update-overdue", "user-update-overdue", "no-mitigation", "no-postmortem"})


def _first_mitigation(state: IncidentState) -> datetime | None:
    tried = [ev.at for ev in state.events if ev.kind == Kind.MITIGATION]
    applied = [state.milestones.mitigated] if state.milestones.mitigated else []
    return min(tried + applied, default=None)


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _failed(ev: Event) -> bool:
    p = ev.payload
    return bool(p.get("timed_out") or p.get("interrupted") or p.get("error") or p.get("exit_code") != 0)


def went_well_hints(state: IncidentState) -> list[str]:
    """What the record shows went well: a mitigation within the playbook's first 15 minutes."""
    first = _first_mitigation(state)
    detected = state.milestones.detected or state.declared_at
    if first is not None and first - detected <= MITIGATION_GOAL:
        return [f"first mitigation {_minutes(max(first - detected, timedelta(0)))} after detection"]
    return []


def went_poorly_hints(
    state: IncidentState,
    now: datetime,
    cadence: UpdateCadence | None = None,
    coach_warnings: Sequence[tuple[datetime, str]] = (),
) -> list[str]:
    """What the record shows went poorly, one line each, oldest first by kind of finding."""
    end = state.milestones.resolved or now
    hints = [f"{m.start:%H:%M}–{m.end:%H:%M} UTC: {m.describe()}" for m in missed_updates(state, end, cadence)]
    users = first_user_update(state, end, cadence)
    if users.outcome in ("late", "missed", "overdue"):
        hints.append(users.describe())
    first = _first_mitigation(state)
    detected = state.milestones.detected or state.declared_at
    if first is None:
        hints.append(f"no mitigation recorded ({QUOTE_FIRST_15})")
    elif first - detected > MITIGATION_GOAL:
        hints.append(f"first mitigation {_minutes(first - detected)} after detection ({QUOTE_FIRST_15})")
    hints += [
        f"{ev.at:%H:%M} UTC: a mitigation did not work: {long_text(ev)}"
        for ev in state.events
        if ev.kind == Kind.MITIGATION and _failed(ev)
    ]
    hints += [
        f"severity raised after declaration: {c.before.label if c.before else '?'} → {c.after.label} "
        f"at {c.at:%H:%M} UTC ({QUOTE_UPGRADE})"
        for c in state.upgrades
    ]
    hints += [f"coach at {at:%H:%M} UTC: {text}" for at, text in coach_warnings]
    return hints


def fired_coach_warnings(
    events: Sequence[Event], now: datetime, cadence: UpdateCadence | None = None
) -> list[tuple[datetime, str]]:
    """The coach warnings that fired during the incident, as (when, words and the playbook's
    quote), replayed from the record (`coach_replay.fired`), dismissed ones included: a warning
    dismissed in the moment still happened. Left out: rules whose finding the hints word already,
    and a situation that was over within `COACH_GRACE` (an IC named by the command that declared).

    Both the replay and the check that a situation still held are one pass over the record, so
    a long incident's postmortem lists its warnings too."""
    found = [f for f in fired(events, now, cadence) if f.warning.rule not in _COVERED_RULES]
    held = still_held(events, found, COACH_GRACE, cadence)
    return [(f.at, f"{f.warning.text} ({f.warning.quote})") for f, kept in zip(found, held, strict=True) if kept]
