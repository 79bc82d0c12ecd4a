"""The review's postmortem panel (`p` in `warroom review`): the narrative sections, the action
items and the lint, written where the record is read.

    POSTMORTEM INC-7 · title · 5 findings
    sections and items (a list)          | the selected one: its text, the template's prompt and
                                         | the "from the record" hints
    Lint: each finding with the playbook's advice (updated after every save)

Keys (the list has the focus; nothing here is typed prose): `e` (or Enter) edits the selected
section in the screen, `E` in $EDITOR (the terminal handed over through Textual's suspend),
`a` adds an action item, `e` on an item edits it, `d` marks it done, `w` writes the postmortem
to `<db folder>/INC-N-postmortem.md` (0600), `u` writes kept drafts to a file, Esc or `p` go
back to the timeline.

Saving appends the same events `warroom postmortem edit` and `warroom action` do, through
`services.postmortem_edits.PostmortemWriter`: the review stays read-only until the first edit,
which opens a write connection then (no sources, no lease, no checkpoints). A copy that cannot
be written says so here and keeps the text as a draft (quitting asks about it, `u` writes it).
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from warroom.domain.action_items import ActionItem
from warroom.domain.event_payloads import POSTMORTEM_SECTIONS, SECTION_TITLES
from warroom.domain.events import short_id
from warroom.domain.postmortem import SECTION_PROMPTS
from warroom.errors import UserError
from warroom.sanitize import clean
from warroom.services.postmortem_edits import PostmortemView, PostmortemWriter
from warroom.ui.screens.postmortem_dialogs import ActionItemDialog, ItemFields, SectionEditor
from warroom.unsaved import Unsaved

#: Hints from the record shown under these sections (the postmortem prints them there too).
_HINTED = ("went_well", "went_poorly")


def _first_line(text: str, cap: int = 70) -> str:
    line = clean(text, cap=None).strip()
    return line if len(line) <= cap else line[: cap - 1] + "…"


class PostmortemPanel(Screen[None]):
    """See the module docstring."""

    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("E", "editor", "$EDITOR"),
        Binding("a", "add_item", "Add item"),
        Binding("d", "done", "Done"),
        Binding("w", "write", "Write"),
        Binding("u", "write_unsaved", "Save drafts", show=False),
        Binding("escape", "back", "Back"),
        Binding("p", "back", "Back", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    DEFAULT_CSS = """
    PostmortemPanel { background: $background; }
    PostmortemPanel #pm-header { height: 1; background: $primary 30%; padding: 0 1; text-style: bold; }
    PostmortemPanel #pm-body { height: 1fr; }
    PostmortemPanel #pm-list { width: 1fr; height: 100%; max-height: 100%; border: round $primary 50%; text-wrap: nowrap; text-overflow: ellipsis; }
    PostmortemPanel #pm-list:focus { border: round $primary; }
    PostmortemPanel #pm-detail-box { width: 1fr; border: round $primary 50%; padding: 0 1; }
    PostmortemPanel #pm-lint-box { height: 35%; min-height: 5; border: round $warning 50%; padding: 0 1; }
    PostmortemPanel #pm-status { height: auto; max-height: 3; padding: 0 1; }
    PostmortemPanel #pm-status.-error { color: $text-error; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#pm-list"

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.view: PostmortemView | None = None
        #: Sections typed but not recorded (closed unsaved, or the database refused them).
        self.drafts: dict[str, str] = {}
        #: An item's fields typed but not recorded, by its number (0: a new item).
        self.item_drafts: dict[int, ItemFields] = {}
        self.writer: PostmortemWriter | None = None
        self.last_written: str | None = None
        #: Why the database took no edit (a read-only copy), once one was refused.
        self.refusal: str | None = None

    @property
    def rapp(self) -> Any:
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(f"POSTMORTEM {short_id(self.incident_id)} · loading…", id="pm-header", markup=False)
        with Horizontal(id="pm-body"):
            listing = OptionList(id="pm-list")
            listing.border_title = "Sections · action items"
            yield listing
            with VerticalScroll(id="pm-detail-box") as box:
                box.border_title = "Selected"
                yield Static("", id="pm-detail")
        with VerticalScroll(id="pm-lint-box") as lint_box:
            lint_box.border_title = "Lint"
            yield Static("", id="pm-lint")
        yield Static("", id="pm-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.say("read-only until you save: the first edit opens the database for writing")
        self.reload()

    # --- reading ----------------------------------------------------------------------------

    @work(exclusive=True, group="postmortem-view", exit_on_error=False)
    async def reload(self) -> None:
        """Fold the record again (a thread: a long incident takes a while) and show it."""
        from warroom.services.postmortem_edits import postmortem_view

        try:
            view = await asyncio.to_thread(
                postmortem_view, self.rapp.db_path, self.incident_id, self.rapp.clock(), self.rapp.cadence
            )
        except (UserError, OSError) as exc:
            self.say(f"could not read the postmortem: {exc}", error=True)
            return
        self.view = view
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        n = len(view.findings)
        header = Text(f"POSTMORTEM {view.state.short_id} · ")
        header.append(clean(view.state.title, cap=80))
        header.append(f" · {n} finding{'' if n == 1 else 's'}" if n else " · no findings")
        if self.refusal:
            header.append(" · NOT WRITABLE: drafts kept (u writes them to a file)", style="bold red")
        self.query_one("#pm-header", Static).update(header)
        listing = self.query_one("#pm-list", OptionList)
        keep = listing.highlighted
        options: list[Option] = []
        for section in POSTMORTEM_SECTIONS:
            options.append(Option(self._section_line(section), id=f"section:{section}"))
        options.append(Option(Text("Action items", style="bold"), id="heading", disabled=True))
        for item in view.items:
            options.append(Option(self._item_line(item), id=f"item:{item.number}"))
        if not view.items:
            options.append(Option(Text("  none yet: a adds one", style="dim"), id="none", disabled=True))
        listing.set_options(options)
        listing.highlighted = keep if keep is not None and keep < len(options) else 0
        self._show_lint()
        self._show_detail()

    def _section_line(self, section: str) -> Text:
        view = self.view
        text = view.texts.get(section, "") if view else ""
        line = Text(f"{SECTION_TITLES[section]}: ", style="bold")
        if section in self.drafts:
            line.append("(draft, not saved) ", style="bold red")
        if text:
            line.append(_first_line(text))
        elif section == "impact" and view and view.state.impact:
            line.append(_first_line(view.state.impact) + " (from the declaration)")
        elif section == "detected_by" and view and view.state.detected_by:
            line.append(_first_line(view.state.detected_by) + " (from the declaration)")
        else:
            line.append("not written yet", style="dim italic")
        line.no_wrap, line.overflow = True, "ellipsis"
        return line

    def _item_line(self, item: ActionItem) -> Text:
        mark = "☑" if item.done_at else "☐"
        line = Text(f"{item.number}. {mark} ")
        if item.number in self.item_drafts:
            line.append("(draft) ", style="bold red")
        line.append(_first_line(item.text, 50))
        extra = " · ".join(x for x in (f"@{item.owner}" if item.owner else "", item.due, item.type) if x)
        if extra:
            line.append(f" · {clean(extra, cap=60)}", style="dim")
        line.no_wrap, line.overflow = True, "ellipsis"
        return line

    def _show_lint(self) -> None:
        view = self.view
        lint = Text()
        if view is None:
            return
        if not view.findings:
            lint.append("no findings: `warroom postmortem done` can close it", style="green")
        for i, finding in enumerate(view.findings):
            if i:
                lint.append("\n")
            lint.append("• " + clean(finding.message, cap=300), style="bold")
            lint.append(" — " + clean(finding.advice, cap=300), style="dim")
        self.query_one("#pm-lint", Static).update(lint)
        box = self.query_one("#pm-lint-box")
        n = len(view.findings)
        box.border_title = f"Lint · {n} finding{'' if n == 1 else 's'}" if n else "Lint"

    def selected(self) -> tuple[str, str] | None:
        """("section", name) or ("item", number) for the highlighted row."""
        listing = self.query_one("#pm-list", OptionList)
        if listing.highlighted is None:
            return None
        option_id = listing.get_option_at_index(listing.highlighted).id or ""
        kind, _, value = option_id.partition(":")
        return (kind, value) if kind in ("section", "item") else None

    def _item(self, number: str) -> ActionItem | None:
        view = self.view
        if view is None or not number.isdigit():
            return None
        return next((i for i in view.items if i.number == int(number)), None)

    def on_option_list_option_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        view, chosen = self.view, self.selected()
        detail = Text()
        if view is not None and chosen is not None and chosen[0] == "section":
            section = chosen[1]
            detail.append(SECTION_TITLES[section] + "\n", style="bold")
            if section in self.drafts:
                detail.append("Draft (not saved):\n", style="bold red")
                detail.append(clean(self.drafts[section], cap=None, keep_newlines=True) + "\n\n")
            text = view.texts.get(section)
            if text:
                detail.append(clean(text, cap=None, keep_newlines=True) + "\n")
            else:
                prompt = SECTION_PROMPTS[section] if SECTION_PROMPTS[section] != "…" else ""
                detail.append(f"Not written yet. {prompt}".strip() + "\n", style="dim italic")
            hints = view.went_well if section == "went_well" else view.went_poorly if section == "went_poorly" else ()
            if hints:
                detail.append("\nFrom the record:\n", style="bold")
                for hint in hints:
                    detail.append(f"- {clean(hint, cap=400)}\n")
            detail.append("\ne edits here · E in $EDITOR", style="dim")
        elif view is not None and chosen is not None:
            item = self._item(chosen[1])
            if item is not None:
                detail.append(f"Action {item.number}" + (" (done)" if item.done_at else "") + "\n", style="bold")
                detail.append(clean(item.text, cap=None) + "\n")
                detail.append(f"owner: {'@' + item.owner if item.owner else '(none)'}\n")
                detail.append(f"due:   {item.due or '(none)'}\ntype:  {item.type or '(none)'}\n")
                detail.append("\ne edits · d marks done · a adds", style="dim")
        self.query_one("#pm-detail", Static).update(detail)

    # --- writing ----------------------------------------------------------------------------

    #: The panel's keys that record (absent from a `warroom review --readonly`).
    WRITING_ACTIONS = frozenset({"edit", "editor", "add_item", "done"})

    def _viewing_only(self) -> bool:
        return bool(getattr(self.app, "readonly", False))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`warroom review --readonly`: the keys that record are not offered at all."""
        return not (action in self.WRITING_ACTIONS and self._viewing_only())

    def _writer(self) -> PostmortemWriter:
        if self._viewing_only():  # no write connection is ever opened by a read-only review
            raise UserError("read-only review (--readonly): nothing recorded")
        if self.writer is None:
            from warroom.services.actor import acting_name

            self.writer = PostmortemWriter(self.rapp.db_path, self.incident_id, acting_name())
        return self.writer

    async def _write(self, call: Any, *args: Any) -> Any:
        """Run one writer call in a thread (the loop never waits on SQLite)."""
        writer = self._writer()
        return await asyncio.to_thread(call, writer, *args)

    async def save_section(self, section: str, text: str) -> str | None:
        """The editor's save: None when recorded (or nothing to record), else why not."""
        try:
            said = await self._write(PostmortemWriter.save_section, section, text, self.rapp.clock())
        except (UserError, ValueError, OSError) as exc:
            self.drafts[section] = text
            return self._refused(exc)
        self.drafts.pop(section, None)
        self.say(f"{short_id(self.incident_id)} postmortem: {said}")
        self.reload()
        return None

    def _refused(self, exc: BaseException) -> str:
        from warroom.services.postmortem_edits import NotWritable

        if isinstance(exc, NotWritable):
            self.refusal = str(exc)
        said = f"{clean(str(exc), cap=300)}; your text is kept (u writes it to a file)"
        self.say(said, error=True)
        return said

    def action_edit(self) -> None:
        chosen = self.selected()
        if chosen is None or self.view is None:
            return
        if chosen[0] == "item":
            self._edit_item(chosen[1])
            return
        section = chosen[1]
        saved = self.view.texts.get(section, "")
        text = self.drafts.get(section, saved)
        title = f"{SECTION_TITLES[section]} · {short_id(self.incident_id)}"
        hint = f"{SECTION_PROMPTS[section]}  Ctrl+S saves · Esc leaves the text for the buttons"

        async def saver(typed: str) -> str | None:
            return await self.save_section(section, typed)

        def closed(kept: str | None) -> None:
            if kept is not None:
                self.drafts[section] = kept
                why = f"{clean(self.refusal, cap=200)}; " if self.refusal else ""
                self.say(f"{why}{SECTION_TITLES[section]}: your text is kept as a draft (e reopens it)", bool(why))
            self._show()

        self.app.push_screen(SectionEditor(title, hint, text, saved, saver), closed)

    def action_editor(self) -> None:
        """E: the selected section in $EDITOR, the terminal handed over (Textual's suspend)."""
        chosen = self.selected()
        if chosen is None or chosen[0] != "section" or self.view is None:
            self.say("E edits a section in $EDITOR: pick a section first")
            return
        section = chosen[1]
        current = self.drafts.get(section, self.view.texts.get(section, ""))
        from textual.app import SuspendNotSupported

        from warroom.services.postmortem_edits import edit_in_editor

        try:
            with self.app.suspend():
                text, status = edit_in_editor(current, section)
        except SuspendNotSupported:
            self.say("this terminal cannot be handed to $EDITOR: e edits here", error=True)
            return
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        if text is None:
            self.say(f"$EDITOR exited with status {status}: nothing recorded", error=True)
            return
        self._save_from_editor(section, text)

    @work(exclusive=False, group="postmortem-save", exit_on_error=False)
    async def _save_from_editor(self, section: str, text: str) -> None:
        await self.save_section(section, text)
        self._show()

    def _fields_of(self, item: ActionItem | None) -> ItemFields:
        if item is None:
            return "", "", "", ""
        return item.text, item.owner, item.due, item.type

    def action_add_item(self) -> None:
        self._item_dialog(None)

    def _edit_item(self, number: str) -> None:
        item = self._item(number)
        if item is not None:
            self._item_dialog(item)

    def _item_dialog(self, item: ActionItem | None) -> None:
        key = item.number if item else 0
        saved = self._fields_of(item)
        fields = self.item_drafts.get(key, saved)
        title = f"Action {item.number} · edit" if item else f"New action item · {short_id(self.incident_id)}"

        async def saver(typed: ItemFields) -> str | None:
            try:
                if item is None:
                    done = await self._write(PostmortemWriter.add_item, *typed, self.rapp.clock())
                    said = f"action {done.number} added"
                else:
                    await self._write(PostmortemWriter.edit_item, item, *typed, self.rapp.clock())
                    said = f"action {item.number} changed"
            except ValueError as exc:  # the catalogue's sentence: bad date, type, owner, empty text
                return clean(str(exc), cap=300)
            except (UserError, OSError) as exc:
                self.item_drafts[key] = typed
                return self._refused(exc)
            self.item_drafts.pop(key, None)
            self.say(f"{short_id(self.incident_id)} {said}")
            self.reload()
            return None

        def closed(kept: ItemFields | None) -> None:
            if kept is not None:
                self.item_drafts[key] = kept
                self.say("the item's fields are kept as a draft (" + ("e" if item else "a") + " reopens them)")
            self._show()

        self.app.push_screen(ActionItemDialog(title, fields, saved, saver), closed)

    async def action_done(self) -> None:
        chosen = self.selected()
        item = self._item(chosen[1]) if chosen and chosen[0] == "item" else None
        if item is None:
            self.say("d marks an action item done: pick one in the list")
            return
        try:
            done, recorded = await self._write(PostmortemWriter.mark_done, item.number, self.rapp.clock())
        except (UserError, ValueError, OSError) as exc:
            self.say(clean(str(exc), cap=300), error=True)
            return
        if recorded:
            self.say(f"{short_id(self.incident_id)} action {item.number} done: {clean(done.text, cap=100)}")
        else:
            self.say(f"action {item.number} was already done; nothing recorded")
        self.reload()

    async def action_write(self) -> None:
        """w: the postmortem Markdown beside the database (0600), as `warroom postmortem` prints it."""
        from warroom.services.postmortem_edits import postmortem_document, write_postmortem_file

        view = self.view
        if view is None:
            return
        text = postmortem_document(view.state, self.rapp.clock(), self.rapp.cadence)
        try:
            path = await asyncio.to_thread(write_postmortem_file, self.rapp.db_path, self.incident_id, text)
        except OSError as exc:
            self.say(f"could not write the postmortem beside the database: {exc.strerror or exc}", error=True)
            return
        self.last_written = str(path)
        self.say(f"postmortem written to {path}")

    async def action_write_unsaved(self) -> None:
        """u: the drafts the database did not take, to a 0600 file beside it (as the war room does)."""
        from warroom.services.actor import acting_name
        from warroom.unsaved import write_unsaved

        items = self.unsaved_text()
        if not items:
            self.say("no drafts to write: everything typed is in the record")
            return
        try:
            actor = acting_name()
        except UserError:
            actor = "unknown"
        try:
            path = await asyncio.to_thread(
                write_unsaved,
                items,
                db_path=self.rapp.db_path,
                now=self.rapp.clock(),
                actor=actor,
                incident=short_id(self.incident_id),
            )
        except OSError as exc:
            self.say(f"could not write the drafts anywhere: {exc}", error=True)
            return
        self.say(f"{len(items)} draft{'s' if len(items) != 1 else ''} written to {path} (still kept here)")

    def unsaved_text(self) -> list[Unsaved]:
        """Drafts not in the database (the app's quitting flow asks about them)."""
        out = [
            Unsaved(f"NOT SAVED: postmortem {SECTION_TITLES[s]} ({short_id(self.incident_id)})", text)
            for s, text in self.drafts.items()
            if text.strip()
        ]
        for number, (text, owner, due, kind) in self.item_drafts.items():
            what = f"action {number}" if number else "new action item"
            out.append(
                Unsaved(f"NOT SAVED: {what}", f"{text} (owner {owner or '-'}, due {due or '-'}, type {kind or '-'})")
            )
        return out

    def action_back(self) -> None:
        self.app.pop_screen()

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#pm-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    async def on_unmount(self) -> None:
        if self.writer is not None:
            await asyncio.to_thread(self.writer.close)
