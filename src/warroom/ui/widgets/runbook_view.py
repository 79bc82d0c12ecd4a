"""One runbook on screen: its markdown, with each `- [ ]` checklist item a row that can be ticked.

The body is split (`runbooks.checklist_segments`) into markdown chunks, drawn by Textual's
`Markdown` widget (a local runbook file; links are not opened), and `ChecklistRow`s. A row is
ticked on Space or Enter while it has the focus, or on a click: it only asks
(`ChecklistRow.Toggled`); the screen records the event, and the row shows the record's state
(`RunbookView.show_checks`), never its own guess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Markdown, Static

from warroom.domain.runbook_checks import Checks, item_key
from warroom.runbooks import ChecklistItem, checklist_segments
from warroom.sanitize import clean

if TYPE_CHECKING:
    from warroom.runbooks import Runbook

TICKED = "☑"
UNTICKED = "☐"


def inline_content(text: str) -> Content:
    """An item's words with its `code` spans styled, built as Content (never parsed as markup)."""
    parts: list[str | tuple[str, str]] = []
    for n, piece in enumerate(clean(text, cap=2000).split("`")):
        if piece:
            parts.append((piece, "bold $text-accent") if n % 2 else piece)
    return Content.assemble(*parts)


class ChecklistRow(Static, can_focus=True):
    """`☐ Check the deploys pane for a suspect`: Space, Enter or a click asks to tick it."""

    DEFAULT_CSS = """
    ChecklistRow { height: auto; padding: 0 1 0 2; }
    ChecklistRow:focus { background: $accent 30%; text-style: bold; }
    ChecklistRow.-checked { color: $text-muted; }
    """
    BINDINGS = [
        Binding("space", "tick", "Tick", key_display="space"),
        Binding("enter", "tick", "Tick", show=False),
    ]

    class Toggled(Message):
        """The person asked to tick (or untick) this item."""

        def __init__(self, row: ChecklistRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, item: ChecklistItem, checked: bool = False, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.item = item
        self.checked = checked
        self._draw()

    def set_checked(self, checked: bool) -> None:
        if checked != self.checked:
            self.checked = checked
            self._draw()

    def _draw(self) -> None:
        mark = TICKED if self.checked else UNTICKED
        self.update(Content.assemble((f"{mark} ", "bold"), inline_content(self.item.text)))
        self.set_class(self.checked, "-checked")

    def action_tick(self) -> None:
        self.post_message(self.Toggled(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.post_message(self.Toggled(self))


class RunbookView(VerticalScroll, can_focus=False):
    """The selected runbook: a heading line (what it covers, where it came from), then its body."""

    DEFAULT_CSS = """
    RunbookView { height: 1fr; padding: 0 1; }
    RunbookView #runbook-meta { color: $text-muted; height: auto; padding: 0 1; }
    RunbookView Markdown { margin: 0; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.book: Runbook | None = None

    @property
    def rows(self) -> list[ChecklistRow]:
        return list(self.query(ChecklistRow))

    async def show(self, book: Runbook | None, checks: Checks) -> None:
        """Draw `book` (None: a line saying there is nothing to show) with its ticks."""
        self.book = book
        await self.remove_children()
        if book is None:
            await self.mount(Static(Content("No runbook matches: change the search."), id="runbook-meta"))
            return
        where = "shipped with warroom" if book.origin == "shipped" else f"from {book.origin}"
        if book.replaces is not None:
            where += f" (replaces {book.replaces})"
        meta = Content(clean(f"{book.covers()}\n{book.file} · {where}", cap=2000, keep_newlines=True))
        widgets: list[Static | Markdown] = [Static(meta, id="runbook-meta")]
        for segment in checklist_segments(book.text):
            if isinstance(segment, ChecklistItem):
                checked = checks.get(item_key(book.file, segment.text), False)
                widgets.append(ChecklistRow(segment, checked, classes="checklist-row"))
            else:
                widgets.append(Markdown(segment, open_links=False))
        await self.mount_all(widgets)
        self.scroll_home(animate=False)

    def show_checks(self, checks: Checks) -> None:
        """Show the record's ticks (after any event, from this screen or another process)."""
        if self.book is None:
            return
        for row in self.rows:
            row.set_checked(checks.get(item_key(self.book.file, row.item.text), False))
