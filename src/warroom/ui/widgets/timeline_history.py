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

from warroom.domain.events import Event
from warroom.ui.widgets.timeline import Row, Timeline, added_later, row_for, sort_key


class HistoryRows(NamedTuple):
    """Rows for older events, in the timeline's order, and the latest time among them."""

    rows: list[Row]
    latest_at: datetime | None


def history_rows(events: Sequence[Event]) -> HistoryRows:
    """Rows for `events` (the incident's oldest, in id order, none missing before them), with
    their late marks. Pure and thread-safe: run it in a thread."""
    latest: datetime | None = None
    rows: list[Row] = []
    for ev in events:
        rows.append(row_for(ev, added_later(ev, latest)))
        if latest is None or ev.at > latest:
            latest = ev.at
    rows.sort(key=lambda row: sort_key(row.event))  # mostly in order already: timsort runs
    return HistoryRows(rows, latest)


def remark(shown: list[Row], latest_before: datetime | None) -> tuple[list[Row], bool]:
    """The rows already shown with their late marks worked out again now that events recorded
    before them are known (`latest_before`: the latest time among those). Returns the rows (in
    the same order) and whether any changed."""
    by_id = sorted(range(len(shown)), key=lambda i: shown[i].event.id or 0)
    out = list(shown)
    latest = latest_before
    changed = False
    for i in by_id:
        row = shown[i]
        late = added_later(row.event, latest)
        if late != row.late:
            out[i] = row_for(row.event, late)
            changed = True
        if latest is None or row.event.at > latest:
            latest = row.event.at
    return out, changed


def add_history(timeline: Timeline, history: HistoryRows) -> None:
    """Merge the older rows into `timeline` (every one older by id than the rows it shows).

    A reader at the bottom stays there; a reader scrolled back keeps the same line at the top
    of the pane (the rows land above it), as with any insertion (see `Timeline.add_events`).
    """
    older = history.rows
    if not older:
        return
    at_end = timeline._follow_end or timeline.is_vertical_scroll_end
    avail = timeline._ensure_layout()
    anchor = None if at_end else timeline._top_anchor()
    shown, _changed = remark(timeline._rows, history.latest_at)
    if shown and sort_key(shown[0].event) < sort_key(older[-1].event):
        merged = sorted(older + shown, key=lambda row: sort_key(row.event))  # two sorted runs: linear
    else:
        merged = older + shown
    timeline._rows[:] = merged
    latest = history.latest_at
    if timeline._latest_at is not None and (latest is None or timeline._latest_at > latest):
        latest = timeline._latest_at
    timeline._latest_at = latest
    timeline._reflow(avail)
    if at_end:
        timeline.scroll_end(animate=False, immediate=True, x_axis=False)
    elif anchor is not None:
        timeline._restore_anchor(anchor)
    timeline.refresh()
