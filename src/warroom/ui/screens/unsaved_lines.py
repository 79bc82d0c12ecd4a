"""What the war room screen knows is typed but not in the database (mixed into WarRoomScreen).

A line the store refused (NOT SAVED: a read-only or locked database) stays in the command line
and is remembered here until it is saved; the line being saved is known while the store works.
Quitting asks before dropping any of it, and a hangup writes it to a file (`warroom.unsaved`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.ui.widgets.commandline import submitted_text
from warroom.unsaved import Unsaved

if TYPE_CHECKING:
    from warroom.ui.widgets.commandline import CommandInput


class UnsavedLines:
    """Mixed into the war room screen; `_command` is its command line's input."""

    _command: CommandInput | None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._not_saved: list[str] = []
        #: The line `run_line` is working on (its save may not have answered yet).
        self._saving_line: str | None = None

    def not_saved(self, line: str) -> None:
        """The store refused `line`: remember it until it is saved (the input keeps it too)."""
        if line not in self._not_saved:
            self._not_saved.append(line)

    def saved(self, line: str) -> None:
        if line in self._not_saved:
            self._not_saved.remove(line)

    def unsaved_text(self) -> list[Unsaved]:
        """Everything typed here that is not (known to be) in the database: a line still
        saving, lines that failed to save, and what the command line holds."""
        items: list[Unsaved] = []
        seen: set[str] = set()

        def add(state: str, line: str) -> None:
            if line.strip() and line.strip() not in seen:
                seen.add(line.strip())
                items.append(Unsaved(state, submitted_text(line.strip())))

        if self._saving_line is not None:
            add("still saving when warroom quit (it may be in the database too)", self._saving_line)
        for line in self._not_saved:
            add("NOT SAVED (the database refused it)", line)
        if self._command is not None:
            add("typed, not submitted", self._command.value)
        return items
