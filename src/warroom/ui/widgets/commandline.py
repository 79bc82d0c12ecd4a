"""The command line at the bottom of the war room: who is typing, the input, and its feedback.

Plain text is a note; `/` starts a command (`domain/slash.py` says what each means). Tab
completes commands, roles and names (on an empty line it moves to the next pane, as Tab does
everywhere else); Up/Down walk the history; Esc leaves for the single-key bindings. What was
typed stays in the input until the store has committed it, so a locked database loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widgets import Input, Static

from warroom.sanitize import clean

if TYPE_CHECKING:  # the slash module loads on the first Tab, not before the first frame
    from warroom.domain.slash import Completion

HISTORY_LIMIT = 500


class CommandInput(Input):
    """The input itself: Tab completion, history, Esc to leave."""

    BINDINGS = [
        Binding("tab", "complete", "Complete"),
        Binding("up", "history(-1)", "History", key_display="↑↓"),
        Binding("down", "history(1)", "Next", show=False),
        Binding("escape", "leave", "Keys", tooltip="Leave the command line for the single-key bindings"),
    ]

    class Left(Message):
        """Esc was pressed: the screen moves focus to the panes."""

    class Completed(Message):
        """Tab found several candidates; the command line shows them."""

        def __init__(self, candidates: tuple[str, ...]) -> None:
            super().__init__()
            self.candidates = candidates

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._history_pos: int | None = None
        self._draft = ""
        self.completer: Callable[[str], Completion] | None = None

    def remember(self, line: str) -> None:
        """Add a submitted line to the history (not twice in a row)."""
        if line and (not self.history or self.history[-1] != line):
            self.history.append(line)
            del self.history[:-HISTORY_LIMIT]
        self._history_pos = None

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._history_pos is None:
            if step > 0:
                return
            self._draft = self.value
            pos = len(self.history) - 1
        else:
            pos = self._history_pos + step
        if pos >= len(self.history):
            self._history_pos = None
            self.value = self._draft
        else:
            self._history_pos = max(0, pos)
            self.value = self.history[self._history_pos]
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        if not self.value.strip() or self.completer is None:
            raise SkipAction()  # Tab on an empty line moves between panes
        if self.cursor_position != len(self.value):
            self.cursor_position = len(self.value)
            return
        result = self.completer(self.value)
        if result.text != self.value:
            self.value = result.text
            self.cursor_position = len(self.value)
        self.post_message(self.Completed(result.candidates))

    def action_leave(self) -> None:
        self.post_message(self.Left())


class CommandLine(Container):
    """`actor › input`, with a line of feedback above it.

    The feedback line is the container's (blank) top border and its title, not a widget of its
    own: the command line is on the first frame, and each widget there costs Textual a few ms.
    """

    DEFAULT_CSS = """
    CommandLine {
        layout: horizontal;
        height: 2;
        background: $panel;
        border-top: blank $panel;
        border-title-align: left;
        border-title-color: $text-muted;
        &.-error { border-title-color: $error; border-title-style: bold; }
        &.-saved { border-title-color: $wr-good; }
        & > #command-actor { width: auto; height: 1; padding: 0 0 0 1; color: $wr-actor; text-style: bold; }
        & > #command-input { width: 1fr; }
        & > #command-input.-busy { color: $text-muted; }
    }
    """

    def __init__(self, actor: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._actor = actor
        self._feedback = "Type a note, or /help for commands · Esc for keys"
        self.border_title = Text(self._feedback)

    def compose(self) -> ComposeResult:
        yield Static(self._prompt(self._actor), id="command-actor")
        yield CommandInput(id="command-input", compact=True, placeholder="note, or /command")

    @staticmethod
    def _prompt(actor: str) -> Text:
        return Text(f"{clean(actor, cap=40)} ›")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def set_actor(self, actor: str) -> None:
        self.query_one("#command-actor", Static).update(self._prompt(actor))

    def feedback(self, text: str, kind: str = "info") -> None:
        """Show one line of feedback; `kind` is info, saved or error (colour plus the words)."""
        # Text, not a str: a title string is read as markup, and this one holds what was typed.
        self._feedback = clean(text, cap=1000)
        self.border_title = Text(self._feedback)
        self.set_class(kind == "error", "-error")
        self.set_class(kind == "saved", "-saved")

    @property
    def feedback_text(self) -> str:
        return self._feedback
