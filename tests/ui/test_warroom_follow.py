"""The follower's incremental refold gives exactly what a full fold gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.services.follow import advance

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def test_advance_equals_a_full_fold():
    events = [
        Event(1, T0, Kind.DECLARED, "a", {"title": "x", "severity": 3}, id=1),
        Event(
            1, T0 + timedelta(minutes=1), Kind.ROLE_ASSIGNED, "a", {"role": "Incident Commander", "person": "a"}, id=2
        ),
        Event(1, T0 + timedelta(minutes=2), Kind.SEVERITY, "a", {"from": 3, "to": 1, "reason": "worse"}, id=3),
        Event(1, T0 + timedelta(minutes=3), Kind.NOTE, "b", {"text": "n"}, id=4),
        Event(1, T0 + timedelta(minutes=4), Kind.MITIGATED, "b", {"text": "rolled back"}, id=5),
        Event(1, T0 + timedelta(minutes=5), Kind.RESOLVED, "a", {"text": "ok"}, id=6),
    ]
    for split in range(1, len(events)):
        head = fold(events[:split])
        assert head is not None
        assert advance(head, events[split:]) == fold(events)
    whole = fold(events)
    assert advance(whole, ()) is whole
