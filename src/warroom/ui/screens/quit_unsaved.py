"""Quitting with text that is not in the database asks first: write it to a file, drop it, or stay.

Shown by `WarRoomApp.request_quit` when a note failed to save (NOT SAVED), one is still saving,
or the command line holds half-typed text. Cancel has the focus, and no letter answers it: a
word typed a moment too late cannot throw the text away.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from warroom.sanitize import clean
from warroom.unsaved import Unsaved

#: What the dialog dismisses with (None is Cancel).
WRITE = "write"
DISCARD = "discard"

PREVIEW_CHARS = 70


def describe_unsaved(items: Sequence[Unsaved]) -> Text:
    """One line per piece of text: its state and its first words."""
    text = Text()
    for item in items:
        first = clean(item.text.replace("\n", " ⏎ "), cap=PREVIEW_CHARS)
        text.append(f"• {item.state}: ", style="bold")
        text.append(first + "\n")
    return text


class QuitUnsavedScreen(ModalScreen[str | None]):
    """Dismisses WRITE, DISCARD, or None (Cancel, Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    QuitUnsavedScreen { align: center middle; }
    QuitUnsavedScreen > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%; padding: 1 1;
        background: $panel; border: thick $warning;
    }
    QuitUnsavedScreen #quit-question { width: 1fr; margin-bottom: 1; text-style: bold; }
    QuitUnsavedScreen #quit-items { width: 1fr; max-height: 10; }
    QuitUnsavedScreen Horizontal { height: auto; align-horizontal: right; }
    /* One line each, so all three fit from 60 columns up; the focused one (Cancel) in reverse. */
    QuitUnsavedScreen Button { margin-left: 1; min-width: 0; }
    QuitUnsavedScreen Button:focus { text-style: bold reverse; }
    QuitUnsavedScreen #quit-where { margin-bottom: 1; }
    """

    def __init__(self, items: Sequence[Unsaved], where: str) -> None:
        """`where`: the file it would write (shown, so the person knows where to look)."""
        super().__init__()
        self.items = list(items)
        self.where = where

    def compose(self) -> ComposeResult:
        count = len(self.items)
        with Vertical():
            yield Static(
                Text(
                    f"Quit? {count} piece{'s' if count != 1 else ''} of text {'are' if count != 1 else 'is'} "
                    "not in the database:"
                ),
                id="quit-question",
            )
            yield Static(describe_unsaved(self.items), id="quit-items")
            yield Static(Text(f"Write to file: {self.where} (only you can read it)"), id="quit-where")
            with Horizontal():
                yield Button(Text("Write to file and quit"), id="quit-write", variant="primary", compact=True)
                yield Button(Text("Quit without saving"), id="quit-discard", variant="error", compact=True)
                yield Button(Text("Cancel"), id="quit-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#quit-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss({"quit-write": WRITE, "quit-discard": DISCARD}.get(event.button.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
