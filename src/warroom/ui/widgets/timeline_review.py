"""The review's timeline: the war room's `Timeline` (and its `/` filter), plus a date line
wherever a row is on another day than the row above it (and above the first), and a cursor row:
the last event at or before the scrubber's moment, highlighted and kept in view. Up/Down (the
war room's row selection) move that cursor event by event, and the scrubber follows
(`CursorMoved`): the review has one highlighted row, not two.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip

from warroom.domain.events import Event
from warroom.ui.widgets.timeline import Row, Timeline, added_later, prefix_segments, row_for


def _key(row: Row) -> tuple[datetime, int]:
    return (row.event.at, row.event.id or 0)


def day_line(at: datetime) -> str:
    """`── Thu 26 Nov 2026 (UTC) ──`: the date line above a new day's first row."""
    return f"── {at:%a %d %b %Y} (UTC) ──"


def build_rows(events: Sequence[Event]) -> list[Row]:
    """The timeline's rows for `events` (in id order), in time order: what `add_events` makes,
    made beforehand (in a worker thread: 100,000 rows would hold the screen a third of a second)."""
    rows = []
    latest: datetime | None = None
    for ev in events:
        rows.append(row_for(ev, added_later(ev, latest)))
        if latest is None or ev.at > latest:
            latest = ev.at
    rows.sort(key=_key)
    return rows


class ReviewTimeline(Timeline):
    """See the module docstring. `cursor_at(t)` moves the highlighted row."""

    COMPONENT_CLASSES = Timeline.COMPONENT_CLASSES | {"timeline--day", "timeline--cursor"}
    DEFAULT_CSS = """
    ReviewTimeline {
        & > .timeline--day { color: $wr-time; text-style: bold; }
        & > .timeline--cursor { background: $accent 35%; }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        #: The highlighted row's index (-1: before every shown row).
        self.cursor_row = -1
        self._cursor_time: datetime | None = None

    def load(self, events: Sequence[Event], rows: list[Row]) -> None:
        """Show `events` (in id order) with their rows made by `build_rows`, replacing what is
        shown; with a filter on, the rows are made again here, filtered."""
        if self.filtering:
            self.replace_events(events)
            return
        self.clear()
        self._every = list(events)
        self._rows = rows
        self._latest_at = max((e.at for e in events), default=None)
        self._reflow(self._body_width())
        if self._follow_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    # --- date lines --------------------------------------------------------------------------

    def starts_day(self, index: int) -> bool:
        """Row `index` is the first shown row of its day (it gets a date line above it)."""
        rows = self._rows
        return index == 0 or rows[index].event.at.date() != rows[index - 1].event.at.date()

    def _lines_taken(self, index: int, row: Row, avail: int) -> int:
        return self._height(row, avail) + self.starts_day(index)

    def _insert(self, row: Row, avail: int) -> None:
        """A back-dated row may start or end a day: recount everything (rare in a review)."""
        self._rows.insert(bisect_right(self._rows, _key(row), key=_key), row)
        self._reflow(avail)

    def row_text(self, index: int) -> str:
        """The row's text as shown, with its date line first when it starts a day (for tests)."""
        text = super().row_text(index)
        return f"{day_line(self._rows[index].event.at)} {text}" if self.starts_day(index) else text

    class CursorMoved(Message):
        """Up/Down moved the cursor to `at` (the screen moves the scrubber there)."""

        def __init__(self, at: datetime) -> None:
            super().__init__()
            self.at = at

    def action_select(self, step: int) -> None:
        """Up/Down: the previous / next shown event becomes the cursor row."""
        if not self._rows:
            return
        index = max(0, min(len(self._rows) - 1, self.cursor_row + step))
        self._place_cursor(index)
        self.post_message(self.CursorMoved(self._rows[index].event.at))

    def mark_selected(self, strip: Strip, line_no: int, top: int | None = None, height: int | None = None) -> Strip:
        """The cursor row is the review's selection (drawn by `_render_timeline_line`)."""
        return strip

    # --- cursor ------------------------------------------------------------------------------

    def cursor_at(self, at: datetime | None, *, keep_row: bool = False) -> None:
        """Highlight the last shown event at or before `at` and scroll it into view (`keep_row`:
        the cursor row was placed by Up/Down, at `at` already: keep it among equal times)."""
        self._cursor_time = at
        index = -1 if at is None else bisect_right(self._rows, (at, 1 << 62), key=_key) - 1
        if keep_row and 0 <= self.cursor_row < len(self._rows) and self._rows[self.cursor_row].event.at == at:
            index = self.cursor_row
        self._place_cursor(index)

    def cursor_event(self) -> Event | None:
        """The event on the cursor row (None when there is none)."""
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row].event
        return None

    def _place_cursor(self, index: int) -> None:
        if index != self.cursor_row:
            self.cursor_row = index
            self._reset_caches()
            self.refresh()
        if index >= 0:
            self._ensure_layout()
            top, height = int(self.scroll_offset.y), max(1, self.scrollable_content_region.height)
            start = self._starts[index]
            end = self._starts[index + 1] if index + 1 < len(self._starts) else self._lines
            if start < top or end > top + height:
                self.scroll_to(y=max(0, start - height // 2), animate=False, immediate=True, force=True)

    def on_timeline_filter_filter_changed(self) -> None:
        self.cursor_row = -2  # recomputed against the rows now shown
        self.cursor_at(self._cursor_time)

    # --- drawing -----------------------------------------------------------------------------

    def _render_timeline_line(self, line_no: int, width: int) -> Strip:
        base = self._base()
        if line_no >= self._lines or not self._rows:
            return Strip.blank(width, base)
        index = bisect_right(self._starts, line_no) - 1
        sub = line_no - self._starts[index]
        row = self._rows[index]
        get = self._styles().__getitem__
        if self.starts_day(index):
            if sub == 0:
                return Strip([Segment(day_line(row.event.at), base + get("timeline--day"))]).adjust_cell_length(
                    width, base
                )
            sub -= 1
        ev = row.event
        lines = self._row_lines(index)
        body = lines[min(sub, len(lines) - 1)]
        body_style = base + (get("timeline--system") if ev.is_system else Style())
        indent = self._indent(width)
        if sub == 0:
            segments = prefix_segments(ev, row.late, indent, base, get, self._actor) + [Segment(body, body_style)]
        else:
            segments = [Segment(" " * indent, base), Segment(body, body_style)]
        strip = Strip(segments).adjust_cell_length(width, base)
        if index == self.cursor_row:  # over every segment's own colours, so the whole row is lit
            strip = Strip(list(Segment.apply_style(strip, post_style=get("timeline--cursor"))), strip.cell_length)
        return strip
