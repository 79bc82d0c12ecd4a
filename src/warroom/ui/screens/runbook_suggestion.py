"""The war room's runbook suggestion: "runbook: High 5xx rate — press r" when an event matches one.

After the room goes live the runbooks are read once in a worker thread; then, on every batch of
new events, the newest event that a runbook's front matter covers (`domain.runbook_match`: a
probe down for a probe it lists, a log spike from a service it lists, words naming one of its
alerts) picks the runbook to offer. It goes to the coach line when the screen has one
(`#coach-line`, its `set_suggestion`), else once to the command line's feedback. `r` then opens
the runbook screen on that runbook (`RunbookSuggester.suggested`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.content import Content

from warroom.domain.runbook_match import suggest_latest
from warroom.sanitize import clean

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState
    from warroom.runbooks import Runbook, RunbookLibrary


def suggestion_text(book: Runbook) -> str:
    """The words the room sees: `runbook: High 5xx rate — press r`."""
    return f"runbook: {clean(book.title, cap=120)} — press r"


class RunbookSuggester:
    """Reads the runbooks once, then offers the one the latest matching event calls for."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.library: RunbookLibrary | None = None
        #: The runbook offered now (what `r` opens), and the event that called for it.
        self.suggested: Runbook | None = None
        self._event_id: int | None = None

    def start(self) -> None:
        """Read the runbooks off the UI loop, then suggest from what is already recorded."""
        self.screen.run_worker(self._load(), name="read runbooks", group="runbooks", exit_on_error=False)

    async def _load(self) -> None:
        from warroom.runbooks import load_library

        config = getattr(self.screen.app, "config", None)
        paths = tuple(getattr(getattr(config, "runbooks", None), "paths", ()) or ())
        self.library = await asyncio.to_thread(load_library, paths)
        if self.screen.is_attached:  # not quitting meanwhile
            self.refresh(self.screen.state)

    def refresh(self, state: IncidentState | None) -> None:
        """Re-pick the suggestion after new events (cheap: only the last few events are read)."""
        if state is None or self.library is None or not self.library.books:
            return
        found = suggest_latest(state.events, self.library.books)
        if found is None:
            return
        event, book = found
        if event.id == self._event_id and book == self.suggested:
            return
        self._event_id, self.suggested = event.id, book
        self._show(suggestion_text(book))

    def _show(self, text: str) -> None:
        coach = self.screen.query("#coach-line")
        set_suggestion = getattr(coach.first(), "set_suggestion", None) if coach else None
        if callable(set_suggestion):
            set_suggestion(Content(text))
        else:  # no coach line on this screen: say it once on the command line
            self.screen.feedback(text)
