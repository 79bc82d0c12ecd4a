"""The older history of a long incident, added to a timeline that opened with its newest events.

The war room opens on the newest events (store.checkpoints); the rest arrive a moment later as
one batch, every one older (by id) than anything shown. `history_rows` makes their rows off the
UI loop (a thread: 100,000 rows take about half a second); `add_history` then merges
them in: usually a concatenation, a sort only when a shown event is back-dated before some of
them. Scroll-back is then exact: every event once, in the timeline's (time, id) order.

The `↶ (added HH:MM)` mark of an event depends on every event recorded before it, so the marks
of the rows shown first (made without the older ones) are worked out again at the merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from textual.geometry import Size

from warroom.domain.events import Event
from warroom.ui.widgets.timeline import INSERT_ONE_BY_ONE, Row, Timeline, added_later, row_for, sort_key


class HistoryRows(NamedTuple):
    """Rows for older events, in the timeline's order, with their line index for one layout."""

    rows: list[Row]
    latest_at: datetime | None
    #: starts[i]: the first line of rows[i]; `lines` in all; both for `layout`.
    starts: list[int]
    lines: int
    #: (body width, compact prefix) the lines were counted for; another layout recounts them.
    layout: tuple[int, bool]


def history_rows(events: Sequence[Event], timeline: Timeline) -> HistoryRows:
    """Rows for `events` (the incident's oldest, in id order, none missing before them), with
    their late marks and line counts at the timeline's current layout. Run it in a thread: it
    only reads the timeline's layout (checked again at the merge)."""
    layout = (timeline._counted_avail, timeline._compact)
    latest: datetime | None = None
    rows: list[Row] = []
    for ev in events:
        rows.append(row_for(ev, added_later(ev, latest)))
        if latest is None or ev.at > latest:
            latest = ev.at
    rows.sort(key=lambda row: sort_key(row.event))  # mostly in order already: timsort runs
    starts: list[int] = []
    line = 0
    height = timeline._height
    avail = layout[0] or 80
    for row in rows:
        starts.append(line)
        line += height(row, avail)
    return HistoryRows(rows, latest, starts, line, layout)


def remark(shown: list[Row], latest_before: datetime | None) -> list[Row]:
    """The rows already shown with their late marks worked out again now that events recorded
    before them are known (`latest_before`: the latest time among those); same order."""
    by_id = sorted(range(len(shown)), key=lambda i: shown[i].event.id or 0)
    out = list(shown)
    latest = latest_before
    for i in by_id:
        row = shown[i]
        late = added_later(row.event, latest)
        if late != row.late:
            out[i] = row_for(row.event, late)
        if latest is None or row.event.at > latest:
            latest = row.event.at
    return out


def add_history(timeline: Timeline, history: HistoryRows) -> None:
    """Merge the older rows into `timeline` (every one older by id than the rows it shows).

    The older rows and their line index come whole from the thread; only the rows shown so far
    are placed again (after them, or inserted among them when back-dated before some). A reader
    at the bottom stays there; a reader scrolled back keeps the same line at the top of the
    pane (the rows land above it), as with any insertion (see `Timeline.add_events`).
    """
    older = history.rows
    if not older or timeline.take_history([row.event for row in older]):  # the `/` filter
        return
    at_end = timeline._follow_end or timeline.is_vertical_scroll_end
    avail = timeline._ensure_layout()
    anchor = None if at_end else timeline._top_anchor()
    shown = remark(timeline._rows, history.latest_at)
    last_older = sort_key(older[-1].event)
    split = next((i for i, row in enumerate(shown) if sort_key(row.event) >= last_older), len(shown))
    early, after = shown[:split], shown[split:]  # `shown` is in order: a prefix sorts among the older
    if (avail, timeline._compact) != history.layout or len(early) > INSERT_ONE_BY_ONE:
        timeline._rows[:] = sorted(older + shown, key=lambda row: sort_key(row.event))
        timeline._reflow(avail)
    else:
        timeline._rows[:] = older + after
        starts = history.starts.copy()
        line = history.lines
        for row in after:
            starts.append(line)
            line += timeline._height(row, avail)
        timeline._starts[:] = starts
        timeline._lines = line
        for row in early:
            timeline._insert(row, avail)
        timeline._reset_caches()
        timeline.virtual_size = Size(timeline.size.width, timeline._lines)
    if history.latest_at is not None and (timeline._latest_at is None or history.latest_at > timeline._latest_at):
        timeline._latest_at = history.latest_at
    if at_end:
        timeline.scroll_end(animate=False, immediate=True, x_axis=False)
    elif anchor is not None:
        timeline._restore_anchor(anchor)
    timeline.refresh()
