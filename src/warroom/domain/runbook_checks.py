"""Which runbook checklist items are ticked: derived from the record, never kept on a screen.

Each tick or untick is a `runbook.checked` event (runbook title and file, the item's words,
`checked`). The state of an item is its latest such event, so a tick made on another screen or
by another process shows everywhere as soon as the event is read.
"""

from __future__ import annotations

from collections.abc import Iterable

from warroom.domain.events import Event, Kind

#: (runbook file name, item words) -> ticked.
Checks = dict[tuple[str, str], bool]


def item_key(file: str, item: str) -> tuple[str, str]:
    """What identifies an item across screens and processes: its runbook's file and its words."""
    return (file, " ".join(item.split()))


def apply_checks(checks: Checks, events: Iterable[Event]) -> Checks:
    """`checks` updated with `events` (in id order; the latest event per item wins). Returns
    the same dict, so a screen can keep one and feed it only the new events."""
    for event in events:
        if event.kind != Kind.RUNBOOK_CHECKED:
            continue
        p = event.payload
        file, item, checked = p.get("file"), p.get("item"), p.get("checked")
        if isinstance(file, str) and isinstance(item, str) and isinstance(checked, bool):
            checks[item_key(file, item)] = checked
    return checks


def checked_items(events: Iterable[Event]) -> Checks:
    """Every item's state from a whole incident's events."""
    return apply_checks({}, events)


def ticked_count(checks: Checks, file: str, items: Iterable[str]) -> int:
    """How many of a runbook's items are ticked (for `3/10` beside its title)."""
    return sum(1 for item in items if checks.get(item_key(file, item), False))
