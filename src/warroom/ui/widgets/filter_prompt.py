"""The `/` filter prompt: one line at the bottom, over the timeline it filters.

Typing mode until Esc (as the command line: only Esc leaves it, so nothing typed is dropped
or taken for a key). The filter applies as it is typed; a filter that cannot be read says why
on the line above and leaves the timeline as it was. Enter applies it too and stays.
"""

from __future__ import annotations

from typing import Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from warroom.sanitize import clean


class Filterable(Protocol):
    """What the prompt edits: a timeline with a filter (`timeline_filter.TimelineFilter`)."""

    @property
    def filter_text(self) -> str: ...

    def set_filter(self, text: str) -> object: ...

    def filter_note(self) -> str: ...

    def filter_size(self) -> int: ...


HINT = "kind:mitigation actor:alice words · -kind:probe leaves out · Enter applies · Esc returns"

#: A timeline holding more events than this is filtered when typing pauses for `TYPING_PAUSE`
#: seconds (or at Enter or Esc), not at every key: a pass over 100,000 events takes 0.1-0.3 s,
#: and a key at a time would hold the screen that long after each one.
LARGE_TIMELINE = 20_000
TYPING_PAUSE = 0.3


class FilterPrompt(ModalScreen[None]):
    """Edits `timeline`'s filter live; dismissed by Esc only."""

    BINDINGS = [Binding("escape", "leave", "Back", tooltip="Back to the timeline, keeping the filter")]
    DEFAULT_CSS = """
    FilterPrompt { align: left bottom; background: transparent; }
    FilterPrompt > Vertical { height: auto; width: 100%; background: $panel; border-top: solid $primary; }
    FilterPrompt #filter-message { width: 1fr; height: 1; color: $text-muted; padding: 0 1; }
    FilterPrompt #filter-message.-error { color: $error; text-style: bold; }
    FilterPrompt Input { width: 1fr; padding: 0 1; }
    """

    def __init__(self, timeline: Filterable) -> None:
        super().__init__()
        self.timeline = timeline
        #: The filter waiting for typing to pause (a long timeline: see `LARGE_TIMELINE`).
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(HINT), id="filter-message")
            # Compact: one line with no border, focused or not (a focused Input's own border
            # would otherwise take the one line and hide what is typed).
            yield Input(self.timeline.filter_text, placeholder="/ filter the timeline", id="filter-input", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _apply(self, text: str) -> None:
        message = self.query_one("#filter-message", Static)
        try:
            self.timeline.set_filter(text)
        except ValueError as exc:
            message.update(Text(clean(str(exc), cap=200)))
            message.add_class("-error")
            return
        message.remove_class("-error")
        note = self.timeline.filter_note().removeprefix(" · ")
        message.update(Text(note or HINT))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_pending()
        if self.timeline.filter_size() <= LARGE_TIMELINE:
            self._apply(event.value)
        else:
            self._pending = self.set_timer(TYPING_PAUSE, self._apply_typed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_pending()
        self._apply(event.value)

    def _apply_typed(self) -> None:
        self._pending = None
        self._apply(self.query_one(Input).value)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None

    def action_leave(self) -> None:
        if self._pending is not None:  # typed but not applied yet: Esc keeps the filter as typed
            self._cancel_pending()
            self._apply(self.query_one(Input).value)
        self.dismiss(None)
