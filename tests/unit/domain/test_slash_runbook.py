"""`/runbook [QUERY]` opens the runbook screen with the query in its search box; it records nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.slash import SLASH_COMMANDS, Invalid, OpenRunbooks, complete, interpret

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def test_runbook_with_and_without_a_query():
    state = fold([Event(1, T0, Kind.DECLARED, "alice", {"title": "x", "severity": 2}, id=1)])
    assert state is not None
    assert interpret("/runbook", state) == OpenRunbooks("")
    assert interpret("/runbook  high 5xx ", state) == OpenRunbooks("high 5xx")
    assert interpret("/RUNBOOK disk", state) == OpenRunbooks("disk")
    assert isinstance(interpret("/runbook " + "x" * 5000, state), Invalid)
    assert SLASH_COMMANDS["runbook"][0] == "/runbook [QUERY]"
    assert complete("/runb").text == "/runbook "
