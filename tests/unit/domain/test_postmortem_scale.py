"""A long incident's postmortem stays quick: the coach's replay (quadratic) is skipped past its limit."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.postmortem import postmortem_markdown
from warroom.domain.postmortem_hints import COACH_REPLAY_LIMIT, fired_coach_warnings

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_a_long_incident_skips_the_coach_replay_and_says_so():
    notes = COACH_REPLAY_LIMIT + 500
    rows = [Event(1, T0, Kind.DECLARED, "alice", c.declared("long one", 1), id=1)]
    rows += [Event(1, T0 + timedelta(seconds=i + 1), Kind.NOTE, "bob", c.note(f"n{i}"), id=i + 2) for i in range(notes)]
    rows.append(Event(1, T0 + timedelta(hours=2), Kind.RESOLVED, "alice", c.resolved("ok"), id=notes + 2))
    state = fold(rows)
    assert state is not None
    started = time.perf_counter()
    fired = fired_coach_warnings(state.events, T0 + timedelta(hours=2))
    doc = postmortem_markdown(state, T0, coach_warnings=fired)
    assert time.perf_counter() - started < 5
    assert f"coach warnings not replayed: {notes + 2} moments in the record (over {COACH_REPLAY_LIMIT})" in doc
