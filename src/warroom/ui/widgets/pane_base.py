"""What every signal pane shares: a bordered, focusable box whose rows update in place.

Widgets here only render. A pane keeps the newest `SourceUpdate` of each of its sources and
rebuilds its rows as `Content` (never markup: untrusted text passes through `sanitize.clean` and
is inserted as plain text). `RowList` compares each new row with what is on screen and repaints
only the rows that differ, so a 1 Hz tick that changes one age repaints one line.

State is never colour alone: every state has a word and a symbol (`✔ UP`, `✖ DOWN`, `? UNKNOWN`,
`STALE 2m`), and the colour only repeats it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from warroom.domain.events import utc
from warroom.sanitize import clean
from warroom.sources.registry import SourceInfo
from warroom.ui.widgets.focus_mark import FocusMarked
from warroom.ui.widgets.selection import SELECTED_STYLE, Copyable

if TYPE_CHECKING:
    from warroom.scheduler import SourceUpdate

OK_STYLE = "$text-success"
BAD_STYLE = "bold $text-error"
WARN_STYLE = "$text-warning"
MUTED_STYLE = "$text-muted"


def age_text(seconds: float | None) -> str:
    """`4s`, `3m`, `2h`, `3d`: how long ago, compact; `-` when unknown."""
    if seconds is None:
        return "-"
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def seconds_since(then: datetime | None, now: datetime) -> float | None:
    if then is None:
        return None
    return (utc(now) - utc(then)).total_seconds()


def hidden(widget: Any) -> bool:
    """True when CSS hides the widget or an ancestor (`display: none`).

    Updating a hidden widget is not free: Textual rebuilds its whole compositor map when a
    widget it cannot see asks to be repainted. Hidden widgets skip work and catch up on `Show`.
    """
    node = widget
    while isinstance(node, Widget) and not isinstance(node, Screen):
        if not node.display:
            return True
        node = node.parent
    return False


def untrusted(text: Any, cap: int = 300) -> str:
    """Clean any outside text for one line of display (escapes and controls stripped, capped)."""
    return clean(str(text) if text is not None else "", cap=cap)


def pad(text: str, width: int) -> str:
    """Left-justify to `width` terminal cells (wide characters count twice)."""
    return text + " " * max(0, width - cell_len(text))


def rpad(text: str, width: int) -> str:
    return " " * max(0, width - cell_len(text)) + text


def line(*parts: str | tuple[str, str] | Content) -> Content:
    """One row from plain strings and (text, style) pairs. Nothing here is parsed as markup."""
    return Content.assemble(*parts)


class Detail:
    """A row shown only when the pane has room to spare (a tall terminal, a zoomed pane): a
    process table, every rollback command, the rest of a long log line. `rows()` returns these
    among the ordinary rows; the pane keeps them in order and drops them first."""

    __slots__ = ("content",)

    def __init__(self, content: Content) -> None:
        self.content = content


class Pick:
    """An ordinary row that can be selected (Up/Down in key mode) and copied (`y`). `key`
    keeps the selection on the same item while rows move (a new deploy arrives above it)."""

    __slots__ = ("content", "copy", "key")

    def __init__(self, content: Content, copy: Copyable, key: str) -> None:
        self.content = content
        self.copy = copy
        self.key = key


Row = Content | Detail | Pick


def choose_rows(rows: Sequence[Row], budget: int | None) -> list[Row]:
    """The rows to show in `budget` lines (None: all): every ordinary row, then detail rows in
    order while they fit (a detail that does not fit ends the details, so a table is never
    shown with a gap), cut to `budget`."""
    if budget is None:
        return list(rows)
    spare = budget - sum(1 for r in rows if not isinstance(r, Detail))
    out: list[Row] = []
    for row in rows:
        if isinstance(row, Detail):
            if spare <= 0:
                continue
            spare -= 1
        out.append(row)
    return out[:budget]


def row_content(row: Row) -> Content:
    return row if isinstance(row, Content) else row.content


def pick_rows(rows: Sequence[Row], budget: int | None) -> list[Content]:
    """`choose_rows` as the contents shown."""
    return [row_content(r) for r in choose_rows(rows, budget)]


#: A poll this far past its time (a hung command, a stuck thread) is shown as late.
LATE_AFTER = 10.0


def freshness(update: SourceUpdate | None, now: datetime) -> tuple[str, str] | None:
    """`("STALE · last good 2m ago · retry in 40s", style)` while a source is failing or its next
    result is overdue, else None."""
    if update is None:
        return None
    if not update.stale:
        late = seconds_since(update.next_at, now)
        if late is not None and late > LATE_AFTER:
            return (f"LATE · no new result for {age_text(seconds_since(update.polled_at, now))}", WARN_STYLE)
        return None
    good = update.last_good
    since = age_text(seconds_since(good.taken_at, now)) if good is not None else "never"
    retry = age_text(seconds_since(now, update.next_at))
    return (
        f"STALE · last good {since} ago · retry in {retry}"
        if good is not None
        else f"FAILING · no result yet · retry in {retry}",
        WARN_STYLE,
    )


def error_row(update: SourceUpdate, now: datetime, label: str = "") -> Content:
    """`✖ ERROR <what> · 40s ago` for a failed poll (the error text is untrusted)."""
    age = age_text(seconds_since(update.snapshot.taken_at, now))
    prefix = f"{label}: " if label else ""
    return line(("✖ ERROR ", BAD_STYLE), prefix + untrusted(update.error), (f" · {age} ago", MUTED_STYLE))


class RowList(Vertical):
    """Single-line rows, repainted one by one and only when a row's text or style changed."""

    DEFAULT_CSS = """
    RowList { height: auto; }
    RowList > .pane-row { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Static] = []
        self._contents: list[Content] = []

    @property
    def texts(self) -> list[str]:
        """What the rows say, as plain text (tests and /pin read this)."""
        return [c.plain for c in self._contents]

    def set_rows(self, rows: Sequence[Content]) -> None:
        """Show `rows`: changed rows repaint, new rows mount at the end, extra rows go."""
        if not self.is_attached:
            return  # taken down (quitting): a last poll or tick may still arrive, to nothing
        for index, content in enumerate(rows):
            if index < len(self._rows):
                if not self._contents[index].is_same(content):
                    self._contents[index] = content
                    self._rows[index].update(content, layout=False)
            else:
                row = Static(content, classes="pane-row", markup=False)
                self._rows.append(row)
                self._contents.append(content)
                self.mount(row)
        if len(rows) < len(self._rows):
            extra = self._rows[len(rows) :]
            del self._rows[len(rows) :]
            del self._contents[len(rows) :]
            for row in extra:
                row.remove()


class SourcePane(FocusMarked, Vertical, can_focus=True):
    """A focusable, zoomable pane for the sources of one kind (or one source).

    Subclasses set `TITLE`, `EMPTY` (how to configure it) and implement `rows(now)`; the
    poller's updates arrive through `show(update, now)` and a 1 s `tick(now)` refreshes ages.
    """

    ALLOW_MAXIMIZE = True
    #: Up/Down move the selection (the row `y` copies); only a focused pane (key mode) has them.
    BINDINGS = [
        Binding("up", "select(-1)", "Select", show=False),
        Binding("down", "select(1)", "Select", show=False),
    ]
    TITLE: ClassVar[str] = "Signals"
    #: Live updates paused: the subtitle says so (bound from `SignalPanes.paused`).
    paused: var[bool] = var(False)
    #: The empty state: what to add to warroom.toml. Shown when nothing of this kind is configured.
    EMPTY: ClassVar[str] = ""
    #: Rows a pane is happy with when space is short (besides its border).
    MIN_ROWS: ClassVar[int] = 2
    #: Short panes worth seeing whole: they get their full height before the long ones share.
    WHOLE: ClassVar[bool] = False

    DEFAULT_CSS = """
    SourcePane {
        height: auto;
        border: round $primary 40%;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-warning;
        padding: 0 1;
        overflow: hidden hidden;
    }
    SourcePane:focus { border: heavy $primary; }
    SourcePane.-maximized { overflow-y: auto; }
    SourcePane.-empty { color: $text-muted; }
    SourcePane > .pane-empty { height: auto; color: $text-muted; }
    """

    #: The pane shows one source (`cls(info_or_None)`), not a list (`cls(infos)`).
    ONE_SOURCE: ClassVar[bool] = False

    @classmethod
    def for_sources(cls, sources: list[SourceInfo], *, id: str | None = None) -> SourcePane:
        """The pane for these sources (none: the pane that says how to configure its kind)."""
        if cls.ONE_SOURCE:
            return cls(sources[0] if sources else None, id=id)  # type: ignore[arg-type]
        return cls(sources, id=id)

    def __init__(
        self, sources: Iterable[SourceInfo] = (), *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.sources: list[SourceInfo] = list(sources)
        self.updates: dict[str, SourceUpdate] = {}
        self._subtitle_text = ""
        self._wanted = 1  # ordinary rows
        self._most = 1  # ordinary and detail rows
        self._now: datetime | None = None
        #: The selected row's key (`Pick.key`) and the selectable rows on screen, in order.
        self.selected_key: str | None = None
        self._picks: list[Pick] = []
        # Titles are Content, not str: a str title is parsed as markup (names come from config).
        self.border_title = Content(self.TITLE)

    # --- composition -------------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.sources]

    @property
    def configured(self) -> bool:
        return bool(self.sources)

    def compose(self) -> ComposeResult:
        if not self.configured:
            self.add_class("-empty")
            self.border_title = Content(f"{self.TITLE} · not configured")
            yield Static(Content(self.EMPTY), classes="pane-empty", markup=False)
            return
        yield RowList(classes="pane-rows")

    @property
    def row_list(self) -> RowList:
        return self.query_one(".pane-rows", RowList)

    # --- feeding -----------------------------------------------------------------------------

    def show(self, update: SourceUpdate, now: datetime) -> None:
        """A new poll result for one of this pane's sources."""
        self.updates[update.key] = update
        self.received(update, now)
        self.redraw(now)

    def received(self, update: SourceUpdate, now: datetime) -> None:
        """Hook: remember history (sparklines, trackers) once per new result."""

    def tick(self, now: datetime) -> None:
        """Once a second: ages and staleness move on."""
        if self.configured:
            self.redraw(now)

    def watch_paused(self) -> None:
        self._subtitle()

    def _subtitle(self) -> None:
        """Paused, and whether what this pane sees is being recorded (a locked database...)."""
        notes = ["⏸ PAUSED"] if self.paused else []
        errors = [u.record_error for u in self.updates.values() if u.record_error]
        if errors:
            notes.append(f"⚠ not recorded: {untrusted(errors[0], 80)}")
        text = " · ".join(notes)
        if text != self._subtitle_text:
            self._subtitle_text = text
            self.border_subtitle = Content(text)

    def redraw(self, now: datetime) -> None:
        self._now = now
        if not self.configured or not self.is_mounted or hidden(self):
            return
        rows = self.rows(now)
        self._most = len(rows)
        self._wanted = sum(1 for r in rows if not isinstance(r, Detail))
        # Only the rows that fit are widgets: a row clipped out of sight that changes would make
        # Textual rebuild its whole map every frame. Zoomed, every row shows, details too; with
        # room to spare (SignalPanes gives it out), details fill it.
        shown = choose_rows(rows, self.rows_that_fit())
        self._picks = [r for r in shown if isinstance(r, Pick)]
        selected = self.selected_pick() if self.has_focus else None
        self.row_list.set_rows(
            [r.content.stylize(SELECTED_STYLE) if r is selected else row_content(r) for r in shown]  # type: ignore[union-attr]
        )
        self._subtitle()

    # --- selection (key mode: Up/Down select, `y` copies) -----------------------------------

    def selected_pick(self) -> Pick | None:
        """The selected row among those on screen: the one chosen with Up/Down, else the first."""
        if not self._picks:
            return None
        for pick in self._picks:
            if pick.key == self.selected_key:
                return pick
        return self._picks[0]

    def action_select(self, step: int) -> None:
        """Move the selection `step` rows among the selectable rows on screen."""
        current = self.selected_pick()
        if current is None:
            return
        index = max(0, min(len(self._picks) - 1, self._picks.index(current) + step))
        self.selected_key = self._picks[index].key
        self._repaint_selection()

    def copy_item(self) -> Copyable | None:
        """What `y` copies: the selected row's item (None: this pane has nothing to copy)."""
        pick = self.selected_pick()
        return pick.copy if pick is not None else None

    def _repaint_selection(self) -> None:
        if self._now is not None:
            self.redraw(self._now)

    # The selection shows only while the pane has the focus (`has_focus` is set by Textual's
    # own handler, which may run after these: repaint once it has).
    def on_focus(self, event: Any) -> None:
        self.call_later(self._repaint_selection)

    def on_blur(self, event: Any) -> None:
        self.call_later(self._repaint_selection)

    def rows_that_fit(self) -> int | None:
        """How many rows the pane can show now (None: no limit, zoomed); before its first
        layout, its ordinary rows."""
        if self.has_class("-maximized"):
            return None
        if self.size.height <= 0:
            return self._wanted
        return max(1, self.size.height - self.extra_rows())  # size is the content area

    def extra_rows(self) -> int:
        """Rows the pane shows besides its row list (a command's output)."""
        return 0

    def on_resize(self) -> None:
        if self._now is not None:
            self.redraw(self._now)

    def on_show(self) -> None:
        if self._now is not None:
            self.redraw(self._now)

    def rows(self, now: datetime) -> Sequence[Row]:
        """Every row in order; `Detail` rows show only when there is room for them."""
        raise NotImplementedError

    # --- sizing (SignalPanes shares the height out) -------------------------------------------

    def wanted_rows(self) -> int:
        """Content rows this pane would use with unlimited space."""
        if not self.configured:
            return self.EMPTY.count("\n") + 1
        return max(1, self._wanted)

    def most_rows(self) -> int:
        """Content rows with every detail shown: what a tall terminal can give this pane."""
        return self.wanted_rows() + (self._most - self._wanted if self.configured else 0)

    def min_rows(self) -> int:
        return min(self.MIN_ROWS, self.wanted_rows())

    # --- pinning -----------------------------------------------------------------------------

    def pin_text(self, key: str) -> str:
        """What `/pin` records for one source: its snapshot's `as_text()` (what `warroom snapshot`
        prints), else the rows as shown. Panes add what only they know (a probe's state)."""
        update = self.updates.get(key)
        if update is not None:
            return update.snapshot.as_text()
        return "\n".join(self.row_list.texts) if self.configured else ""
