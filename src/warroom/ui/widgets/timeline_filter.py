"""The timeline's `/` filter and its system-event toggle (mixed into `Timeline`).

The timeline keeps every event it was given (`_every`) and shows those the filter admits: `/`
(in key mode, the timeline focused) opens the filter prompt (`filter_prompt.py`), whose
text is parsed by `domain.review_filter` and applied as it is typed; Esc in the timeline clears
the filter. A change rebuilds the shown rows from `_every` (a 100,000-event incident takes a
moment; a delivery of new events is filtered on its own, so following stays cheap).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.message import Message

from warroom.domain.events import Event

if TYPE_CHECKING:
    from textual.widget import Widget

    from warroom.domain.review_filter import EventFilter

    _Base = Widget
else:
    _Base = object


class TimelineFilter(_Base):
    """The filter state and its actions; `Timeline` calls `_admit` at the top of `add_events`."""

    class FilterChanged(Message):
        """The shown rows changed with the filter (the screen retitles the pane)."""

    _every: list[Event]
    #: The filter as parsed (None: every event is shown).
    _filter: EventFilter | None = None
    #: Hide system events (probes, logs, deploys, source errors): the review's `s` toggles it.
    hide_system: bool = False

    @property
    def filter_text(self) -> str:
        return self._filter.text if self._filter is not None else ""

    @property
    def filtering(self) -> bool:
        return (self._filter is not None and not self._filter.empty) or self.hide_system

    def _shows(self, event: Event) -> bool:
        if self.hide_system and event.is_system:
            return False
        return self._filter is None or self._filter.matches(event)

    def _admit(self, events: Iterable[Event]) -> list[Event]:
        """Keep `events` (all of them) and return those the filter shows."""
        new = list(events)
        self._every.extend(new)
        if not self.filtering:
            return new
        return [e for e in new if self._shows(e)]

    def filter_size(self) -> int:
        """How many events a filter pass goes through (every event received)."""
        return len(self._every)

    def all_events(self) -> list[Event]:
        """Every event received, shown or not, in arrival order."""
        return list(self._every)

    def take_history(self, older: list[Event]) -> bool:
        """Older events arriving after the first frame (`timeline_history.add_history`): kept
        with the rest. With a filter on they go through it as every event does (the rows are
        made again, filtered; True: nothing is left for the caller to merge)."""
        if not self.filtering:
            self._every[:0] = older
            return False
        self.replace_events(sorted(older, key=lambda e: e.id or 0) + self._every)
        return True

    def replace_events(self, events: Iterable[Event]) -> None:
        """Show `events` instead of everything given so far (in id order, as `add_events`)."""
        self.clear()  # type: ignore[attr-defined]  # Timeline's
        self._every = []
        self.add_events(events)  # type: ignore[attr-defined]

    def set_filter(self, text: str) -> EventFilter:
        """Show only the events `text` matches (see `domain.review_filter`); "" shows them all.
        Raises ValueError (one line) for a filter that cannot be read, leaving the view as it was."""
        from warroom.domain.review_filter import parse_filter  # on the first `/`, not on the way to the first frame

        parsed = parse_filter(text)
        if parsed.empty and (self._filter is None or self._filter.empty):
            self._filter = parsed if text.strip() else None
            return parsed
        self._filter = parsed if not parsed.empty else None
        self._rebuild()
        return parsed

    def set_hide_system(self, hide: bool) -> None:
        if hide != self.hide_system:
            self.hide_system = hide
            self._rebuild()

    def _rebuild(self) -> None:
        every = self._every
        self.clear()  # type: ignore[attr-defined]  # Timeline's
        self._every = []
        self.add_events(every)  # type: ignore[attr-defined]
        self.post_message(self.FilterChanged())

    def filter_note(self) -> str:
        """` · filter: kind:note (12 of 340)` for the pane's title; "" with no filter."""
        if not self.filtering:
            return ""
        parts = []
        if self._filter is not None and not self._filter.empty:
            parts.append(f"filter: {self._filter.describe()}")
        if self.hide_system:
            parts.append("system hidden")
        shown = self.event_count  # type: ignore[attr-defined]
        return f" · {' · '.join(parts)} ({shown} of {len(self._every)})"

    def action_filter(self) -> None:
        """Open the filter prompt over the screen (typing mode until Esc)."""
        from warroom.ui.widgets.filter_prompt import FilterPrompt

        self.app.push_screen(FilterPrompt(self))

    def action_clear_filter(self) -> None:
        self.set_filter("")
        self.notify("filter cleared", timeout=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc clears a filter, and only when there is one (else it means what it meant)."""
        if action == "clear_filter":
            return self._filter is not None and not self._filter.empty
        return True
