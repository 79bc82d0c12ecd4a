"""The incident timeline: every event in time order, newest at the bottom, `HH:MM:SS KIND actor text` in UTC.

Rendered the way Textual's `Log` is (a ScrollView asked for one line at a time), so 100,000
events cost one small tuple each and only the rows on screen are ever styled. Long texts wrap
under their own column; wrapping is computed only for the rows that need it.

Order is `(at, id)`, as `warroom show` prints it. Events arrive in recording (id) order, so most
land at the end (an append); a back-dated one (`warroom note --at -10m`, a deploy dated at its
commit) is inserted at its place, which rebuilds the line index (rare). One that lands more than
a minute before events recorded earlier is marked `↶` and `(added HH:MM)`, so a reader notices
it was added later. The view never jumps: a reader at the bottom stays at the bottom; a reader
scrolled back keeps the same line at the top of the pane, even when rows are inserted above it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.domain.events import Event
from warroom.sanitize import clean
from warroom.ui.widgets.focus_mark import FocusMarked
from warroom.ui.widgets.selection import TimelineSelection
from warroom.ui.widgets.timeline_filter import TimelineFilter
from warroom.ui.widgets.timeline_prefix import (  # noqa: F401 - re-exported: tests and callers import them here
    ACTOR_WIDTH,
    COMPACT_PREFIX_WIDTH,
    KIND_WIDTH,
    LATE_MARK,
    PREFIX_WIDTH,
    SHORT_PREFIX_WIDTH,
    TIME_WIDTH,
    indent_for,
    prefix_segments,
)
from warroom.ui.widgets.timeline_text import (  # noqa: F401 - re-exported: tests and callers import them here
    ALARM_KINDS,
    COMPACT_WORDS,
    GOOD_KINDS,
    KIND_LABELS,
    describe,
    fit_cells,
    text_cells,
    wrap_cells,
)

#: An event placed this far before one recorded earlier is marked as added later.
LATE_AFTER = timedelta(minutes=1)


class Row(NamedTuple):
    """One event as the timeline shows it."""

    event: Event
    text: str  # cleaned, with the `(added HH:MM)` note when late
    width: int  # cells of `text`
    late: bool  # added after events it now sits before
    lead: str = ""  # words the compact layout puts first, having no KIND column (`mitigated: `)


def sort_key(event: Event) -> tuple[datetime, int]:
    """The timeline's order, the same as `warroom show`: time, then id."""
    return (event.at, event.id or 0)


def _row_key(row: Row) -> tuple[datetime, int]:
    return sort_key(row.event)


def added_later(event: Event, latest_before: datetime | None) -> bool:
    """True when `event` sits more than LATE_AFTER before an event recorded earlier (a back-dated
    note, a deploy dated at its commit) and was itself recorded that late: worth a mark."""
    if latest_before is None or event.at >= latest_before:
        return False
    recorded = event.recorded_at or latest_before
    return latest_before - event.at > LATE_AFTER and recorded - event.at > LATE_AFTER


def row_for(event: Event, late: bool) -> Row:
    # A pasted note keeps its lines: in a wrapped row each break shows as ⏎ (not a bare space).
    text = describe(event)
    text = clean(text.replace("\n", " ⏎ ") if "\n" in text else text)
    if late:
        when = event.recorded_at
        text += f" (added {when:%H:%M})" if when is not None else " (added later)"
    # The compact layout's lead words make the catalogue's long form (none before a problem marker).
    lead = "" if event.problem else COMPACT_WORDS.get(event.kind, "")
    return Row(event, text, text_cells(text), late, lead)


#: A batch with more out-of-order events than this is merged and the index rebuilt once.
INSERT_ONE_BY_ONE = 32


class Timeline(TimelineSelection, TimelineFilter, FocusMarked, ScrollView, can_focus=True):
    """Scrollable timeline of an incident's events (see the module docstring)."""

    ALLOW_MAXIMIZE = True
    #: Up/Down select a row (`selection.py`); `/` filters the rows, Esc clears the filter
    #: (`timeline_filter.py`).
    BINDINGS = [
        *TimelineSelection.SELECTION_BINDINGS,
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]
    COMPONENT_CLASSES = {
        "timeline--time",
        "timeline--kind",
        "timeline--actor",
        "timeline--system",
        "timeline--alarm",
        "timeline--good",
        "timeline--late",
    }
    DEFAULT_CSS = """
    Timeline {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .timeline--time { color: $wr-time; }
        & > .timeline--kind { color: $wr-kind; text-style: bold; }
        & > .timeline--actor { color: $wr-actor; }
        & > .timeline--system { color: $wr-system; }
        & > .timeline--alarm { color: $warning; text-style: bold; }
        & > .timeline--good { color: $wr-good; text-style: bold; }
        & > .timeline--late { color: $warning; text-style: bold; }
        &:focus { background-tint: $foreground 4%; }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # One row per event, in (at, id) order.
        self._rows: list[Row] = []
        # The latest `at` among the events received so far (they arrive in id order).
        self._latest_at: datetime | None = None
        # _starts[i] is the first screen line of row i; _lines is the total.
        self._starts: list[int] = []
        self._lines = 0
        self._counted_avail = 0  # the body width the line counts in _starts were made for
        self._compact = False  # the compact prefix (time, glyph, actor) is in use
        # True while the reader is at the bottom: new events and resizes keep them there.
        self._follow_end = True
        self._rendered_width = -1
        self._wrapped: LRUCache[int, list[str]] = LRUCache(2048)
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._actors: dict[tuple[str, int], str] = {}
        self._every: list[Event] = []  # every event given, shown or filtered out (TimelineFilter)
        self._view: tuple[int, int] = (0, 0)  # the scrollable content's size (`_view_size`) ...
        self._view_key: tuple[object, ...] | None = None  # ... for this size, scrollbars and styles
        self._style_generation = 0  # counts style updates (a padding or scrollbar size may change)

    # --- content -----------------------------------------------------------------------------

    @property
    def event_count(self) -> int:
        return len(self._rows)

    @property
    def line_count(self) -> int:
        return self._lines

    def events(self) -> list[Event]:
        """The events in the order shown: time, then id."""
        return [row.event for row in self._rows]

    def _index_of(self, event: Event) -> int | None:
        """The row of `event` (None: not shown)."""
        index = bisect_right(self._rows, sort_key(event), key=_row_key) - 1
        return index if index >= 0 and self._rows[index].event is event else None

    def line_of(self, index: int) -> int:
        """The first screen line of row `index` (rows wrap onto several lines)."""
        self._ensure_layout()
        return self._starts[index]

    def row_text(self, index: int) -> str:
        """The plain text of row `index` as shown (all its wrapped lines joined); for tests."""
        return " ".join(self._row_lines(index)).rstrip()

    def add_events(self, events: Iterable[Event]) -> None:
        """Add events (in id order, as the store delivers them) at their place in time order.

        In-order events are appended (the common case, cheap for 100k); back-dated ones are
        inserted. The reader at the bottom stays there; a reader scrolled back keeps their view.
        """
        events = self._admit(events)  # kept whole; only what the filter shows goes on
        at_end = self._follow_end or self.is_vertical_scroll_end
        avail = self._ensure_layout()
        rows = self._rows
        tail: list[Row] = []  # in order after everything shown so far
        inserts: list[Row] = []  # back-dated: they go somewhere in the middle
        last_key = _row_key(rows[-1]) if rows else None
        latest = self._latest_at
        for ev in events:
            row = row_for(ev, added_later(ev, latest))
            key = sort_key(ev)
            if last_key is None or key >= last_key:
                tail.append(row)
                last_key = key
            else:
                inserts.append(row)
            if latest is None or ev.at > latest:
                latest = ev.at
        self._latest_at = latest
        if not tail and not inserts:
            return
        anchor = None if at_end else self._top_anchor()
        if tail:
            self._append(tail, avail)
        if len(inserts) > INSERT_ONE_BY_ONE:
            rows.extend(inserts)
            rows.sort(key=_row_key)  # mostly sorted already: timsort merges the runs
            self._reflow(avail)
        else:
            for row in inserts:
                self._insert(row, avail)
        if inserts:
            self._reset_caches()
        self.virtual_size = Size(self.size.width, self._lines)
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        elif anchor is not None and inserts:
            self._restore_anchor(anchor)
        self.refresh()

    def _append(self, new: list[Row], avail: int) -> None:
        rows, starts = self._rows, self._starts
        line = self._lines
        for row in new:
            rows.append(row)
            starts.append(line)
            line += self._lines_taken(len(rows) - 1, row, avail)
        self._lines = line

    def _lines_taken(self, index: int, row: Row, avail: int) -> int:
        """Screen lines row `index` takes: its wrapped height (the review adds a date line)."""
        return self._height(row, avail)

    def _shown(self, row: Row) -> tuple[str, int]:
        """The row's body text and its width in the current layout (compact: its lead words first)."""
        if self._compact and row.lead:
            return row.lead + row.text, row.width + text_cells(row.lead)
        return row.text, row.width

    def _height(self, row: Row, avail: int) -> int:
        text, width = self._shown(row)
        return 1 if width <= avail else len(wrap_cells(text, avail))

    def _insert(self, row: Row, avail: int) -> None:
        """Put one back-dated row at its place and shift the line index below it (O(rows))."""
        index = bisect_right(self._rows, _row_key(row), key=_row_key)
        height = self._height(row, avail)
        starts = self._starts
        start = starts[index] if index < len(starts) else self._lines
        self._rows.insert(index, row)
        starts.insert(index, start)
        starts[index + 1 :] = [s + height for s in starts[index + 1 :]]
        self._lines += height

    def _top_anchor(self) -> tuple[Event, int] | None:
        """The event on the top line of the view and how many of its lines are above the view."""
        if not self._rows:
            return None
        top = int(self.scroll_offset.y)
        index = bisect_right(self._starts, top) - 1
        if index < 0:
            return None
        return self._rows[index].event, top - self._starts[index]

    def _restore_anchor(self, anchor: tuple[Event, int]) -> None:
        """Scroll so the anchored event is on the top line again (rows were inserted above it)."""
        event, sub = anchor
        index = bisect_right(self._rows, sort_key(event), key=_row_key) - 1
        if index < 0 or self._rows[index].event is not event:
            return
        y = self._starts[index] + sub
        if y != self.scroll_offset.y:
            self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def clear(self) -> None:
        self._rows.clear()
        self._starts.clear()
        self._lines = 0
        self._latest_at = None
        self._reset_caches()
        self.virtual_size = Size(self.size.width, 0)
        self.refresh()

    # --- layout ------------------------------------------------------------------------------

    def _body_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or 80
        return max(10, width - self._indent(width))

    @staticmethod
    def _indent(width: int) -> int:
        return indent_for(width)

    @property
    def text_width(self) -> int:
        """Cells the event text gets beside the prefix at the current width."""
        return self._body_width()

    def _ensure_layout(self) -> int:
        """Recount the lines if the width changed since they were counted; returns the body width."""
        avail = self._body_width()
        width = self.scrollable_content_region.width or self.size.width or 80
        compact = self._indent(width) == COMPACT_PREFIX_WIDTH
        if avail != self._counted_avail or compact != self._compact:
            self._compact = compact
            self._reflow(avail)
            if self._follow_end:
                self.scroll_end(animate=False, immediate=True, x_axis=False)
        return avail

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._follow_end = self.is_vertical_scroll_end

    def _reflow(self, avail: int) -> None:
        """Recount wrapped lines for a new width: O(rows), but only long rows are wrapped."""
        self._counted_avail = avail
        line = 0
        starts = self._starts
        del starts[len(self._rows) :]
        starts.extend([0] * (len(self._rows) - len(starts)))
        for i, row in enumerate(self._rows):
            starts[i] = line
            line += self._lines_taken(i, row, avail)
        self._lines = line
        self._reset_caches()
        self.virtual_size = Size(self.size.width, line)

    def _reset_caches(self) -> None:
        self._wrapped.clear()
        self._strips.clear()

    def on_resize(self) -> None:
        self._ensure_layout()
        if self._follow_end:  # a shorter pane must still show the newest line
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_generation += 1
        self._strips.clear()
        self._line_styles = None
        self._base_style = None

    _line_styles: dict[str, Style] | None = None
    _base_style: Style | None = None

    def _styles(self) -> dict[str, Style]:
        """The component styles, resolved once per style change (not once per line)."""
        if self._line_styles is None:
            self._line_styles = {name: self.get_component_rich_style(name) for name in self.COMPONENT_CLASSES}
        return self._line_styles

    def _base(self) -> Style:
        """`rich_style` once per style change: it walks every ancestor's styles, and asked per
        line it was a third of the time a screenful of the timeline took to draw."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    # --- rendering ---------------------------------------------------------------------------

    def _row_lines(self, index: int) -> list[str]:
        text, width = self._shown(self._rows[index])
        avail = self._counted_avail or self._body_width()
        if width <= avail:
            return [text]
        cached = self._wrapped.get(index)
        if cached is None:
            cached = wrap_cells(text, avail)
            self._wrapped[index] = cached
        return cached

    def _actor(self, actor: str, width: int = ACTOR_WIDTH) -> str:
        shown = self._actors.get((actor, width))
        if shown is None:
            shown = fit_cells(clean(actor, cap=200), width)
            self._actors[(actor, width)] = shown
        return shown

    def _view_size(self) -> tuple[int, int]:
        """The scrollable content region's (width, height), looked up once per size: Textual
        computes that region anew on every call (~10 us), and a screenful asked it per line."""
        key = (self._size, self.show_vertical_scrollbar, self.show_horizontal_scrollbar, self._style_generation)
        if key != self._view_key:
            region = self.scrollable_content_region
            if not region.width:  # not laid out (or not on screen) yet: ask again next time
                return region.width, region.height
            self._view_key, self._view = key, (region.width, region.height)
        return self._view

    def render_line(self, y: int) -> Strip:
        line_no = round(self.scroll_y) + y  # `scroll_offset.y`, without making the Offset
        width, height = self._view_size()
        if width != self._rendered_width:  # cheap check; the recount only when the width changed
            self._rendered_width = width
            self._ensure_layout()
        strip = self._strips.get(line_no)
        if strip is None:
            strip = self._render_timeline_line(line_no, width).apply_offsets(0, line_no)
            if line_no < self._lines:  # blank lines below the end fill up later: never cache them
                self._strips[line_no] = strip
        return self.mark_selected(strip, line_no, line_no - y, height)

    def _render_timeline_line(self, line_no: int, width: int) -> Strip:
        base = self._base()
        if line_no >= self._lines or not self._rows:
            return Strip.blank(width, base)
        index = bisect_right(self._starts, line_no) - 1
        ev, late = self._rows[index].event, self._rows[index].late
        sub = line_no - self._starts[index]
        lines = self._row_lines(index)
        body = lines[min(sub, len(lines) - 1)]
        get = self._styles().__getitem__
        body_style = base + get("timeline--system") if ev.is_system else base
        indent = self._indent(width)
        if sub == 0:
            segments = prefix_segments(ev, late, indent, base, get, self._actor) + [Segment(body, body_style)]
        else:
            segments = [Segment(" " * indent, base), Segment(body, body_style)]
        return Strip(segments).adjust_cell_length(width, base)
