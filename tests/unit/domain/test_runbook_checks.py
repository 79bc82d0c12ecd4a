"""A checklist item's state is its latest `runbook.checked` event (from any screen or process)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind
from warroom.domain.runbook_checks import apply_checks, checked_items, item_key, ticked_count

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def tick(item: str, checked: bool, n: int, file: str = "high-5xx-rate.md") -> Event:
    payload = c.runbook_checked(runbook="High 5xx rate", file=file, item=item, checked=checked)
    return Event(1, T0, Kind.RUNBOOK_CHECKED, "bob", payload, id=n)


def test_latest_event_per_item_wins_and_other_kinds_are_ignored():
    events = [
        tick("Roll back", True, 1),
        Event(1, T0, Kind.NOTE, "bob", {"text": "Roll back"}, id=2),
        tick("Flip the flag", True, 3),
        tick("Roll back", False, 4),
        tick("Roll back", True, 5, file="latency-spike.md"),
    ]
    checks = checked_items(events)
    assert checks == {
        ("high-5xx-rate.md", "Roll back"): False,
        ("high-5xx-rate.md", "Flip the flag"): True,
        ("latency-spike.md", "Roll back"): True,
    }
    assert ticked_count(checks, "high-5xx-rate.md", ["Roll back", "Flip the flag", "Fail over"]) == 1
    # Fed only the new events, the same dict gives the same answer as a full fold.
    partial = checked_items(events[:3])
    assert apply_checks(partial, events[3:]) is partial and partial == checks
    assert item_key("a.md", "two  words\n here") == ("a.md", "two words here")


def test_the_payload_builder_refuses_bad_fields_and_the_timeline_words():
    with pytest.raises(ValueError, match="checked must be true or false"):
        c.runbook_checked(runbook="x", file="x.md", item="y", checked="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="item is empty"):
        c.runbook_checked(runbook="x", file="x.md", item=" ", checked=True)
    on, off = tick("Check the deploys pane for a suspect", True, 1), tick("Check the deploys pane", False, 2)
    assert c.label(Kind.RUNBOOK_CHECKED) == "RUNBOOK"
    assert c.short_text(on) == '"High 5xx rate": ☑ Check the deploys pane for a suspect'
    assert c.long_text(on) == 'runbook "High 5xx rate": ☑ Check the deploys pane for a suspect'
    assert c.long_text(off) == 'runbook "High 5xx rate": ☐ Check the deploys pane'
