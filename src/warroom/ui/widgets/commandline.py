"""The command line at the bottom of the war room: who is typing, the input, and its feedback.

Plain text is a note; `/` starts a command (`domain/slash.py` says what each means). Tab
completes commands, roles and names (on an empty line it does nothing: only Esc leaves the
command line); Up/Down walk the history; Esc leaves for the single-key bindings. What was
typed stays in the input until the store has committed it, so a locked database loses nothing.

A paste keeps all of its text: escape sequences and control characters are removed, and its
lines stay lines, shown joined by PASTED_NEWLINE (⏎) in the one-line input; `submitted_text`
turns them back into newlines, so Enter saves one note with its lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widgets import Input, Static

from warroom.sanitize import clean

if TYPE_CHECKING:  # the slash module loads on the first Tab, not before the first frame
    from warroom.domain.slash import Completion

HISTORY_LIMIT = 500
#: Stands for a pasted line break in the one-line input (and in its history).
PASTED_NEWLINE = "⏎"
#: The command line's hint while in key mode: what the keys do, and how to get back.
KEYS_HINT = "KEYS: ↑↓ select · y copy · m mitigate · z zoom · p pause · t theme · d draft · ? help · : Enter or any other letter: back to typing"
TYPING_HINT = "Type a note, or /help for commands · Esc for keys"


def pasted_text(text: str) -> str:
    """A paste as the command line holds it: escape sequences and control characters removed,
    the rest in order, line breaks (CR LF, CR or LF) as PASTED_NEWLINE; no trailing break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = clean(text, cap=None, keep_newlines=True).rstrip("\n")
    return text.replace("\n", PASTED_NEWLINE)


def submitted_text(line: str) -> str:
    """The text a command line entry stands for: pasted line breaks are newlines again."""
    return line.replace(PASTED_NEWLINE, "\n")


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

    def __init__(self, **kwargs) -> None:
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
            # Not to the next pane, as Tab does elsewhere: only Esc leaves the command line, so
            # a Tab typed in prose cannot turn the next words into single-key commands.
            return
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

    def on_paste(self, event: events.Paste) -> None:
        """Keep the whole paste, in order (Textual's Input keeps its first line only): handled
        here first, `prevent_default` keeps Input's own paste handler from running."""
        event.stop()
        event.prevent_default()
        text = pasted_text(event.text)
        if not text:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
        if PASTED_NEWLINE in text:
            lines = self.value.count(PASTED_NEWLINE) + 1
            self.post_message(self.Pasted(lines))

    class Pasted(Message):
        """A paste of several lines: the command line says Enter saves them as one note."""

        def __init__(self, lines: int) -> None:
            super().__init__()
            self.lines = lines


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
        &.-keys { border-title-color: $warning; }
        & > #command-actor { width: auto; height: 1; padding: 0 0 0 1; color: $wr-actor; text-style: bold; }
        & > #command-input { width: 1fr; }
        & > #command-input.-busy { color: $text-muted; }
    }
    """

    def __init__(self, actor: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._actor = actor
        self.key_mode = False
        self._feedback = TYPING_HINT
        self.border_title = Text(self._feedback)

    def compose(self) -> ComposeResult:
        yield Static(self._prompt(self._actor), id="command-actor")
        # No select-all on focus: coming back from the keys, the next letter must not replace the line.
        yield CommandInput(id="command-input", compact=True, placeholder="note, or /command", select_on_focus=False)

    def _prompt(self, actor: str) -> Text:
        prompt = Text(f"{clean(actor, cap=40)} ›")
        if self.key_mode:
            # Words, not only a colour: single keys act now (z, p, t, d), not the line.
            return Text.assemble((" KEYS ", "bold reverse"), " ", prompt)
        return prompt

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def set_actor(self, actor: str) -> None:
        self._actor = actor
        self.query_one("#command-actor", Static).update(self._prompt(actor))

    def set_key_mode(self, on: bool) -> None:
        """Show the KEYS badge (and what the keys do) in key mode; the typing hint otherwise."""
        if on == self.key_mode:
            return
        self.key_mode = on
        self.set_class(on, "-keys")
        self.query_one("#command-actor", Static).update(self._prompt(self._actor))
        if on:
            self.feedback(KEYS_HINT)
        elif self._feedback == KEYS_HINT:
            self.feedback(TYPING_HINT)

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
