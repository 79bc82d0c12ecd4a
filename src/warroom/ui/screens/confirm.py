"""Ask before an effect outside the record: resolving, marking an update posted, posting to
webhooks (and, later, running a mitigation).

The dialog says exactly what will happen (`details`: the incident, the audience, where it goes,
the first line of the text) and opens with **Cancel** focused. No letter confirms it, so
someone typing prose into the wrong place cannot say yes by accident:

- Enter presses the focused button: on Cancel, it cancels;
- confirming means moving to the confirm button (Tab, ←/→) and pressing Enter, or a click;
- Esc cancels.

Untrusted parts (titles, notes, draft text, host names) are shown cleaned, as plain text.
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from warroom.sanitize import clean

CANCEL_HINT = "Enter or Esc cancels · Tab then Enter to confirm"


def first_line(text: str, cap: int = 70) -> str:
    """The first non-blank line of `text`, cleaned and cut to `cap` characters (for a summary)."""
    for line in text.splitlines():
        if line.strip():
            line = clean(line.strip(), cap=None)
            return line if len(line) <= cap else line[: cap - 1] + "…"
    return "(empty)"


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only when the confirm button is pressed; False otherwise.

    `title` is the question (`Post the internal update to 2 webhooks?`); `details` are lines
    saying what will happen; `confirm` is the confirm button's label (say the action: `Post`,
    `Mark posted`, `Resolve`); `cancel` the other one, which has the focus.
    """

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("left,right", "switch", "Switch button", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        background: $panel; border: thick $warning; overflow-y: auto;
    }
    ConfirmScreen #confirm-title { width: 1fr; text-style: bold; }
    ConfirmScreen #confirm-details { width: 1fr; margin-top: 1; }
    ConfirmScreen #confirm-hint { width: 1fr; margin-top: 1; color: $text-muted; }
    ConfirmScreen Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    def __init__(
        self,
        title: str,
        details: Iterable[str] = (),
        *,
        confirm: str = "Confirm",
        cancel: str = "Cancel",
    ) -> None:
        super().__init__()
        self.title_text = clean(title, cap=300)
        self.details = [clean(line, cap=300) for line in details]
        self.confirm_label = clean(confirm, cap=40)
        self.cancel_label = clean(cancel, cap=40)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), id="confirm-title")
            if self.details:
                yield Static(Text("\n".join(self.details)), id="confirm-details")
            yield Static(Text(CANCEL_HINT), id="confirm-hint")
            with Horizontal():
                yield Button(Text(self.cancel_label), id="cancel")
                yield Button(Text(self.confirm_label), id="confirm", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_switch(self) -> None:
        """←/→ move between the two buttons (Tab and Shift+Tab do too)."""
        cancel = self.query_one("#cancel", Button)
        (self.query_one("#confirm", Button) if cancel.has_focus else cancel).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
