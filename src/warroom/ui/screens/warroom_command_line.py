"""The war room's command line (mixed into WarRoomScreen): completion, what it says back, and
running a submitted line (one at a time, once the store and the whole record are in:
`commands.py` does the work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.ui.screens.too_small import TooSmall
from warroom.ui.widgets.commandline import CommandInput, CommandLine
from warroom.ui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from warroom.config.model import Config
    from warroom.domain.incident import IncidentState
    from warroom.domain.slash import Completion
    from warroom.ui.host import WarRoomHost
    from warroom.ui.screens.long_incident import HistoryLoader
    from warroom.ui.widgets.panes import SignalPanes

    _Base = Screen[None]
else:
    _Base = object


def source_names(config: Config) -> list[str]:
    """Every configured source's pane name, in the registry's order (completion for /pin)."""
    from warroom.sources.registry import source_names as registered_names

    return registered_names(config)


class RoomCommandLine(_Base):
    """Mixed into the war room screen before `Screen`, after `TypingMode` and `UnsavedLines`."""

    if TYPE_CHECKING:  # the war room screen's, which this is mixed into
        state: IncidentState | None
        signal_panes: Widget | None
        _command: CommandInput | None
        _busy: bool
        _history: HistoryLoader
        _saving_line: str | None

        @property
        def wapp(self) -> WarRoomHost: ...

        def enter_key_mode(self, widget: Widget | None = None) -> None: ...

    def _complete(self, text: str) -> Completion:
        from warroom.domain.slash import complete

        state = self.state
        names = set(self.wapp.config.team.roster) | {self.wapp.actor}
        if state is not None:
            names |= {h.person for h in state.roles.values()}
        return complete(
            text,
            names=names,
            extra_roles=self.wapp.config.team.extra_roles,
            panes=self.pane_names(),
            read_only=self.wapp.config.ui.readonly,
        )

    def pane_names(self) -> list[str]:
        """What `/pin` accepts: the signal panes' own names when they are mounted."""
        names = getattr(self.signal_panes, "pane_names", None)
        return list(names()) if callable(names) else source_names(self.wapp.config)

    def on_command_input_completed(self, message: CommandInput.Completed) -> None:
        if message.candidates:
            self.feedback("  ".join(message.candidates))

    def on_command_input_left(self, message: CommandInput.Left) -> None:
        self.enter_key_mode(self.query_one(Timeline))

    def on_input_changed(self, event: CommandInput.Changed) -> None:
        if event.input is self._command:
            for view in self.query(TooSmall):
                view.show_typing(event.value)

    def on_command_input_pasted(self, message: CommandInput.Pasted) -> None:
        self.feedback(f"pasted {message.lines} lines (⏎ marks each break): Enter saves them as one note")

    def on_signal_panes_command_feedback(self, message: SignalPanes.CommandFeedback) -> None:
        self.feedback(message.text, "error" if message.error else "info")

    def feedback(self, text: str, kind: str = "info") -> None:
        self.query_one(CommandLine).feedback(text, kind)

    async def on_input_submitted(self, event: CommandInput.Submitted) -> None:
        if event.input.id != "command-input":
            return
        event.stop()
        if self._busy:
            self.feedback("still saving the last line…")
            return
        self._busy = True
        self.run_worker(self._run_line(event.value), name="command line", group="command")

    async def _run_line(self, line: str) -> None:
        from warroom.ui.screens.commands import run_line

        self._saving_line = line
        try:
            await self.wapp.store_ready.wait()  # only a line typed in the first few ms waits
            await self._history.loaded.wait()  # commands read every event (a long incident: ~1 s)
            await run_line(self, line)  # type: ignore[arg-type]  # the war room screen is a LineScreen
        finally:
            self._busy = False
            self._saving_line = None
