"""A checkpoint is exact: the state stored at event N, then the events after N, is the state a
full fold gives. Checked over many generated incidents (a seeded generator) with every kind of
event, back-dated and late-recorded events, amendments and damaged payloads, cut everywhere."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from tests.support.event_samples import AT, SAMPLES
from warroom.domain import catalogue as c
from warroom.domain.checkpoint import CheckpointUnreadable, decode_state, encode_state, resume
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import IncidentState, fold

RECORDED_LATE = c.RECORDED_LATE


def _payload(rng: random.Random, kind: str) -> dict[str, Any]:
    """A plausible payload of `kind`, varied where the fold reads it."""
    if kind == Kind.SEVERITY:
        return c.severity_changed(rng.randint(1, 4), rng.randint(1, 4), rng.choice(["wider", "contained", ""]))
    if kind == Kind.STATUS:
        to = rng.choice(["Investigating", "Identified", "Monitoring", "Resolved"])
        return c.status_changed("Investigating", to, f"now {to.lower()}") | (
            {"public": "ok"} if rng.random() < 0.3 else {}
        )
    if kind == Kind.ROLE_ASSIGNED:
        return c.role_assigned(
            rng.choice(["Incident Commander", "Tech Lead", "Scribe"]), rng.choice(["ann", "bo", "cy"])
        )
    if kind == Kind.ROLE_RELEASED:
        return c.role_released(rng.choice(["Incident Commander", "Tech Lead", "Scribe"]))
    if kind == Kind.HANDOFF_PROPOSED:
        return c.handoff_proposed("ann", rng.choice(["bo", "cy"]))
    if kind == Kind.HANDOFF_ACCEPTED:
        return c.handoff_accepted("ann", rng.choice(["bo", "cy"]))
    if kind == Kind.MILESTONE:
        name = rng.choice(["started", "detected", "acknowledged", "mitigated", "resolved", "bogus"])
        return c.milestone_set(name, AT + timedelta(minutes=rng.randint(-60, 600)), "from the LB log")
    return dict(SAMPLES[kind][1])


def generate(rng: random.Random, length: int) -> list[Event]:
    """An incident as the store returns it: ids in order, times not (back-dated, late)."""
    kinds = [k for k in SAMPLES if k != Kind.DECLARED]
    events: list[Event] = []
    clock = AT
    for n in range(1, length + 1):
        kind = Kind.DECLARED if n == 1 else rng.choice(kinds)
        payload = c.declared("Checkout 500s", rng.randint(1, 4)) if n == 1 else _payload(rng, kind)
        clock += timedelta(seconds=rng.randint(1, 90))
        at, recorded = clock, clock
        roll = rng.random() if n > 1 else 1.0  # the declaration comes first, as the store has it
        if roll < 0.1:  # back-dated (`note --at -2h`, a deploy dated at its commit): before the checkpoint
            at = clock - timedelta(minutes=rng.randint(1, 300))
        elif roll < 0.15:  # taken late by a full disk: its real time, recorded long after
            at = clock - timedelta(minutes=rng.randint(1, 120))
            payload = payload | {RECORDED_LATE: int((clock - at).total_seconds())}
        elif roll < 0.18:  # an amendment of something before
            kind, payload = Kind.AMENDED, c.amended(f"event {rng.randint(1, n)} was wrong")
        elif roll < 0.2:  # a damaged row: the fold keeps going without it
            payload = {}
        events.append(Event(1, at, kind, rng.choice(["ann", "bo", "warroom"]), payload, n, recorded, {"host": "h"}))
    return events


def stored(state: IncidentState) -> IncidentState:
    """The state as a checkpoint row gives it back (through JSON text, as SQLite holds it)."""
    return decode_state(json.loads(json.dumps(encode_state(state))))


@pytest.mark.parametrize("seed", range(40))
def test_checkpoint_then_later_events_equals_the_full_fold(seed: int):
    rng = random.Random(seed)
    events = generate(rng, rng.randint(2, 160))
    full = fold(events)
    assert full is not None
    for cut in sorted({1, len(events), *(rng.randint(1, len(events)) for _ in range(12))}):
        before = fold(events[:cut])
        assert before is not None
        checkpoint = stored(before)
        assert checkpoint.events == () and checkpoint.last_event_id == cut
        resumed = resume(checkpoint, events[cut:])
        # repr compares types too: a Status that came back as a plain str would show here.
        assert repr(replace(resumed, events=full.events)) == repr(full), f"seed {seed}, cut at {cut}"
        assert resumed.events == tuple(events[cut:])


def test_resume_keeps_the_newest_events_given_without_applying_those_in_the_checkpoint_again():
    events = generate(random.Random(99), 80)
    full = fold(events)
    checkpoint = stored(fold(events[:60]))  # type: ignore[arg-type]
    resumed = resume(checkpoint, events[40:])  # the timeline's tail starts before the checkpoint
    assert resumed.events == tuple(events[40:])
    assert repr(replace(resumed, events=full.events)) == repr(full)  # type: ignore[union-attr]


def test_a_checkpoint_of_another_shape_or_a_damaged_one_is_unreadable():
    state = fold(generate(random.Random(5), 30))
    data = encode_state(state)  # type: ignore[arg-type]
    other = json.loads(json.dumps(data))
    other["f"]["added_by_a_newer_warroom"] = 1
    with pytest.raises(CheckpointUnreadable):
        decode_state(other)
    with pytest.raises(CheckpointUnreadable):
        decode_state({"$r": "NoSuchState", "f": {}})
    with pytest.raises(CheckpointUnreadable):
        decode_state({"$r": "IncidentState", "f": "garbage"})
    assert format_ts(stored(state).declared_at) == format_ts(state.declared_at)  # type: ignore[union-attr]
