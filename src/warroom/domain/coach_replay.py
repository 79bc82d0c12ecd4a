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
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise

from warroom.domain.cadence import UpdateCadence
from warroom.domain.coach import (
    CLOCK_RULES,
    MITIGATION_WINDOW,
    RULES,
    CoachView,
    CoachWarning,
    Dismissal,
    dismissals,
    evaluate,
)
from warroom.domain.coach_facts import FACT_KINDS, RecordFacts
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import STATE_KINDS, IncidentState, apply_readable, fold
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


def _turns(view: CoachView) -> tuple[datetime, ...]:
    """Where the clock rules' answers may turn while the record stays as it is: the update due
    (overdue strictly after it), the first user update due (likewise; a resolution before it
    makes it "none" on both sides) and the end of the 15 minutes at SEV-1/2 (reached at it)."""
    found = []
    if view.update_due is not None and view.update_due.due_at is not None:
        found.append(view.update_due.due_at)
    if view.users_due is not None and view.users_due.due_at is not None:
        found.append(view.users_due.due_at)
    if view.serious_since is not None:
        found.append(view.serious_since + MITIGATION_WINDOW)
    return tuple(found)


RULE_FUNCTIONS = tuple(rule for _, rule in RULES)
_CLOCK_RULES = tuple(rule for name, rule in RULES if name in CLOCK_RULES)


def _in_replay_order(events: Iterable[Event], until: datetime) -> list[Event]:
    return sorted((e for e in events if e.at <= until), key=lambda e: (e.at, e.id if e.id is not None else 0))


class _Forward:
    """The incident carried forward through a record in time order: its state, the facts its
    rules read and its update deadlines, each entry taken once."""

    def __init__(self, ordered: list[Event], cadence: UpdateCadence) -> None:
        self.ordered = ordered
        self.cadence = cadence
        self.state: IncidentState | None = None
        self.facts = RecordFacts()
        self.deadlines = RunningDeadlines(cadence)
        self.applied = 0

    def advance(self, at: datetime) -> IncidentState | None:
        """Take every entry at or before `at`; the state then."""
        ordered, state, add = self.ordered, self.state, self.facts.add
        applied, count = self.applied, len(ordered)
        while applied < count and (entry := ordered[applied]).at <= at:
            kind = entry.kind
            if kind in STATE_KINDS:  # the others leave the state as it is
                state = apply_readable(state, entry)
            if kind in FACT_KINDS:  # and tell no fact
                add(entry)
            applied += 1
        self.applied, self.state = applied, state
        return state

    def view(self, state: IncidentState, at: datetime) -> CoachView:
        """What the rules read at `at` (as `coach.view_of` reads it from the record)."""
        deadlines = self.deadlines
        deadlines.update(state)
        is_open = state.is_open
        return CoachView(
            state,
            at,
            self.cadence,
            self.facts,
            update_due=deadlines.next_update(at) if is_open else None,
            users_due=deadlines.user_comms_due(at) if is_open else None,
            serious_since=deadlines.serious_since(at) if is_open else None,
            postmortem_started=self.facts.postmortem_started,
        )


def fired(events: Iterable[Event], now: datetime, cadence: UpdateCadence | None = None) -> list[FiredWarning]:
    """Every warning that fired up to `now`, in the order it fired, with its dismissal if any.

    One pass over the record: the incident, the facts the rules read (`RecordFacts`) and its
    deadlines (`RunningDeadlines`) are carried forward entry by entry, and the rules are asked
    at each moment as `coach.evaluate` would answer there (the reference, refolding the record
    up to each moment, is in tests/unit/domain/test_coach_replay_reference.py). When nothing
    the rules read changed since the last moment asked, only the rules that move with the clock
    are asked again, and only once a deadline of theirs was crossed: the other answers are the
    last ones, whose warnings already fired.
    """
    cadence = cadence or UpdateCadence()
    ordered = _in_replay_order(events, now)
    # Signals (probes, log spikes...) change no rule's answer: only the people's events, deploys
    # and commands are moments to look again (which keeps a long incident's replay quick).
    moments = sorted({e.at for e in ordered if e.kind not in _SIGNALS} | ({ordered[0].at} if ordered else set()))
    # The moments in order, merged with the deadlines found on the way (a heap: a few).
    queued = set(moments)
    deadlines_ahead: list[datetime] = []
    next_moment = 0
    first: dict[tuple[str, str], FiredWarning] = {}
    forward = _Forward(ordered, cadence)
    asked: tuple[IncidentState, int] | None = None  # the state and facts the rules last saw
    turns: tuple[datetime, ...] = ()  # where the clock rules' answers may turn, for that state
    next_turn: datetime | None = None  # the first of them not yet passed
    while next_moment < len(moments) or deadlines_ahead:
        if deadlines_ahead and (next_moment == len(moments) or deadlines_ahead[0] < moments[next_moment]):
            at = heapq.heappop(deadlines_ahead)
        else:
            at = moments[next_moment]
            next_moment += 1
        state = forward.advance(at)
        if state is None:
            continue
        version = forward.facts.version
        changed = asked is None or asked[0] is not state or asked[1] != version
        if not changed and (next_turn is None or next_turn > at):
            continue  # nothing recorded and no deadline crossed: every answer is the last one
        asked = (state, version)
        view = forward.view(state, at)
        for rule in RULE_FUNCTIONS if changed else _CLOCK_RULES:
            warning = rule(view)
            if warning is not None and (situation := (warning.rule, warning.key)) not in first:
                first[situation] = FiredWarning(warning, at)
        if changed:
            turns = _turns(view)
        next_turn = min((turn for turn in turns if turn >= at), default=None)
        if not changed:
            continue  # the same state gives the same deadlines, already queued
        for deadline in _deadlines(view):
            if deadline <= now and deadline not in queued:
                queued.add(deadline)
                heapq.heappush(deadlines_ahead, deadline)
    earliest: dict[tuple[str, str], Dismissal] = {}
    for d in dismissals(ordered, now):
        earliest.setdefault((d.rule, d.key), d)
    result = [replace(item, dismissal=earliest.get(situation)) for situation, item in first.items()]
    return sorted(result, key=lambda f: f.at)


def still_held(
    events: Sequence[Event], warnings: Sequence[FiredWarning], after: timedelta, cadence: UpdateCadence | None = None
) -> list[bool]:
    """For each warning, whether its situation still held `after` it fired: `coach.evaluate`
    over the record folded up to then, asked for all of them in one pass over the record."""
    cadence = cadence or UpdateCadence()
    checks = sorted(range(len(warnings)), key=lambda i: warnings[i].at)
    answers = [False] * len(warnings)
    if not warnings:
        return answers
    ordered = _in_replay_order(events, max(w.at for w in warnings) + after)
    ids = [e.id for e in ordered]
    if any(i is None for i in ids) or any(a >= b for a, b in pairwise(ids)):  # type: ignore[operator]
        # `fold` takes entries in id order; when that is not their time order, fold each moment.
        return [_held_by_fold(events, w, after, cadence) for w in warnings]
    forward = _Forward(ordered, cadence)
    by_rule = dict(RULES)
    for i in checks:
        warning = warnings[i].warning
        later = warnings[i].at + after
        state = forward.advance(later)
        if state is None:
            continue
        found = by_rule[warning.rule](forward.view(state, later))
        answers[i] = found is not None and found.key == warning.key
    return answers


def _held_by_fold(events: Sequence[Event], warning: FiredWarning, after: timedelta, cadence: UpdateCadence) -> bool:
    later = warning.at + after
    state = fold([ev for ev in events if ev.at <= later])
    if state is None:
        return False
    situation = (warning.warning.rule, warning.warning.key)
    return any((w.rule, w.key) == situation for w in evaluate(state, later, cadence))
