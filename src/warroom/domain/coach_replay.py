"""Which coach warnings fired during an incident, replayed from the record alone.

`warroom show` lists them without any event of their own: the rules are replayed over the
record at each moment something could change their answer (each event's time) and at each
deadline that passes with nothing recorded (15 minutes after reaching SEV-1/2, each update's due
time), so the same record always gives the same list, whoever asks and whenever.

A warning fired once per situation (rule and key); a recorded dismissal of that situation is
shown beside it (who dismissed it, and when).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from warroom.domain.cadence import UpdateCadence
from warroom.domain.coach import (
    CLOCK_RULES,
    MITIGATION_WINDOW,
    RULES,
    CoachView,
    CoachWarning,
    Dismissal,
    dismissals,
)
from warroom.domain.coach_facts import RecordFacts
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import IncidentState, apply_readable
from warroom.domain.running_deadlines import RunningDeadlines
from warroom.records import Record, record

_SIGNALS = frozenset(
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

#: A deadline is checked just after it passes ("overdue" is strictly after the due time).
_PAST = timedelta(seconds=1)


@record
class FiredWarning(Record):
    """A warning that fired: when its situation first held, and its dismissal if any."""

    warning: CoachWarning
    at: datetime
    dismissal: Dismissal | None = None

    def to_json(self) -> dict[str, object]:
        w, d = self.warning, self.dismissal
        return {
            "rule": w.rule,
            "key": w.key,
            "at": format_ts(self.at),
            "text": w.text,
            "quote": w.quote,
            "dismissed_by": d.actor if d else None,
            "dismissed_at": format_ts(d.at) if d else None,
        }


def _deadlines(view: CoachView) -> list[datetime]:
    """The moments after `view.now` when a rule's answer may change with nothing recorded."""
    found = []
    if view.state.is_open:
        if view.serious_since is not None:
            found.append(view.serious_since + MITIGATION_WINDOW)
        due = view.update_due.due_at if view.update_due is not None else None
        if due is not None:
            found.append(due + _PAST)
        users = view.users_due.due_at if view.users_due is not None else None
        if users is not None:
            found.append(users + _PAST)
    return [d for d in found if d > view.now]


RULE_FUNCTIONS = tuple(rule for _, rule in RULES)
_CLOCK_RULES = tuple(rule for name, rule in RULES if name in CLOCK_RULES)


def fired(events: Iterable[Event], now: datetime, cadence: UpdateCadence | None = None) -> list[FiredWarning]:
    """Every warning that fired up to `now`, in the order it fired, with its dismissal if any.

    One pass over the record: the incident, the facts the rules read (`RecordFacts`) and its
    deadlines (`RunningDeadlines`) are carried forward entry by entry, and the rules are asked
    at each moment as `coach.evaluate` would answer there (the reference, refolding the record
    up to each moment, is in tests/unit/domain/test_coach_replay_reference.py). When nothing
    was recorded since the last moment asked, only the rules that move with the clock are asked
    again: the others would give the same warnings, which already fired.
    """
    cadence = cadence or UpdateCadence()
    ordered = sorted((e for e in events if e.at <= now), key=lambda e: (e.at, e.id if e.id is not None else 0))
    # Signals (probes, log spikes...) change no rule's answer: only the people's events, deploys
    # and commands are moments to look again (which keeps a long incident's replay quick).
    moments = sorted({e.at for e in ordered if e.kind not in _SIGNALS} | ({ordered[0].at} if ordered else set()))
    queue = list(moments)
    heapq.heapify(queue)
    queued = set(moments)
    first: dict[tuple[str, str], FiredWarning] = {}
    state: IncidentState | None = None
    found = RecordFacts()
    deadlines = RunningDeadlines(cadence)
    asked: tuple[IncidentState, int] | None = None  # the state and facts the rules last saw
    applied = 0
    while queue:
        at = heapq.heappop(queue)
        while applied < len(ordered) and ordered[applied].at <= at:
            entry = ordered[applied]
            state = apply_readable(state, entry)
            found.add(entry)
            applied += 1
        if state is None:
            continue
        changed = asked is None or asked[0] is not state or asked[1] != found.version
        asked = (state, found.version)
        deadlines.update(state)
        is_open = state.is_open
        view = CoachView(
            state,
            at,
            cadence,
            found,
            update_due=deadlines.next_update(at) if is_open else None,
            users_due=deadlines.user_comms_due(at) if is_open else None,
            serious_since=deadlines.serious_since(at) if is_open else None,
            postmortem_started=found.postmortem_started,
        )
        for rule in RULE_FUNCTIONS if changed else _CLOCK_RULES:
            warning = rule(view)
            if warning is not None and (situation := (warning.rule, warning.key)) not in first:
                first[situation] = FiredWarning(warning, at)
        if not changed:
            continue  # the same state gives the same deadlines, already queued
        for deadline in _deadlines(view):
            if deadline <= now and deadline not in queued:
                queued.add(deadline)
                heapq.heappush(queue, deadline)
    recorded = dismissals(ordered, now)
    result = []
    for (rule_id, key), item in first.items():
        dismissal = next((d for d in recorded if d.rule == rule_id and d.key == key), None)
        result.append(replace(item, dismissal=dismissal))
    return sorted(result, key=lambda f: f.at)
