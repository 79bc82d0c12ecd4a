"""The incident timeline: every event, newest at the bottom, `HH:MM:SS KIND actor text` in UTC.

Rendered the way Textual's `Log` is (a ScrollView asked for one line at a time), so 100,000
events cost one small tuple each and only the rows on screen are ever styled. Long texts wrap
under their own column; wrapping is computed only for the rows that need it. New events scroll
the view only when the reader is already at the bottom: scrolling back to read is never undone.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from typing import Any, Iterable

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.domain.events import Event, Kind
from warroom.sanitize import clean

TIME_WIDTH = 8
KIND_WIDTH = 9
ACTOR_WIDTH = 10
PREFIX_WIDTH = TIME_WIDTH + 1 + KIND_WIDTH + 1 + ACTOR_WIDTH + 1
SHORT_PREFIX_WIDTH = 6  # `HH:MM ` when the pane is too narrow for the columns

KIND_LABELS: dict[str, str] = {
    Kind.DECLARED: "DECLARED",
    Kind.SEVERITY: "SEV",
    Kind.STATUS: "STATUS",
    Kind.ROLE_ASSIGNED: "ROLE",
    Kind.ROLE_RELEASED: "ROLE",
    Kind.NOTE: "NOTE",
    Kind.ACKNOWLEDGED: "ACK",
    Kind.MITIGATED: "MITIGATED",
    Kind.RESOLVED: "RESOLVED",
    Kind.REOPENED: "REOPENED",
    Kind.MILESTONE: "MILESTONE",
    Kind.AMENDED: "AMENDED",
    Kind.PROBE_DOWN: "PROBE ▼",
    Kind.PROBE_UP: "PROBE ▲",
    Kind.STATUSPAGE: "3RD PARTY",
    Kind.LOG_SPIKE: "LOG SPIKE",
    Kind.DEPLOY: "DEPLOY",
    Kind.RESOURCE: "RESOURCE",
    Kind.EVIDENCE: "EVIDENCE",
    Kind.SOURCE_ERROR: "SRC ERROR",
    Kind.COMMS_POSTED: "UPDATE",
    Kind.NOTIFY_SENT: "NOTIFY",
}

#: Kinds drawn in the "alarm" / "good" colours (always with their words too).
ALARM_KINDS = frozenset({Kind.SEVERITY, Kind.PROBE_DOWN, Kind.LOG_SPIKE, Kind.RESOURCE, Kind.SOURCE_ERROR})
GOOD_KINDS = frozenset({Kind.MITIGATED, Kind.RESOLVED, Kind.PROBE_UP})

_TEXT_KEYS = ("text", "summary", "message", "title", "description", "subject")


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def describe(event: Event) -> str:
    """One line of plain words for an event (untrusted parts are cleaned by the caller)."""
    p = event.payload
    k = event.kind
    try:
        if k == Kind.DECLARED:
            line = f"SEV-{p.get('severity', '?')} declared: {_s(p.get('title'))}"
            if p.get("impact"):
                line += f" · impact: {_s(p['impact'])}"
            if p.get("detected_by"):
                line += f" · detected by: {_s(p['detected_by'])}"
            return line + (" · DRILL" if p.get("drill") else "")
        if k == Kind.SEVERITY:
            before, after = p.get("from"), p.get("to")
            line = f"SEV-{before} → SEV-{after}" if before is not None else f"SEV-{after}"
            if isinstance(before, int) and isinstance(after, int):
                line += " (raised)" if after < before else " (lowered)"
            return line + (f": {_s(p['reason'])}" if p.get("reason") else "")
        if k == Kind.STATUS:
            line = f"{_s(p.get('from'))} → {_s(p.get('to'))}" if p.get("from") else _s(p.get("to"))
            return line + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.ROLE_ASSIGNED:
            return f"{_s(p.get('person'))} is {_s(p.get('role'))}"
        if k == Kind.ROLE_RELEASED:
            return f"{_s(p.get('role'))} released"
        if k == Kind.ACKNOWLEDGED:
            return "acknowledged" + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.RESOLVED:
            return "resolved" + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.REOPENED:
            return "reopened" + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.MILESTONE:
            return f"{_s(p.get('name'))} at {_s(p.get('at'))}"
        if k == Kind.COMMS_POSTED:
            text = _s(p.get("text")).split("\n", 1)[0]
            return f"{_s(p.get('audience') or 'internal')} update posted: {text}"
        for key in _TEXT_KEYS:
            if p.get(key):
                return _s(p[key])
        if not p:
            return ""
        return json.dumps(dict(p), ensure_ascii=False, sort_keys=True, default=str)
    except Exception:  # a strange payload from a newer writer shows raw, never crashes
        return _s(dict(p) if isinstance(p, dict) else p)


def _fit(text: str, width: int) -> str:
    """Pad or cut (with an ellipsis) to exactly `width` cells."""
    n = cell_len(text)
    if n <= width:
        return text + " " * (width - n)
    return chop_cells(text, width - 1)[0] + "…"


def wrap_cells(text: str, width: int) -> list[str]:
    """Word-wrap to `width` cells; words longer than a line are cut. Always at least one line."""
    if width < 1:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while cell_len(word) > width:
            head = chop_cells(word, width)[0]
            lines.append(head)
            word = word[len(head):]
        current = word
    lines.append(current)
    return lines


class Timeline(ScrollView, can_focus=True):
    """Scrollable timeline of an incident's events (see the module docstring)."""

    ALLOW_MAXIMIZE = True
    COMPONENT_CLASSES = {
        "timeline--time",
        "timeline--kind",
        "timeline--actor",
        "timeline--system",
        "timeline--alarm",
        "timeline--good",
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
        &:focus { background-tint: $foreground 4%; }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # One row per event: (event, cleaned text, its width in cells).
        self._rows: list[tuple[Event, str, int]] = []
        # _starts[i] is the first screen line of row i; _lines is the total.
        self._starts: list[int] = []
        self._lines = 0
        self._counted_avail = 0  # the body width the line counts in _starts were made for
        # True while the reader is at the bottom: new events and resizes keep them there.
        self._follow_end = True
        self._rendered_width = -1
        self._wrapped: LRUCache[int, list[str]] = LRUCache(2048)
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._actors: dict[str, str] = {}

    # --- content -----------------------------------------------------------------------------

    @property
    def event_count(self) -> int:
        return len(self._rows)

    @property
    def line_count(self) -> int:
        return self._lines

    def events(self) -> list[Event]:
        return [row[0] for row in self._rows]

    def line_of(self, index: int) -> int:
        """The first screen line of row `index` (rows wrap onto several lines)."""
        self._ensure_layout()
        return self._starts[index]

    def row_text(self, index: int) -> str:
        """The plain text of row `index` as shown (all its wrapped lines joined); for tests."""
        return " ".join(self._row_lines(index)).rstrip()

    def add_events(self, events: Iterable[Event]) -> None:
        """Append events (already in id order). Follows the bottom only if the reader is there."""
        at_end = self._follow_end or self.is_vertical_scroll_end
        first_new = len(self._rows)
        avail = self._ensure_layout()
        rows, starts = self._rows, self._starts
        line = self._lines
        for ev in events:
            text = clean(describe(ev))
            width = cell_len(text)
            rows.append((ev, text, width))
            starts.append(line)
            line += 1 if width <= avail else len(wrap_cells(text, avail))
        if len(rows) == first_new:
            return
        self._lines = line
        self.virtual_size = Size(self.size.width, line)
        if at_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def clear(self) -> None:
        self._rows.clear()
        self._starts.clear()
        self._lines = 0
        self._reset_caches()
        self.virtual_size = Size(self.size.width, 0)
        self.refresh()

    # --- layout ------------------------------------------------------------------------------

    def _body_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or 80
        return max(10, width - self._indent(width))

    @staticmethod
    def _indent(width: int) -> int:
        return PREFIX_WIDTH if width >= PREFIX_WIDTH + 20 else SHORT_PREFIX_WIDTH

    def _ensure_layout(self) -> int:
        """Recount the lines if the width changed since they were counted; returns the body width."""
        avail = self._body_width()
        if avail != self._counted_avail:
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
        for i, (_ev, _text, width) in enumerate(self._rows):
            starts[i] = line
            line += 1 if width <= avail else len(wrap_cells(_text, avail))
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
        self._strips.clear()
        self._line_styles = None

    _line_styles: dict[str, Style] | None = None

    def _styles(self) -> dict[str, Style]:
        """The component styles, resolved once per style change (not once per line)."""
        if self._line_styles is None:
            self._line_styles = {name: self.get_component_rich_style(name) for name in self.COMPONENT_CLASSES}
        return self._line_styles

    # --- rendering ---------------------------------------------------------------------------

    def _row_lines(self, index: int) -> list[str]:
        _ev, text, width = self._rows[index]
        avail = self._counted_avail or self._body_width()
        if width <= avail:
            return [text]
        cached = self._wrapped.get(index)
        if cached is None:
            cached = wrap_cells(text, avail)
            self._wrapped[index] = cached
        return cached

    def _actor(self, actor: str) -> str:
        shown = self._actors.get(actor)
        if shown is None:
            shown = _fit(clean(actor, cap=200), ACTOR_WIDTH)
            self._actors[actor] = shown
        return shown

    def render_line(self, y: int) -> Strip:
        _scroll_x, scroll_y = self.scroll_offset
        line_no = scroll_y + y
        width = self.scrollable_content_region.width
        if width != self._rendered_width:  # cheap check; the recount only when the width changed
            self._rendered_width = width
            self._ensure_layout()
        strip = self._strips.get(line_no)
        if strip is None:
            strip = self._render_timeline_line(line_no, width)
            if line_no < self._lines:  # blank lines below the end fill up later: never cache them
                self._strips[line_no] = strip
        return strip.apply_offsets(0, line_no)

    def _render_timeline_line(self, line_no: int, width: int) -> Strip:
        base = self.rich_style
        if line_no >= self._lines or not self._rows:
            return Strip.blank(width, base)
        index = bisect_right(self._starts, line_no) - 1
        ev, _text, _w = self._rows[index]
        sub = line_no - self._starts[index]
        lines = self._row_lines(index)
        body = lines[min(sub, len(lines) - 1)]
        get = self._styles().__getitem__
        system = ev.is_system
        body_style = base + (get("timeline--system") if system else Style())
        indent = self._indent(width)
        segments: list[Segment]
        if sub == 0 and indent == PREFIX_WIDTH:
            kind_style = (
                get("timeline--system")
                if system and ev.kind not in ALARM_KINDS | GOOD_KINDS
                else get("timeline--alarm")
                if ev.kind in ALARM_KINDS
                else get("timeline--good")
                if ev.kind in GOOD_KINDS
                else get("timeline--kind")
            )
            label = KIND_LABELS.get(ev.kind) or clean(ev.kind, cap=KIND_WIDTH)
            segments = [
                Segment(ev.at.strftime("%H:%M:%S") + " ", base + get("timeline--system" if system else "timeline--time")),
                Segment(_fit(label, KIND_WIDTH) + " ", base + kind_style),
                Segment(self._actor(ev.actor) + " ", base + get("timeline--system" if system else "timeline--actor")),
                Segment(body, body_style),
            ]
        elif sub == 0:
            segments = [Segment(ev.at.strftime("%H:%M") + " ", base + get("timeline--time")), Segment(body, body_style)]
        else:
            segments = [Segment(" " * indent, base), Segment(body, body_style)]
        return Strip(segments).adjust_cell_length(width, base)
