"""Quitting the war room as a shell would, and never dropping typed text (mixed into WarRoomApp).

Ctrl+C: copy a selection; else clear the command line (Up brings it back); else, on an empty
line, "Ctrl+C again to quit" and a second press within 2 s quits (status 130). Ctrl+Q and the
palette's Quit: status 0. Either way, with text the database does not have (a note that failed
to save, one still saving, half-typed text) it asks first, Cancel focused: write it to a file
beside the database, quit without it, or stay. A hangup or SIGTERM writes the file unasked,
and the exit message (stderr, once the screen is gone) names it.

A mitigation still running (`running_mitigation`) makes Ctrl+Q, the second Ctrl+C and the
palette's Quit ask first, naming it, with **Keep running** focused: quitting stops it half-done
(its process group is killed, the record says interrupted). A hangup or SIGTERM stops it
unasked: nobody may be there to answer.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from warroom.sanitize import clean

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App

    _Base = App[None]
else:
    _Base = object


class QuitKeepingText(_Base):
    """Mixed into WarRoomApp (before `App`): its Ctrl+C, Ctrl+Q and signal quits."""

    #: Seconds within which a second Ctrl+C on an empty command line quits.
    INTERRUPT_AGAIN_S = 2.0
    _interrupted_at: float | None = None
    _asking_to_quit = False
    #: The mitigation running now (`screens.mitigation_runner.RunningMitigation`), None if none.
    running_mitigation: Any = None
    if TYPE_CHECKING:  # WarRoomApp's
        INTERRUPTED: int
        warroom_screen: Any
        db_path: Path
        actor: str
        incident_id: int | None

        def clock(self) -> Any: ...

    def action_interrupt(self) -> None:
        """Ctrl+C, as in a shell: copy a selection; else clear the command line (kept in its
        history); else, on an empty line, quit on a second press within 2 s (status 130).

        Decided after the next refresh, as `request_quit` is: Ctrl+C is a priority key, handled
        before letters typed (or pasted by tmux) just ahead of it reach the command line, which
        would then look empty and say "Ctrl+C again to quit" instead of clearing them."""
        self.call_after_refresh(self._interrupt_now)

    def _interrupt_now(self) -> None:
        if self._asking_to_quit or self._copy_selection():
            return
        room = self.warroom_screen
        if room is not None and self.screen is room and room.clear_command_line():
            self._interrupted_at = None
            return
        now = time.monotonic()
        if self._interrupted_at is not None and now - self._interrupted_at <= self.INTERRUPT_AGAIN_S:
            self._interrupted_at = None
            self.request_quit(self.INTERRUPTED)
            return
        self._interrupted_at = now
        self._say("Ctrl+C again to quit (Ctrl+Q quits too)")

    async def action_quit(self) -> None:
        """Ctrl+Q and the palette's Quit: status 0, asking first if text would be lost."""
        self.request_quit(0)

    def unsaved_text(self) -> list[Any]:
        """Text typed anywhere that is not in the database (`warroom.unsaved.Unsaved` items):
        the war room's command line and failed notes, an edited status draft, a half-filled
        declare dialog. Every screen that holds typing says so through its `unsaved_text()`."""
        items: list[Any] = []
        screens = list(self.screen_stack)
        room = self.warroom_screen
        if room is not None and room.is_attached and room not in screens:
            screens.insert(0, room)
        for screen in screens:
            collect = getattr(screen, "unsaved_text", None)
            if callable(collect) and screen.is_attached:
                items.extend(collect())
        return items

    def request_quit(self, code: int) -> None:
        """Quit with `code`; with unsaved text, ask first (write it to a file, drop it, or stay).

        Decided after the next refresh: Ctrl+Q is a priority key, handled before the letters
        typed just ahead of it have reached the command line, and they count too."""
        if not self._asking_to_quit:
            self.call_after_refresh(self._request_quit_now, code)

    def _request_quit_now(self, code: int, stop_mitigation: bool = False) -> None:
        if self._asking_to_quit:
            return
        running = self.running_mitigation
        if running is not None and not stop_mitigation:
            self._ask_to_stop_mitigation(running, code)
            return
        items = self.unsaved_text()
        if not items:
            self.exit(return_code=code)
            return
        from warroom.ui.screens.quit_unsaved import DISCARD, WRITE, QuitUnsavedScreen
        from warroom.unsaved import unsaved_name

        self._asking_to_quit = True
        now = self.clock()  # the file is named for when the question was asked, as shown

        async def answered(answer: str | None) -> None:
            self._asking_to_quit = False
            if answer == DISCARD:
                self.exit(return_code=code)
            elif answer == WRITE:
                await self._write_and_exit(self.unsaved_text() or items, code, None, now)
            else:
                self._say("not quitting: your text is still here")

        where = str(self.db_path.resolve().parent / unsaved_name(self.db_path, now))
        self.push_screen(QuitUnsavedScreen(items, where), answered)

    def _ask_to_stop_mitigation(self, running: Any, code: int) -> None:
        """Quitting would stop a running mitigation: ask, Keep running focused (no letter quits)."""
        from warroom.ui.screens.confirm import ConfirmScreen

        self._asking_to_quit = True

        def answered(stop: bool | None) -> None:
            self._asking_to_quit = False
            if stop:
                self._request_quit_now(code, stop_mitigation=True)  # then unsaved text, as always
            else:
                said = f"not quitting: {clean(running.option.name, cap=80)} keeps running; its result is recorded when it ends"
                say = getattr(self.screen, "say", None)  # the mitigation screen's own status line
                say(said) if callable(say) else self._say(said)

        question = running.question(time.monotonic())
        dialog = ConfirmScreen(question, running.details(), confirm="Quit and stop it", cancel="Keep running")
        self.push_screen(dialog, answered)

    async def _write_and_exit(self, items: list[Any], code: int, why: str | None, now: datetime | None = None) -> None:
        """Write `items` beside the database (in a thread: the loop never waits on a disk),
        then quit with a message naming the file. If no file can be written: after a signal,
        quit saying so; when asked from the screen, stay and say why."""
        from warroom.unsaved import write_unsaved

        incident = f"INC-{self.incident_id}" if self.incident_id is not None else None
        try:
            path = await asyncio.to_thread(
                write_unsaved,
                items,
                db_path=self.db_path,
                now=now or self.clock(),
                actor=self.actor,
                incident=incident,
            )
        except OSError as exc:
            if why is None:
                self._say(f"could not write the unsaved text ({exc}): not quitting", error=True)
                return
            # The last place left is the exit message itself (the terminal, a log): say it all there.
            text = "\n".join(f"## {item.state}\n{clean(item.text, cap=None, keep_newlines=True)}" for item in items)
            self.exit(
                return_code=code, message=Text(f"warroom: {why}; could not write the unsaved text ({exc}):\n{text}")
            )
            return
        prefix = f"{why}; " if why else ""
        count = len(items)
        self.exit(
            return_code=code,
            message=Text(
                f"warroom: {prefix}{count} unsaved piece{'s' if count != 1 else ''} of text written to {path}"
            ),
        )

    def _say(self, text: str, error: bool = False) -> None:
        """One line to the person: the war room's feedback line, else a notification."""
        room = self.warroom_screen
        if room is not None and self.screen is room:
            room.feedback(text, "error" if error else "info")
        else:
            self.notify(text, markup=False, timeout=4, severity="error" if error else "information")

    def _quit_keeping_text(self, code: int, why: str) -> None:
        """Quit without asking (nobody may be there to answer); unsaved text goes to a file."""
        items = self.unsaved_text()
        if not items:
            self.exit(return_code=code)
            return
        self.run_worker(self._write_and_exit(items, code, why), name="write unsaved text", exit_on_error=False)

    def _copy_selection(self) -> bool:
        screen = self.screen
        focused = screen.focused
        text = getattr(focused, "selected_text", "") or ""
        if text and focused is not None:
            if hasattr(focused, "move_cursor"):  # TextArea
                focused.move_cursor(focused.selection.end)
            else:  # Input
                focused.cursor_position = max(focused.selection)
        else:
            text = screen.get_selected_text() or ""
            if text:
                screen.clear_selection()
        if not text:
            return False
        self.copy_to_clipboard(text)
        said = f"copied {len(text)} characters"
        feedback = getattr(screen, "feedback", None)
        feedback(said) if callable(feedback) else self.notify(said, markup=False, timeout=4)
        return True
