"""The scrubber's index: the state as of any moment, without refolding, matching a full fold."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.support.incident_builder import at
from tests.support.review_db import checkout_incident, probe_down
from warroom.domain.incident import fold
from warroom.domain.review_index import ReviewIndex
from warroom.domain.severity import Severity
from warroom.domain.status import Status


def test_severity_before_and_after_the_raise():
    index = ReviewIndex(checkout_incident().events)
    assert index.moment(at(4)).state.severity is Severity.SEV3
    assert index.moment(at(5)).state.severity is Severity.SEV1
    assert index.moment(at(61)).state.status is Status.RESOLVED
    assert index.moment(at(-10)).state is None  # before the declaration


def test_state_at_any_moment_equals_folding_the_events_up_to_it():
    events = checkout_incident().events
    index = ReviewIndex(events)
    rng = random.Random(7)
    for _ in range(50):
        t = at(rng.uniform(-5, 65))
        expected = fold(e for e in events if e.at <= t)
        got = index.state_at(t)
        if expected is None:
            assert got is None
            continue
        assert got is not None
        assert (got.severity, got.status, got.roles, got.milestones) == (
            expected.severity,
            expected.status,
            expected.roles,
            expected.milestones,
        )


def test_update_overdue_at_a_moment_and_not_after_the_post():
    # SEV-1 from minute 5: an update every 15 minutes; posted at 8, then silence until 33.
    index = ReviewIndex(checkout_incident().events)
    assert not index.moment(at(20)).update.overdue
    late = index.moment(at(25))
    assert late.update.overdue
    assert any(w.rule == "update-overdue" for w, _ in late.warnings)
    assert not index.moment(at(34)).update.overdue


def test_probe_states_follow_down_and_up_events():
    index = ReviewIndex(checkout_incident().events)
    assert index.moment(at(2)).probes == {}
    assert index.moment(at(4)).probes == {"api": "down", "web": "up"}
    assert index.moment(at(32)).probes == {"api": "up", "web": "up"}


def test_coach_replay_counts_warnings_fired_so_far():
    index = ReviewIndex(checkout_incident().events)
    assert index.moment(at(30)).fired is None  # not replayed yet
    index.replay_coach()
    assert index.moment(at(0)).fired == 0
    assert index.moment(at(60)).fired >= 1


def test_extend_with_newer_events_and_with_a_back_dated_one():
    inc = checkout_incident()
    index = ReviewIndex(inc.events[:5])
    index.extend(inc.events[5:])
    assert index.moment(at(5)).state.severity is Severity.SEV1
    probe_down(inc, 40, "db")
    index.extend(inc.events[-1:])
    assert index.moment(at(41)).probes["db"] == "down"
    assert index.moment(at(39)).probes.get("db") is None
    assert index.count_until(at(61)) == len(inc.events)
    assert index.end == at(60) and index.start == at(-4)
    assert index.count_until(at(60) + timedelta(seconds=1)) == len(inc.events)
