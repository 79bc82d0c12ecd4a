"""Action items: what the postmortem assigns, folded from the incident's own events.

"Each action item should be **assignable, scheduleable, and verifiable**." An item is an
`action.added` event (text, and when known owner, due date and type); `action.edited` changes some
of its fields and `action.done` closes it. Its *number* (what `warroom action done N` takes) is its
place among the incident's `action.added` events in record order, so two people adding items at
once never get the same number, and an imported copy of the record numbers them the same way.

Pure: everything here is a function of the events passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from warroom.domain.event_payloads import ACTION_TYPES
from warroom.domain.events import Event, Kind
from warroom.records import Record, record

__all__ = ["ACTION_TYPES", "ActionItem", "action_items", "find_item", "owner_handle"]


@record
class ActionItem(Record):
    """One action item as the record has it now."""

    #: Its place among the incident's items, from 1 (`warroom action done 2`).
    number: int
    text: str
    #: A handle (`alice`), "" when nobody owns it yet.
    owner: str = ""
    #: `YYYY-MM-DD`, "" when not scheduled yet.
    due: str = ""
    #: prevent / detect / mitigate, "" when not said.
    type: str = ""
    added_at: datetime | None = None
    #: When it was marked done (None while open).
    done_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def due_date(self) -> date | None:
        """The due date as a date (None when unset or unreadable)."""
        try:
            return date.fromisoformat(self.due) if self.due else None
        except ValueError:
            return None


def owner_handle(text: str) -> str:
    """`@alice` -> `alice`: the table writes the `@` itself."""
    return text.strip().removeprefix("@")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


#: The kinds that make or change an action item.
_ITEM_KINDS = frozenset({Kind.ACTION_ADDED, Kind.ACTION_EDITED, Kind.ACTION_DONE})


def action_items(events: Iterable[Event]) -> list[ActionItem]:
    """Every action item of the events (one incident's), numbered in record order, with each
    edit and done applied; an edit or done naming no item is ignored (it is still in the timeline)."""
    mine = (e for e in events if e.kind in _ITEM_KINDS)  # before sorting: 100,000 events hold a handful
    ordered = sorted(mine, key=lambda e: (e.id if e.id is not None else float("inf"), e.at))
    items: list[ActionItem] = []
    for ev in ordered:
        p = ev.payload
        if ev.kind == Kind.ACTION_ADDED and _text(p.get("text")):
            items.append(
                ActionItem(
                    number=len(items) + 1,
                    text=_text(p.get("text")),
                    owner=_text(p.get("owner")),
                    due=_text(p.get("due")),
                    type=_text(p.get("type")),
                    added_at=ev.at,
                )
            )
            continue
        if ev.kind not in (Kind.ACTION_EDITED, Kind.ACTION_DONE):
            continue
        number = p.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(items):
            continue
        item = items[number - 1]
        if ev.kind == Kind.ACTION_DONE:
            if item.done_at is None:
                items[number - 1] = replace(item, done_at=ev.at)
            continue

        items[number - 1] = replace(
            item,
            text=_text(p.get("text")) or item.text,
            owner=_text(p.get("owner")) or item.owner,
            due=_text(p.get("due")) or item.due,
            type=_text(p.get("type")) or item.type,
        )
    return items


def find_item(items: list[ActionItem], number: int) -> ActionItem:
    """Item `number`, or ValueError with a sentence saying which numbers exist."""
    if 1 <= number <= len(items):
        return items[number - 1]
    if not items:
        raise ValueError(f"no action item {number}: this incident has none yet (`warroom action add TEXT`)")
    raise ValueError(f"no action item {number}: items are numbered 1 to {len(items)}")
