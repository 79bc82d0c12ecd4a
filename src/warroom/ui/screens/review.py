"""The review screen (`warroom review [ID]`): an incident's record, read-only, for afterwards.

    header    REVIEW INC-7 · title · resolved · read-only
    chart     probe bands, error rate, markers on one time axis, the scrubber's column lit
    timeline  every event with a date line on each new day, the scrubber's row lit | state panel:
              the incident as it stood at the scrubber's moment

Keys: ←/→ move the scrubber a minute (Shift: 10 minutes), Home/End to the first and last
moment, `[`/`]` to the previous/next milestone, ↑/↓ to the previous/next event shown, `s` shows
or hides system events, `/` filters the timeline (Esc clears it), PgUp/PgDn scroll it, `p` opens
the postmortem panel (`screens.postmortem_panel`: sections, action items, lint), `q` quits.

The first frame shows the newest events only; the whole record is read, indexed (a fold kept
at every state change: `domain.review_index`) and charted in a worker, so a scrub step is a
bisection, never a refold. Another process may still be writing the file: a follower
(`services.follow.StoreFollower`, on a read-only connection) brings new events in within a
second. Nothing here writes: no recorder, no sources, no lease; only the postmortem panel's explicit
edits open a write connection, at the first one.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from warroom.domain.events import Event, short_id
from warroom.domain.review_chart import ChartModel, build_chart
from warroom.domain.review_filter import is_milestone
from warroom.sanitize import clean
from warroom.services.review_load import FirstView, FullRecord, chart_span, full_record
from warroom.ui.widgets.review_chart import ReviewChart
from warroom.ui.widgets.review_state import ReviewState
from warroom.ui.widgets.timeline import Row
from warroom.ui.widgets.timeline_review import ReviewTimeline, build_rows

if TYPE_CHECKING:
    from warroom.services.follow import StoreFollower
    from warroom.store.aio import AsyncEventStore

STEP = timedelta(minutes=1)
BIG_STEP = timedelta(minutes=10)


class ReviewScreen(Screen[None]):
    """See the module docstring."""

    BINDINGS = [
        Binding("left", "scrub(-1)", "-1m", key_display="←", priority=True),
        Binding("right", "scrub(1)", "+1m", key_display="→", priority=True),
        Binding("shift+left", "scrub(-10)", "-10m", show=False, priority=True),
        Binding("shift+right", "scrub(10)", "+10m", show=False, priority=True),
        Binding("home", "scrub_to('start')", "Start", show=False, priority=True),
        Binding("end", "scrub_to('end')", "End", show=False, priority=True),
        Binding("left_square_bracket", "milestone(-1)", "Milestone", key_display="[ ]", priority=True),
        Binding("right_square_bracket", "milestone(1)", "Milestone", key_display="]", priority=True, show=False),
        Binding("s", "toggle_system", "System"),
        Binding("p", "postmortem", "Postmortem"),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    DEFAULT_CSS = """
    ReviewScreen { background: $background; }
    ReviewScreen #review-header { height: 1; background: $primary 30%; padding: 0 1; text-style: bold; }
    ReviewScreen #review-body { height: 1fr; }
    ReviewScreen #review-timeline { width: 1fr; border: round $primary 50%; border-title-color: $text; }
    ReviewScreen #review-timeline:focus { border: round $primary; }
    ReviewScreen #review-state { width: 40; border: round $primary 50%; }
    ReviewScreen.-narrow #review-state { width: 30; }
    ReviewScreen #review-chart { border-bottom: solid $primary 30%; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#review-timeline"

    def __init__(self, first: FirstView) -> None:
        super().__init__()
        self.first = first
        self.incident_id = first.incident_id
        self.record: FullRecord | None = None
        #: The scrubber's moment (None until the record is loaded: then the incident's end).
        self.cursor: datetime | None = None
        self._milestones: list[datetime] = []
        self.follower: StoreFollower | None = None
        self._reader: AsyncEventStore | None = None

    @property
    def rapp(self) -> Any:
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(self._header_text(), id="review-header")
        yield ReviewChart(id="review-chart")
        with Horizontal(id="review-body"):
            timeline = ReviewTimeline(id="review-timeline")
            timeline.border_title = "Timeline (UTC)"
            yield timeline
            state = ReviewState(Text("loading the record…"), id="review-state")
            state.border_title = "As it stood"
            yield state
        yield Footer()

    def _header_text(self) -> Text:
        p = self.first.declaration.payload
        title = clean(str(p.get("title") or ""), cap=120)
        text = Text(f"REVIEW {short_id(self.incident_id)} · ")
        text.append(title)
        text.append(f" · {self.first.total:,} events · read-only")
        return text

    def on_mount(self) -> None:
        timeline = self.query_one(ReviewTimeline)
        timeline.add_events(self.first.newest)
        self._retitle()
        self.call_after_refresh(self.rapp.first_frame_shown)
        self.load_record()

    # --- loading and following ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_record(self) -> None:
        """Read, index and chart the whole record (a worker thread: 100k events take a while)."""
        record = full_record(self.rapp.db_path, self.incident_id, self.rapp.cadence)
        rows = build_rows(record.events)
        milestones = record.index.times_of(is_milestone)
        start, end = chart_span(record.index, record.samples, self.rapp.clock())
        columns = self.query_one(ReviewChart).columns
        model = build_chart(record.index.events, record.samples, start, end, columns)
        self.app.call_from_thread(self._loaded, record, rows, milestones, model)
        record.index.replay_coach()  # every warning that fired, once; the panel counts them
        self.app.call_from_thread(self._replayed)

    def _replayed(self) -> None:
        gc.freeze()
        self._show_moment()

    def on_worker_state_changed(self, event: Any) -> None:
        worker = event.worker
        if worker.group == "load" and worker.error is not None:
            self.query_one(ReviewState).update(Text(f"could not read the record: {clean(str(worker.error), cap=300)}"))

    def _loaded(self, record: FullRecord, rows: list[Row], milestones: list[datetime], model: ChartModel) -> None:
        self.record = record
        index = record.index
        self._milestones = milestones
        self.query_one(ReviewTimeline).load(record.events, rows)
        self._retitle()  # the whole record now, not the newest rows of the first frame
        # 100,000 events live as long as the screen: out of the collector's way, or each full
        # collection walks them all (~100 ms, a scrub step that stutters).
        gc.freeze()
        self._chart(model)
        self.cursor = index.end
        self._show_moment()
        self.run_worker(self._follow(record.last_id), name="follow the file", group="follow", exit_on_error=False)

    def _chart(self, model: ChartModel | None = None) -> None:
        record = self.record
        if record is None or record.index.start is None:
            return
        start, end = (model.start, model.end) if model else chart_span(record.index, record.samples, self.rapp.clock())
        self.query_one(ReviewChart).show(record.index.events, record.samples, start, end, model)

    async def _follow(self, after_id: int) -> None:
        from warroom.services.follow import StoreFollower
        from warroom.store.reader import open_async_reader

        self._reader = await open_async_reader(self.rapp.db_path)
        self.follower = StoreFollower(self._reader, self.incident_id, after_id, self._deliver)
        await self.follower.run()

    def _deliver(self, events: tuple[Event, ...]) -> None:
        """New events another process wrote: into the index, the timeline and the chart."""
        record = self.record
        if record is None:
            return
        at_end = self.cursor is None or self.cursor >= (record.index.end or self.cursor)
        record.index.extend(events)
        self._milestones = record.index.times_of(is_milestone)
        self.query_one(ReviewTimeline).add_events(events)
        self._chart()
        if at_end:  # a reader at the end follows it, as a timeline at the bottom does
            self.cursor = record.index.end
        self._retitle()
        self._show_moment()

    async def on_unmount(self) -> None:
        if self._reader is not None:
            await self._reader.close()

    # --- the scrubber ------------------------------------------------------------------------

    def _show_moment(self, keep_row: bool = False) -> None:
        record = self.record
        if record is None or self.cursor is None:
            return
        moment = record.index.moment(self.cursor)
        timeline = self.query_one(ReviewTimeline)
        self.query_one(ReviewChart).cursor_at(self.cursor)
        timeline.cursor_at(self.cursor, keep_row=keep_row)
        self.query_one(ReviewState).show(moment, timeline.cursor_event())

    def on_review_timeline_cursor_moved(self, message: ReviewTimeline.CursorMoved) -> None:
        """Up/Down in the timeline: the scrubber goes to that event's time."""
        self.scrub_to(message.at, keep_row=True)

    def scrub_to(self, at: datetime, *, keep_row: bool = False) -> None:
        """Move the scrubber to `at` (kept within the incident)."""
        record = self.record
        if record is None or record.index.start is None or record.index.end is None:
            return
        last = max(record.index.end, self.rapp.clock()) if self._open() else record.index.end
        self.cursor = min(max(at, record.index.start), last)
        self._show_moment(keep_row)

    def _open(self) -> bool:
        record = self.record
        state = record.index.state_at(record.index.end) if record and record.index.end else None
        return state is not None and state.is_open

    def action_scrub(self, minutes: int) -> None:
        if self.cursor is not None:
            self.scrub_to(self.cursor + STEP * minutes)

    def action_scrub_to(self, where: str) -> None:
        record = self.record
        if record is not None and record.index.start is not None and record.index.end is not None:
            end = max(record.index.end, self.rapp.clock()) if self._open() else record.index.end
            self.scrub_to(record.index.start if where == "start" else end)  # an open incident: now

    def action_milestone(self, direction: int) -> None:
        """Jump to the previous (-1) or next (1) milestone: declared, ack, mitigated, resolved,
        severity changes."""
        if self.cursor is None or not self._milestones:
            return
        times = self._milestones
        if direction > 0:
            i = bisect_right(times, self.cursor)
            if i < len(times):
                self.scrub_to(times[i])
        else:
            i = bisect_left(times, self.cursor) - 1
            if i >= 0:
                self.scrub_to(times[i])

    def action_toggle_system(self) -> None:
        timeline = self.query_one(ReviewTimeline)
        timeline.set_hide_system(not timeline.hide_system)
        self.notify("system events hidden (s shows them)" if timeline.hide_system else "system events shown", timeout=2)

    def action_postmortem(self) -> None:
        """p: the postmortem panel (one per review: its drafts live as long as the review)."""
        from warroom.ui.screens.postmortem_panel import PostmortemPanel

        name = f"postmortem-{self.incident_id}"
        if not self.app.is_screen_installed(name):
            self.app.install_screen(PostmortemPanel(self.incident_id), name)
        else:
            panel = self.app.get_screen(name)
            if isinstance(panel, PostmortemPanel):
                panel.reload()  # the record may have changed (another process, the CLI)
        self.app.push_screen(name)

    def unsaved_text(self) -> list[Any]:
        """The postmortem panel's drafts while it is not on screen (quitting asks about them)."""
        name = f"postmortem-{self.incident_id}"
        if not self.app.is_screen_installed(name):
            return []
        panel = self.app.get_screen(name)
        if panel in self.app.screen_stack:
            return []  # on the stack: the app collects them from the panel itself
        collect = getattr(panel, "unsaved_text", None)
        return list(collect()) if callable(collect) else []

    def on_timeline_filter_filter_changed(self) -> None:
        self._retitle()

    def _retitle(self) -> None:
        timeline = self.query_one(ReviewTimeline)
        total = len(timeline.all_events())
        timeline.border_title = f"Timeline (UTC) · {total:,} events{timeline.filter_note()}"
