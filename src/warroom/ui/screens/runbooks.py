"""The runbook screen: search the runbooks, read one, tick its checklist (`r`, `/runbook [QUERY]`).

It opens in typing mode: the search box has the focus and everything typed is a search word
(Up/Down move through the matches meanwhile), so no word typed can tick anything. Only Esc
leaves the box for the keys: Up/Down or a click pick a runbook, Tab moves to its checklist
items, Space or Enter (or a click) ticks or unticks the focused one, `/` searches again, Esc
goes back to the war room. A letter that is not a key goes back into the search box.

Runbooks come from the shipped folder and `[runbooks] paths` (`runbooks.load_library`), read in
a worker thread. A file that cannot be read is listed as a problem (file and line) under the
list; the others still load. Each tick is a `runbook.checked` event; what is ticked is read from
the record (`domain.runbook_checks`), so ticks made on another screen or by another process
appear as soon as the war room's follower reads them (`app.incident`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.runbook_checks import Checks, apply_checks, ticked_count
from warroom.domain.runbook_match import search
from warroom.runbooks import RunbookLibrary, checklist_items
from warroom.sanitize import clean
from warroom.ui.widgets.runbook_view import ChecklistRow, RunbookView

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState
    from warroom.runbooks import Runbook
    from warroom.ui.host import WarRoomHost


class SearchInput(Input):
    """The search box. While it has the focus everything typed is a search word: Tab does not
    leave it, Up/Down move the list's highlight, and only Esc leaves (the screen's binding)."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("down", "move(1)", "Next", show=False),
        Binding("tab,shift+tab", "stay", show=False),
    ]

    def action_move(self, step: int) -> None:
        screen = self.screen
        if isinstance(screen, RunbookScreen):
            screen.move_highlight(step)

    def action_stay(self) -> None:
        """Tab stays in the box: only Esc leaves typing mode."""


class RunbookScreen(Screen[None]):
    """Search, read and tick the runbooks for the incident on screen."""

    DEFAULT_CSS = """
    RunbookScreen { layout: vertical; }
    RunbookScreen #runbook-title { height: 1; background: $panel; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    RunbookScreen #runbook-search { height: 3; }
    RunbookScreen #runbook-body { height: 1fr; }
    RunbookScreen #runbook-side { width: 40%; max-width: 60; }
    RunbookScreen #runbook-list { height: 1fr; }
    RunbookScreen #runbook-problems { height: auto; max-height: 6; color: $text-warning; padding: 0 1; }
    RunbookScreen #runbook-view { border-left: vkey $panel-lighten-2; }
    RunbookScreen #runbook-status { height: auto; max-height: 3; padding: 0 1; }
    RunbookScreen #runbook-status.-error { color: $text-error; }
    """
    BINDINGS = [
        Binding("escape", "leave", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
    ]

    def __init__(
        self, query: str = "", *, select: str | None = None, name: str | None = None, id: str | None = None
    ) -> None:
        """`query`: the search box's first words; `select`: the file name of the runbook to show
        first (the one the war room suggests)."""
        super().__init__(name=name, id=id)
        self.query_text = query
        self.select = select
        self.library: RunbookLibrary | None = None
        self.matches: list[Runbook] = []
        #: (runbook file, item) -> ticked, folded from the record; `_seen_id` is the last event read.
        self.checks: Checks = {}
        self._seen_id = 0
        self._shown: Runbook | None = None

    @property
    def wapp(self) -> WarRoomHost:
        return self.app  # type: ignore[return-value]

    # --- composition -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Content("Runbooks"), id="runbook-title")
        yield SearchInput(
            self.query_text,
            placeholder="search: title, alert, probe, service or any word (Esc for the keys)",
            id="runbook-search",
        )
        with Horizontal(id="runbook-body"):
            with Vertical(id="runbook-side"):
                yield OptionList(id="runbook-list")
                yield Static("", id="runbook-problems", markup=False)
            yield RunbookView(id="runbook-view")
        yield Static(Content("loading the runbooks…"), id="runbook-status")
        yield Footer()

    def on_mount(self) -> None:
        self.search_box.focus()  # typing mode: what is typed first is a search word
        state = getattr(self.app, "incident", None)
        if state is not None:
            self._follow(state)
        if hasattr(type(self.app), "incident"):
            self.watch(self.app, "incident", self._follow, init=False)
        self._load()

    @property
    def search_box(self) -> SearchInput:
        return self.query_one("#runbook-search", SearchInput)

    @property
    def view(self) -> RunbookView:
        return self.query_one("#runbook-view", RunbookView)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#runbook-list", OptionList)

    @work(exclusive=True, group="runbooks-load")
    async def _load(self) -> None:
        """Read the runbook files in a thread: the UI loop never waits on the disk."""
        from warroom.runbooks import load_library

        config = getattr(self.app, "config", None)
        paths = tuple(getattr(getattr(config, "runbooks", None), "paths", ()) or ())
        library = await asyncio.to_thread(load_library, paths)
        if not self.is_attached:
            return  # closed (Esc) while the files were read
        self.library = library
        problems = self.library.problems
        if problems:
            lines = [f"⚠ {len(problems)} runbook problem{'s' if len(problems) != 1 else ''}:"]
            lines += [clean(p, cap=300) for p in problems]
            self.query_one("#runbook-problems", Static).update(Content("\n".join(lines)))
            self.query_one("#runbook-problems", Static).tooltip = "\n".join(clean(p, cap=1000) for p in problems)
        self._status(self._readiness())
        await self._refilter()
        chosen = next((n for n, b in enumerate(self.matches) if b.file == self.select), None)
        if chosen:
            self.option_list.highlighted = chosen
            await self._show(self.matches[chosen])

    def _readiness(self) -> str:
        count = len(self.library.books) if self.library else 0
        why = self._why_not_tick()
        tail = f" · {why}" if why else " · Esc, then Tab to an item and Space ticks it"
        return f"{count} runbooks{tail}"

    # --- search and list ---------------------------------------------------------------------

    @on(Input.Changed, "#runbook-search")
    async def _query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        await self._refilter()

    async def _refilter(self) -> None:
        if self.library is None:
            return
        self.matches = search(self.query_text, self.library.books)
        options = self.option_list
        options.clear_options()
        options.add_options([Option(self._option(book), id=f"rb-{n}") for n, book in enumerate(self.matches)])
        if self.matches:
            options.highlighted = 0
        await self._show(self.matches[0] if self.matches else None)
        count = len(self.matches)
        total = len(self.library.books)
        word = f"“{clean(self.query_text, cap=60)}”: " if self.query_text.strip() else ""
        self.query_one("#runbook-title", Static).update(Content(f"Runbooks · {word}{count} of {total}"))

    def _option(self, book: Runbook) -> Content:
        items = [i.text for i in checklist_items(book.text)]
        ticks = f" · {ticked_count(self.checks, book.file, items)}/{len(items)} ☑" if items else ""
        origin = "" if book.origin == "shipped" else f"\n  from {book.origin}"
        return Content.assemble(
            (clean(book.title, cap=120), "bold"),
            ticks,
            (f"\n  {clean(book.covers(), cap=200)}", "$text-muted"),
            (clean(origin, cap=300, keep_newlines=True), "$text-muted italic"),
        )

    def move_highlight(self, step: int) -> None:
        options = self.option_list
        if not self.matches:
            return
        current = options.highlighted if options.highlighted is not None else -step
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    @on(OptionList.OptionHighlighted, "#runbook-list")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if 0 <= index < len(self.matches) and self.matches[index] is not self._shown:
            await self._show(self.matches[index])

    @on(OptionList.OptionSelected, "#runbook-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        rows = self.view.rows
        if rows:
            rows[0].focus()

    async def _show(self, book: Runbook | None) -> None:
        self._shown = book
        await self.view.show(book, self.checks)

    # --- ticks -------------------------------------------------------------------------------

    def _follow(self, state: IncidentState | None) -> None:
        """New events of the incident (this screen's, another screen's, another process's):
        fold the new runbook ticks in and show them."""
        if state is None:
            return
        new = []
        for event in reversed(state.events):
            if (event.id or 0) <= self._seen_id:
                break
            new.append(event)
        if not new:
            return
        new.reverse()
        self._seen_id = max(self._seen_id, max(e.id or 0 for e in new))
        if any(e.kind == Kind.RUNBOOK_CHECKED for e in new):
            apply_checks(self.checks, new)
            self._show_ticks()

    def _show_ticks(self) -> None:
        if not self.is_attached:
            return
        self.view.show_checks(self.checks)
        options = self.option_list
        for n, book in enumerate(self.matches):
            if n < options.option_count:
                options.replace_option_prompt_at_index(n, self._option(book))

    def _why_not_tick(self) -> str | None:
        from warroom.services.command_line import refusal

        app: Any = self.app
        config = getattr(app, "config", None)
        readonly = bool(getattr(getattr(config, "ui", None), "readonly", False))
        refused = refusal(readonly, getattr(app, "read_only", None), getattr(app, "db_path", ""))
        if refused:
            return f"ticks are off: {refused}"
        if getattr(app, "incident_id", None) is None or getattr(app, "store", None) is None:
            return "ticks are off: no incident is open (a tick is recorded on the incident)"
        return None

    @on(ChecklistRow.Toggled)
    def _toggle(self, message: ChecklistRow.Toggled) -> None:
        why = self._why_not_tick()
        book = self.view.book
        if why or book is None:
            self._status(why or "no runbook shown", error=True)
            return
        self._record(book, message.row.item.text, not message.row.checked)

    @work(group="runbook-tick")
    async def _record(self, book: Runbook, item: str, checked: bool) -> None:
        app = self.wapp
        payload = catalogue.runbook_checked(runbook=book.title, file=book.file, item=item, checked=checked)
        incident_id: int = getattr(app, "incident_id")  # noqa: B009 (the host's, typed loosely)
        self._status("saving…")
        try:
            event = await app.store.append(incident_id, Kind.RUNBOOK_CHECKED, payload, actor=app.actor, at=app.clock())
        except Exception as exc:  # a locked database, a full disk: say so; nothing is ticked
            self._status(f"NOT SAVED: {clean(str(exc), cap=300)}: the item is unchanged", error=True)
            return
        mark = "☑ ticked" if checked else "☐ unticked"
        self._status(f"saved #{getattr(event, 'id', '?')} · {mark}: {clean(item, cap=120)}")
        if event is not None and self.is_attached:
            apply_checks(self.checks, [event])
            self._show_ticks()
        follower = getattr(app, "follower", None)
        if follower is not None:
            follower.poke()  # the war room's timeline and every screen read it now

    # --- keys --------------------------------------------------------------------------------

    def _status(self, text: str, *, error: bool = False) -> None:
        if not self.is_attached:
            return  # a tick saved after the screen was closed: the timeline says it
        status = self.query_one("#runbook-status", Static)
        status.update(Content(clean(text, cap=400)))
        status.set_class(error, "-error")

    def action_leave(self) -> None:
        """Esc: from the search box to the keys (the list); from the keys back to the war room."""
        if self.search_box.has_focus:
            self.option_list.focus()
        else:
            self.dismiss()

    def action_search(self) -> None:
        self.search_box.focus()

    def on_key(self, event: events.Key) -> None:
        """In key mode a printable key that is not one of the screen's goes back into the
        search box (typing mode again), with its character, instead of being dropped."""
        box = self.search_box
        if box.has_focus or not event.is_printable or event.character is None:
            return
        if event.key in {"space", "slash", "enter", "tab"}:
            return
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)
