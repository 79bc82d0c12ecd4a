"""A long incident's postmortem lists the coach's warnings too, and stays quick: the replay is one
pass over the record (it used to be skipped past 2,000 moments, its cost being their square)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.postmortem import postmortem_markdown
from warroom.domain.postmortem_hints import fired_coach_warnings
from warroom.domain.roles import IC, TECH

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_a_long_incident_lists_the_coach_warnings_that_fired():
    notes = 20_000
    rows = [Event(1, T0, Kind.DECLARED, "alice", c.declared("long one", 1), id=1)]
    rows.append(Event(1, T0 + timedelta(seconds=1), Kind.NOTE, "bob", c.note("root cause is the pool change"), id=2))
    rows += [
        Event(1, T0 + timedelta(seconds=i // 4 + 2), Kind.NOTE, "bob", c.note(f"n{i}"), id=i + 3) for i in range(notes)
    ]
    later = T0 + timedelta(minutes=90)
    rows.append(Event(1, later, Kind.ROLE_ASSIGNED, "alice", c.role_assigned(IC, "alice"), id=notes + 3))
    rows.append(Event(1, later, Kind.ROLE_ASSIGNED, "alice", c.role_assigned(TECH, "alice"), id=notes + 4))
    rows.append(Event(1, T0 + timedelta(hours=2), Kind.RESOLVED, "alice", c.resolved("ok"), id=notes + 5))
    state = fold(rows)
    assert state is not None
    fired = fired_coach_warnings(state.events, T0 + timedelta(hours=2))
    doc = postmortem_markdown(state, T0, coach_warnings=fired)
    assert "not replayed" not in doc
    assert "coach at 09:00 UTC: SEV-1 with no IC: /ic NAME" in doc
    assert "coach at 09:00 UTC: root cause named before any mitigation" in doc
    assert "coach at 10:30 UTC: IC alice is also Tech Lead (SEV-1)" in doc
