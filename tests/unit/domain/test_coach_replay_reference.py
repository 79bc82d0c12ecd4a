"""The coach's replay, carried forward in one pass, gives exactly what the straightforward replay
gives: refolding the record from its start and asking every rule at each moment.

The reference below is the replay as it was written first (it costs the square of the record);
it stays here, and only here, to check the one-pass replay against, on generated records that
hold dismissals, deadlines passing with nothing recorded, severity and status changes, IC
changes and handoffs, and entries sharing an instant or appended out of order.
"""

from __future__ import annotations

import heapq
import random
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from tests.support.random_incident import T0, dismissal, random_incident
from warroom.domain import catalogue as c
from warroom.domain.cadence import UpdateCadence, next_update, user_comms_due
from warroom.domain.coach import MITIGATION_WINDOW, dismissals, evaluate, serious_since
from warroom.domain.coach_replay import _PAST, _SIGNALS, FiredWarning, _held_by_fold, fired, still_held
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, apply_readable


def _reference_deadlines(state: IncidentState, at: datetime, cadence: UpdateCadence) -> list[datetime]:
    found = []
    if state.is_open:
        reached = serious_since(state, at)
        if reached is not None:
            found.append(reached + MITIGATION_WINDOW)
        due = next_update(state, at, cadence).due_at
        if due is not None:
            found.append(due + _PAST)
        users = user_comms_due(state, at, cadence).due_at
        if users is not None:
            found.append(users + _PAST)
    return [d for d in found if d > at]


def reference_fired(events: list[Event], now: datetime, cadence: UpdateCadence | None = None) -> list[FiredWarning]:
    """The straightforward replay: at each moment, the whole record up to it, evaluated afresh."""
    cadence = cadence or UpdateCadence()
    ordered = sorted((e for e in events if e.at <= now), key=lambda e: (e.at, e.id if e.id is not None else 0))
    moments = sorted({e.at for e in ordered if e.kind not in _SIGNALS} | ({ordered[0].at} if ordered else set()))
    queue = list(moments)
    heapq.heapify(queue)
    queued = set(moments)
    first: dict[tuple[str, str], FiredWarning] = {}
    state: IncidentState | None = None
    applied = 0
    while queue:
        at = heapq.heappop(queue)
        while applied < len(ordered) and ordered[applied].at <= at:
            state = apply_readable(state, ordered[applied])
            applied += 1
        if state is None:
            continue
        seen = replace(state, events=tuple(ordered[:applied]))
        for warning in evaluate(seen, at, cadence):
            first.setdefault((warning.rule, warning.key), FiredWarning(warning, at))
        for deadline in _reference_deadlines(seen, at, cadence):
            if deadline <= now and deadline not in queued:
                queued.add(deadline)
                heapq.heappush(queue, deadline)
    recorded = dismissals(ordered, now)
    result = []
    for (rule, key), item in first.items():
        found = next((d for d in recorded if d.rule == rule and d.key == key), None)
        result.append(replace(item, dismissal=found))
    return sorted(result, key=lambda f: f.at)


def _with_dismissals(events: list[Event], seed: int) -> list[Event]:
    """Dismiss some of the situations that fire, a little after each fired (as a person would)."""
    rnd = random.Random(seed)
    extra = []
    next_id = max(e.id or 0 for e in events) + 1
    for item in reference_fired(events, T0 + timedelta(hours=4)):
        if rnd.random() < 0.5:
            extra.append(dismissal(item.at + timedelta(seconds=rnd.randrange(0, 300)), *_situation(item), next_id))
            next_id += 1
    return events + extra


def _situation(item: FiredWarning) -> tuple[str, str]:
    return item.warning.rule, item.warning.key


@pytest.mark.parametrize("seed", range(40))
def test_the_one_pass_replay_fires_what_the_reference_fires(seed):
    events = _with_dismissals(random_incident(seed), seed)
    for now in (T0 + timedelta(minutes=50), T0 + timedelta(hours=4)):
        expected = reference_fired(events, now)
        assert fired(events, now) == expected
    assert any(f.dismissal for f in reference_fired(events, T0 + timedelta(hours=4))) or seed % 40 != 0


@pytest.mark.parametrize("seed", range(40, 52))
def test_it_matches_with_a_configured_cadence_and_a_long_record(seed):
    cadence = UpdateCadence(sev1=10, sev2=20, sev3=None, sev4=90, sev2_first_user_comms=25)
    events = random_incident(seed, count=600, minutes=400)
    now = T0 + timedelta(hours=8)
    assert fired(events, now, cadence) == reference_fired(events, now, cadence)


def test_the_generated_records_exercise_every_rule_and_dismissals():
    seen_rules: set[str] = set()
    dismissed = 0
    for seed in range(40):
        found = fired(_with_dismissals(random_incident(seed), seed), T0 + timedelta(hours=4))
        seen_rules |= {f.warning.rule for f in found}
        dismissed += sum(1 for f in found if f.dismissal)
    assert seen_rules == {
        "update-overdue",
        "user-update-overdue",
        "no-ic",
        "solo-sev1",
        "no-mitigation",
        "fix-forward",
        "root-cause-first",
        "ic-tech-lead",
        "no-postmortem",
    }
    assert dismissed > 20


def _long_incident(notes: int) -> list[Event]:
    """A SEV-1 with nobody posting for hours and a note every few seconds."""
    rows = [Event(1, T0, Kind.DECLARED, "alice", c.declared("long one", 1), id=1)]
    rows += [
        Event(1, T0 + timedelta(seconds=2 * i + 1), Kind.NOTE, "bob", c.note(f"n{i}"), id=i + 2) for i in range(notes)
    ]
    return rows


def test_the_replay_grows_with_the_record_not_its_square():
    small, large = _long_incident(2_000), _long_incident(20_000)
    now = T0 + timedelta(hours=12)
    started = time.perf_counter()
    fired(small, now)
    small_s = time.perf_counter() - started
    started = time.perf_counter()
    found = fired(large, now)
    large_s = time.perf_counter() - started
    # Ten times the record: about ten times the work (the square would be a hundred times).
    assert large_s < max(small_s * 25, 0.5), (small_s, large_s)
    assert {f.warning.rule for f in found} >= {"no-ic", "no-mitigation", "update-overdue"}


@pytest.mark.parametrize("seed", range(20))
def test_the_one_pass_check_that_a_warning_still_held_matches_folding_at_each(seed):
    events = _with_dismissals(random_incident(seed), seed)
    found = fired(events, T0 + timedelta(hours=4))
    grace = timedelta(minutes=1)
    expected = [_held_by_fold(events, f, grace, UpdateCadence()) for f in found]
    assert still_held(events, found, grace) == expected
    assert True in expected or not found


def test_the_kinds_the_replay_does_not_fold_leave_the_state_as_it_is():
    """The replay skips `apply` for kinds outside `STATE_KINDS`, and `RecordFacts` reads only
    `FACT_KINDS`: each catalogued kind's sample proves that leaves nothing out."""
    from tests.support.event_samples import SAMPLES
    from warroom.domain import coach_facts as cf
    from warroom.domain.catalogue import CATALOGUE
    from warroom.domain.coach_facts import FACT_KINDS
    from warroom.domain.incident import STATE_KINDS, apply
    from warroom.domain.postmortem_due import postmortem_started_at

    state = apply(None, Event(7, T0, Kind.DECLARED, "alice", c.declared("Checkout 500s", 2), id=1))
    assert state is not None
    for kind in CATALOGUE:
        actor, payload = SAMPLES[kind]
        entry = Event(7, T0 + timedelta(minutes=1), kind, actor, payload, id=2)
        if kind not in STATE_KINDS:
            assert apply(state, entry) is state, kind
        if kind not in FACT_KINDS:
            alone = [entry]
            assert not (cf.mitigation_recorded(alone) or cf.rollback_tried(alone) or cf.notes(alone)), kind
            assert cf.suspect_deploys(alone, T0 + timedelta(minutes=5)) == [], kind
            assert postmortem_started_at(alone) is None and kind != Kind.ROLE_RELEASED, kind
