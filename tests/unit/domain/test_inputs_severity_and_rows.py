"""Numbers and stored rows that must never be taken at face value: `-1` is not SEV-1,
and a row with a bad time, a broken payload or a newer kind folds with the rest of the record."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from warroom.domain.describe import describe
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.severity import Severity
from warroom.domain.slash import Invalid, interpret
from warroom.store.rows import row_to_event

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
AT = "2025-03-04T14:00:00.000000Z"


@pytest.mark.parametrize("text", ["-1", "-2", "--1", "-sev1", "- 1"])
def test_a_minus_sign_is_not_a_severity(text):
    with pytest.raises(ValueError, match="use 1, 2, 3 or 4"):
        Severity.parse(text)


def test_sev_minus_one_on_the_command_line_is_refused():
    declared = Event(1, T0, Kind.DECLARED, "alice", {"title": "x", "severity": 2}, id=1)
    command = interpret("/sev -1", fold([declared]))
    assert isinstance(command, Invalid) and "use 1, 2, 3 or 4" in command.message


def row(id_: int, at: str, kind: str, payload: str, recorded_at: str = AT) -> tuple:
    return (id_, 1, at, recorded_at, kind, "eve", payload, "{}", None)


def test_damaged_rows_are_read_flagged_and_folded_around():
    events = [
        row_to_event(row(1, AT, Kind.DECLARED, json.dumps({"title": "x", "severity": 2}))),
        row_to_event(row(2, "202-12-06T05:00:00.000000Z", Kind.NOTE, '{"text": "typo"}')),
        row_to_event(row(3, AT, Kind.SEVERITY, "{not json")),
        row_to_event(row(4, AT, Kind.STATUS, '["a list"]')),
        row_to_event(row(5, AT, "kind.from.a.newer.writer", '{"text": "newer"}')),
        row_to_event(row(6, AT, Kind.MILESTONE, '{"name": "detected", "at": "202-01-01T00:00:00Z"}')),
        row_to_event(row(7, "garbage", Kind.NOTE, '{"text": "both bad"}', recorded_at="garbage")),
    ]
    assert events[1].at == T0 and "bad time '202-12-06T05:00:00.000000Z'" in events[1].problem
    assert events[2].payload == {} and events[2].problem == "event #3: unreadable payload"
    assert events[3].problem == "event #4: unreadable payload"
    assert events[4].problem is None
    assert "bad time in at" in events[5].problem
    assert events[6].at.year == 2000 and "bad time 'garbage'" in events[6].problem
    state = fold(events)
    assert state is not None
    assert state.severity == 2 and state.status.value == "Investigating"
    assert state.milestones.detected == T0  # the unreadable back-dating changed nothing
    assert len(state.events) == 7
    assert describe(events[1]).startswith("⚠ unreadable row: event #2: bad time")
    assert events[1].to_json()["problem"] == events[1].problem
