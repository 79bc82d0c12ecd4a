"""The war room's single keys in key mode (mixed into WarRoomScreen): zoom, pause, theme, and
the screens and workers they open (each imported when its key is pressed, not at start)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from warroom.domain.events import Event
    from warroom.ui.host import WarRoomHost
    from warroom.ui.screens.long_incident import HistoryLoader

    _Base = Screen[None]
else:
    _Base = object


class RoomKeys(_Base):
    """Mixed into the war room screen before `Screen`; its BINDINGS name these actions."""

    if TYPE_CHECKING:  # the war room screen's, which this is mixed into
        _held: list[Event]
        _history: HistoryLoader
        runbooks: Any

        @property
        def wapp(self) -> WarRoomHost: ...

        def enter_key_mode(self, widget: Widget | None = None) -> None: ...

        def feedback(self, text: str, kind: str = "info") -> None: ...

        def _show_held(self) -> None: ...

    def action_focus_command(self) -> None:
        self.set_focus(self.query_one(CommandInput))

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        target = self.focused
        if target is None or isinstance(target, CommandInput):
            target = self.query_one(Timeline)
        self.enter_key_mode(target)  # a zoomed pane hides the command line: its keys (z, Esc) act
        if not self.maximize(target):
            self.feedback("this pane cannot be zoomed", "error")

    def action_pause(self) -> None:
        paused = not self.wapp.paused
        self.wapp.paused = paused
        poller = self.wapp.poller()
        if poller is not None:
            poller.pause() if paused else poller.resume()
        if not paused and self._held:
            held, self._held = self._held, []
            self.query_one(Timeline).add_events(held)
        self._show_held()
        self.feedback("live updates paused: p resumes" if paused else "live updates resumed")

    def action_next_theme(self) -> None:
        self.wapp.next_theme()
        self.feedback(f"theme: {self.app.theme}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`--readonly`: the keys that record (`x` dismisses a coach warning) are not offered."""
        return not (action == "dismiss_coach" and self.wapp.config.ui.readonly)

    def action_dismiss_coach(self) -> None:
        """x: dismiss the coach line's warning (recorded; it returns when the situation changes)."""
        from warroom.ui.screens.coach_dismiss import dismiss_current

        self.run_worker(dismiss_current(self), name="dismiss coach warning", group="command")

    def action_copy_selected(self) -> None:
        """`y`: copy the focused pane's selected item (`copy_selected.py`)."""
        from warroom.ui.screens.copy_selected import copy_selected

        self.run_worker(copy_selected(self), name="copy selected", group="copy", exclusive=True)

    def action_mitigate(self) -> None:
        """`m`: the mitigation screen (`mitigation.py`); read-only, it opens for reading and says so."""
        from warroom.ui.screens.mitigation import MitigationScreen, off_reason

        off = off_reason(self.wapp.config.ui.readonly, self.wapp.read_only, self.wapp.db_path)
        if off:
            self.feedback(f"{off}: the options are shown for reading", "error")
        self.app.push_screen(MitigationScreen())

    def action_help(self) -> None:
        from warroom.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_draft(self) -> None:
        if not self.wapp.store_ready.is_set() or self._history.pending:
            self.feedback("still opening the database…")
            return
        from warroom.ui.screens.draft import DraftScreen

        self.app.push_screen(DraftScreen())

    def action_runbooks(self) -> None:
        """`r`: the runbook screen (search, read, tick the checklists)."""
        from warroom.ui.screens.runbooks import RunbookScreen

        suggested = getattr(self.runbooks, "suggested", None)
        self.app.push_screen(RunbookScreen(select=suggested.file if suggested is not None else None))
