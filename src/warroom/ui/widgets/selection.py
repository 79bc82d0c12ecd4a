"""The selected item of a pane, which `y` copies in key mode.

A pane that has something to copy answers `copy_item()` with a `Copyable`: the text for the
clipboard and what it is, for the feedback line ("copied rollback command for api a1b2c3d").
Up/Down move the selection while the pane has the focus (key mode), and the selected row is
drawn in reverse video then, so it reads in every theme and in a monochrome terminal.

`TimelineSelection` is the timeline's part: an event chosen with Up/Down (kept in view), else
the bottom row in view (the newest, for a reader following the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType

from warroom.sanitize import clean
from warroom.ui.widgets.timeline_text import KIND_LABELS

if TYPE_CHECKING:
    from textual.strip import Strip

    from warroom.domain.events import Event

#: How a selected row is drawn while its pane has the focus.
SELECTED_STYLE = "reverse"
SELECTED = Style(reverse=True)


@dataclass(frozen=True)
class Copyable:
    """What `y` copies from a pane: `text` goes to the clipboard; `what` names it in the
    feedback ("rollback command for api a1b2c3d")."""

    text: str
    what: str


class TimelineSelection:
    """Mixed into `Timeline` (first): Up/Down select an event, `y` copies its text."""

    SELECTION_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "select(-1)", "Select", show=False),
        Binding("down", "select(1)", "Select", show=False),
    ]

    #: The event chosen with Up/Down (None: the bottom row in view).
    _selected: Event | None = None
    _selected_span_key: tuple[Any, ...] | None = None
    _selected_span: tuple[int, int] | None = None

    if TYPE_CHECKING:  # the timeline's
        _rows: list[Any]
        _starts: list[int]
        _lines: int
        _counted_avail: int
        has_focus: bool
        scroll_offset: Any
        scrollable_content_region: Any

        def _index_of(self, event: Event) -> int | None: ...
        def _ensure_layout(self) -> int: ...
        def _height(self, row: Any, avail: int) -> int: ...
        def _body_width(self) -> int: ...
        def scroll_to(self, *args: Any, **kwargs: Any) -> Any: ...
        def refresh(self, *args: Any, **kwargs: Any) -> Any: ...
        def call_later(self, *args: Any, **kwargs: Any) -> Any: ...

    def selected_index(self) -> int | None:
        """The selected row: the one chosen with Up/Down, else the bottom row in view."""
        if not self._rows:
            return None
        if self._selected is not None:
            index = self._index_of(self._selected)
            if index is not None:
                return index
        self._ensure_layout()
        from bisect import bisect_right

        height = max(1, self.scrollable_content_region.height)
        bottom = min(self._lines - 1, int(self.scroll_offset.y) + height - 1)
        return max(0, bisect_right(self._starts, bottom) - 1)

    def action_select(self, step: int) -> None:
        """Select the event `step` rows up or down and scroll it into view."""
        index = self.selected_index()
        if index is None:
            return
        index = max(0, min(len(self._rows) - 1, index + step))
        self._selected = self._rows[index].event
        start = self._starts[index]
        end = start + self._height(self._rows[index], self._counted_avail or self._body_width())
        top, height = int(self.scroll_offset.y), max(1, self.scrollable_content_region.height)
        if start < top:
            self.scroll_to(y=start, animate=False, immediate=True)
        elif end > top + height:
            self.scroll_to(y=end - height, animate=False, immediate=True)
        self.refresh()

    def copy_item(self) -> Copyable | None:
        """The selected event's text as the timeline shows it, and which event it is."""
        index = self.selected_index()
        if index is None:
            return None
        row = self._rows[index]
        event = row.event
        kind = KIND_LABELS.get(event.kind, event.kind).lower()
        return Copyable(row.text, f"timeline event {event.at:%H:%M:%S} ({kind} by {clean(event.actor, cap=40)})")

    def mark_selected(self, strip: Strip, line_no: int, top: int | None = None, height: int | None = None) -> Strip:
        """`strip` (screen line `line_no`) in reverse when it belongs to the selected event and
        the timeline has the focus (never cached: the selection moves). `top` and `height` are
        the view's first line and height when the caller knows them (asked otherwise)."""
        if not self._rows or line_no >= self._lines or not self.has_focus:
            return strip
        if top is None:
            top = self.scroll_offset.y
        if height is None:
            height = self.scrollable_content_region.height
        # One look-up per screenful, not per line: the selected row's lines, kept until the
        # selection, the scroll position or the layout changes.
        key = (self._selected, top, self._lines, len(self._rows), height)
        if self._selected_span_key != key:
            index = self.selected_index()
            span = None
            if index is not None:
                end = self._starts[index + 1] if index + 1 < len(self._starts) else self._lines
                span = (self._starts[index], end)
            self._selected_span_key, self._selected_span = key, span
        span = self._selected_span
        return strip.apply_style(SELECTED) if span is not None and span[0] <= line_no < span[1] else strip

    def _focus_changed(self) -> None:
        self.refresh()

    # `has_focus` is set by Textual's own handler, which may run after these: repaint after it.
    def on_focus(self, event: Any) -> None:
        self.call_later(self._focus_changed)

    def on_blur(self, event: Any) -> None:
        self.call_later(self._focus_changed)
