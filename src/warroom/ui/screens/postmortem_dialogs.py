"""The postmortem panel's two dialogs: a section's text editor, and an action item's fields.

Both open in typing mode: the focus is in the text, everything typed is text, and only Esc
leaves it (for the Save and Close buttons; Tab indents in the editor, moves between fields in
the item form). Ctrl+S or the Save button saves: a record write, so nothing asks first. A save
that fails (a read-only copy, a bad date) keeps the dialog open with the text and the reason.
Closing without saving hands the typed text back to the panel, which keeps it as a draft (the
next `e` or `a` reopens it, and quitting asks about it): typed text is never dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from warroom.ui.screens.draft import DraftEditor
from warroom.unsaved import Unsaved

#: What a dialog's save does: None when saved, else the one-line reason it was not.
SectionSaver = Callable[[str], Awaitable[str | None]]
ItemFields = tuple[str, str, str, str]
ItemSaver = Callable[[ItemFields], Awaitable[str | None]]

_DIALOG_CSS = """
    {name} {{ align: center middle; background: $background 60%; }}
    {name} #pm-dialog {{
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }}
    {name} .pm-dialog-title {{ text-style: bold; height: 1; }}
    {name} .pm-dialog-hint {{ color: $text-muted; height: auto; max-height: 3; }}
    {name} #pm-dialog-error {{ color: $text-error; height: auto; }}
    {name} #pm-dialog-buttons {{ height: 3; align-horizontal: right; }}
    {name} #pm-dialog-buttons Button {{ margin-left: 1; min-width: 10; }}
"""


class SectionEditor(ModalScreen[str | None]):
    """Edit one section's text. Dismissed with None when saved (or nothing changed), else with the
    typed text for the panel to keep as a draft."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="SectionEditor") + "SectionEditor #pm-editor { height: 12; min-height: 4; }\n"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", key_display="^s", priority=True),
        Binding("escape", "leave", "Keys / Close"),
    ]

    def __init__(self, title: str, hint: str, text: str, saved: str, saver: SectionSaver) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.start_text = text
        #: The text the record has (closing with this text keeps no draft).
        self.saved = saved
        self.saver = saver
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="pm-dialog"):
            yield Static(self.title_text, classes="pm-dialog-title", markup=False)
            yield Static(self.hint, classes="pm-dialog-hint", markup=False)
            yield DraftEditor(self.start_text, id="pm-editor", soft_wrap=True, tab_behavior="indent")
            yield Static("", id="pm-dialog-error", markup=False)
            with Horizontal(id="pm-dialog-buttons"):
                yield Button("Save (^s)", id="pm-save", variant="primary")
                yield Button("Close", id="pm-close")

    def on_mount(self) -> None:
        editor = self.editor
        editor.move_cursor(editor.document.end)
        editor.focus()  # typing mode: what is typed first is text

    @property
    def editor(self) -> TextArea:
        return self.query_one("#pm-editor", TextArea)

    def unsaved_text(self) -> list[Unsaved]:
        """The typed text while it differs from the record's (the quitting flow asks about it)."""
        text = self.editor.text.strip()
        if text and text != self.saved.strip():
            return [Unsaved(f"NOT SAVED: postmortem {self.title_text}", text)]
        return []

    def action_leave(self) -> None:
        """Esc: from the text to the buttons (key mode); from the buttons, close."""
        if self.focused is self.editor:
            self.query_one("#pm-save", Button).focus()
            self._error(
                "keys: Enter on Save saves · Esc again closes (your text is kept as a draft) · e back to the text"
            )
            return
        self._close()

    def key_e(self) -> None:
        if self.focused is not self.editor:
            self.editor.focus()

    def _close(self) -> None:
        text = self.editor.text
        self.dismiss(text if text.strip() and text.strip() != self.saved.strip() else None)

    @on(Button.Pressed, "#pm-close")
    def _close_pressed(self) -> None:
        self._close()

    @on(Button.Pressed, "#pm-save")
    async def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        try:
            problem = await self.saver(self.editor.text)
        finally:
            self._saving = False
        if problem is None:
            self.dismiss(None)
        else:
            self._error(problem)

    def _error(self, text: str) -> None:
        self.query_one("#pm-dialog-error", Static).update(text)


class ActionItemDialog(ModalScreen[ItemFields | None]):
    """Add or edit an action item: text, owner, due date, type. Dismissed with None when saved
    (or left empty), else with the typed fields for the panel to keep as a draft."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ActionItemDialog") + "ActionItemDialog Input { margin: 0; }\n"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", key_display="^s", priority=True),
        Binding("escape", "leave", "Keys / Close"),
    ]

    def __init__(self, title: str, fields: ItemFields, saved: ItemFields, saver: ItemSaver) -> None:
        super().__init__()
        self.title_text = title
        self.start = fields
        self.saved = saved
        self.saver = saver
        self._saving = False

    def compose(self) -> ComposeResult:
        text, owner, due, kind = self.start
        with Vertical(id="pm-dialog"):
            yield Static(self.title_text, classes="pm-dialog-title", markup=False)
            yield Static(
                "Assignable, scheduleable, verifiable: name the thing to change. Owner a handle, "
                "due YYYY-MM-DD, type prevent / detect / mitigate.",
                classes="pm-dialog-hint",
                markup=False,
            )
            yield Input(text, placeholder="what: e.g. Alert on payments-db pool use above 80%", id="pm-item-text")
            yield Input(owner, placeholder="owner: e.g. bob", id="pm-item-owner")
            yield Input(due, placeholder="due: YYYY-MM-DD", id="pm-item-due")
            yield Input(kind, placeholder="type: prevent, detect or mitigate", id="pm-item-type")
            yield Static("", id="pm-dialog-error", markup=False)
            with Horizontal(id="pm-dialog-buttons"):
                yield Button("Save (^s)", id="pm-save", variant="primary")
                yield Button("Close", id="pm-close")

    def on_mount(self) -> None:
        self.query_one("#pm-item-text", Input).focus()

    @property
    def fields(self) -> ItemFields:
        ids = ("#pm-item-text", "#pm-item-owner", "#pm-item-due", "#pm-item-type")
        text, owner, due, kind = (self.query_one(i, Input).value for i in ids)
        return text, owner, due, kind

    def _changed(self) -> bool:
        return any(f.strip() for f in self.fields) and tuple(f.strip() for f in self.fields) != tuple(
            f.strip() for f in self.saved
        )

    def unsaved_text(self) -> list[Unsaved]:
        """The typed fields while they differ from the record's (the quitting flow asks)."""
        if not self._changed():
            return []
        text, owner, due, kind = self.fields
        return [
            Unsaved(
                f"NOT SAVED: {self.title_text}", f"{text} (owner {owner or '-'}, due {due or '-'}, type {kind or '-'})"
            )
        ]

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter moves to the next field (typed prose never saves by itself)."""
        event.stop()
        self.focus_next()

    def action_leave(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#pm-save", Button).focus()
            self._error("keys: Enter on Save saves · Esc again closes (your text is kept as a draft)")
            return
        self._close()

    def _close(self) -> None:
        self.dismiss(self.fields if self._changed() else None)

    @on(Button.Pressed, "#pm-close")
    def _close_pressed(self) -> None:
        self._close()

    @on(Button.Pressed, "#pm-save")
    async def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        try:
            problem = await self.saver(self.fields)
        finally:
            self._saving = False
        if problem is None:
            self.dismiss(None)
        else:
            self._error(problem)

    def _error(self, text: str) -> None:
        self.query_one("#pm-dialog-error", Static).update(text)
