"""The Textual app: wiring only (store, themes, screens, command palette).

    WarRoomApp(db_path, config, incident_id=None, theme=None, clock=None, actor=None, sources=None).run()

What other widgets may read from `self.app`: `store` (AsyncEventStore; None until `store_ready`
is set, just after the first frame), `config`, `clock()`
(aware UTC now; frozen in tests), `actor` (who is typing), `incident` (the folded
IncidentState on screen, reactive), `paused` (live updates paused, reactive).

Quitting, as in a shell: Ctrl+C with text selected copies it; with text in the command line
clears it (Up brings it back); on an empty line it says "Ctrl+C again to quit", and a second
press within 2 s quits with exit status 130 (the convention for an interrupted command). Ctrl+Q
quits with status 0. SIGHUP (or a terminal that vanished) and SIGTERM quit with 129 and 143,
stopping followed commands as any quit does.

Quitting never drops text: with a note that failed to save (NOT SAVED), one still saving, or
half-typed text in the command line, a quit asks first (Cancel focused): write it to a file
beside the database (`warroom.unsaved`), quit without it, or stay. A hangup or SIGTERM writes
the file without asking, and the exit message (stderr, after the screen closes) names it.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from warroom.config.model import Config
from warroom.config.themes import THEME_VARIABLES, resolve_theme_name
from warroom.domain.incident import IncidentState
from warroom.services.steady_time import host_monotonic
from warroom.ui.quitting import QuitKeepingText
from warroom.ui.textual_themes import load_themes

if TYPE_CHECKING:  # the async store loads after the first frame
    from textual.driver import Driver

    from warroom.store.aio import AsyncEventStore
    from warroom.store.checkpoints import IncidentOpening


def utcnow() -> datetime:
    return datetime.now(UTC)


class ThemedApp(App[None]):
    """An app with warroom's themes registered (`themes/*.toml`) and their `$wr-*` variables
    defined, on the theme named (warroom-dark by default). The war room, and the test and
    benchmark hosts of its widgets, all start from here."""

    def __init__(self, theme: str | None = None) -> None:
        super().__init__()
        themes = load_themes()
        for t in themes:
            self.register_theme(t)
        self.warroom_themes = [t.name for t in themes]
        self.theme = resolve_theme_name(theme, self.warroom_themes)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLES)


class WarRoomApp(QuitKeepingText, ThemedApp):
    """Opens the war room on an incident, or the declare dialog when none is open."""

    TITLE = "warroom"
    #: Exit status after Ctrl+C: 128 + SIGINT, what shells and scripts expect of an interrupted command.
    INTERRUPTED = 130
    BINDINGS = [
        # Priority bindings, so they work on every screen and dialog. Ctrl+C still copies
        # selected text first, as Textual's own Ctrl+C in an input does (see `action_interrupt`).
        Binding(
            "ctrl+c",
            "interrupt",
            "Clear",
            key_display="^c",
            priority=True,
            tooltip="Clear the command line (Up brings it back); on an empty line press twice to quit",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            key_display="^q",
            priority=True,
            tooltip="Quit (asks first if typed text is not in the database)",
        ),
    ]
    #: The folded incident on screen, kept current (also while live updates are paused).
    incident: var[IncidentState | None] = var(None, always_update=True)
    #: Live updates paused (`p`): the timeline and the signal panes hold new items back.
    paused: var[bool] = var(False)

    def __init__(
        self,
        db_path: Path | str,
        config: Config | None = None,
        incident_id: int | None = None,
        theme: str | None = None,
        clock: Callable[[], datetime] | None = None,
        actor: str | None = None,
        sources: Iterable[Any] | None = None,
    ) -> None:
        """`sources`: poll exactly these instead of the config's (the screenshots' frozen data)."""
        config = config or Config()
        super().__init__(theme or config.ui.theme)
        self.db_path = Path(db_path)
        self.config = config
        self.requested_incident = incident_id
        self.clock: Callable[[], datetime] = clock or utcnow
        #: Seconds on a clock nobody sets, to see the wall clock step (an NTP jump) and keep
        #: countdowns on elapsed time; None with a given `clock` (a test moves it on purpose).
        self.monotonic: Callable[[], float] | None = None if clock else host_monotonic
        if actor is None:
            from warroom.services.actor import acting_name

            actor = acting_name()
        self.actor = actor
        self.fixed_sources = list(sources) if sources is not None else None
        self.store: AsyncEventStore = None  # type: ignore[assignment]  # opened on mount
        #: Set once `store` is open: writing, following and the signal panes wait for it.
        self.store_ready = asyncio.Event()
        self.notice: str | None = None
        #: Why the database is open read-only ("the disk is full"...), or None: then nothing on
        #: the screen writes (a READ-ONLY badge, no typing, no recording).
        self.read_only: str | None = None
        #: One-time lines from opening the database (it was open to other users), shown on screen.
        self.store_notices: list[str] = []
        #: Set on the way out when source events could not be written: where they were kept.
        self.pending_events_note: str | None = None
        self._startup_error: Exception | None = None
        self._store_opening = False
        self.incident_id: int | None = None
        self.warroom_screen: Any | None = None
        self._hanging_up = False
        #: Set once the terminal is gone: the driver stops writing (it would block the exit).
        self.terminal_gone = threading.Event()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux and macOS one that stops writing once
        the terminal is gone (`warroom.ui.terminal_driver`)."""
        driver_class = super().get_driver_class()
        if driver_class.__module__ == "textual.drivers.linux_driver" and driver_class.__name__ == "LinuxDriver":
            from warroom.ui.terminal_driver import TerminalDriver

            return TerminalDriver
        return driver_class

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run on the real terminal, following its size as it changes.

        Textual's Linux driver asks `shutil.get_terminal_size()`, which believes $COLUMNS and
        $LINES over the terminal itself: exported by a shell or a test harness they pin the app
        at that size and every resize is lost (a 200-column tmux window still drew the 80-column
        layout). The tty is the truth for a full-screen app, so they go (also for the commands
        the panes run, which should not inherit a stale width either).
        """
        if not kwargs.get("headless") and kwargs.get("size") is None:
            for name in ("COLUMNS", "LINES"):
                os.environ.pop(name, None)
        if not kwargs.get("headless"):
            from warroom.ui import paste_input

            paste_input.install()  # a paste with an escape sequence inside arrives whole, in order
        # Startup allocates a great deal (CSS, widgets, the first frame) on top of the ~100k
        # objects the imports made, and one full collection over them cost ~50 ms before the
        # first frame here. Those objects live as long as the process: freeze them out of the
        # collector, and hold collection off until the room is on screen (`first_frame_shown`;
        # a timer re-enables it in any case).
        gc.freeze()
        gc.disable()
        return super().run(*args, **kwargs)

    def first_frame_shown(self) -> None:
        """The first screen is drawn: let the garbage collector run again (see `run`), and open
        the async store. Opened earlier, its thread (SQLite) would take turns
        for the GIL with drawing the first frame."""
        gc.enable()
        self._open_store_once()

    def _open_store_once(self) -> None:
        if not self._store_opening:
            self._store_opening = True
            self.run_worker(self._open_store(), name="open the database", exit_on_error=False)

    def get_default_screen(self) -> Screen:
        """The war room itself when an incident is open, so it is the first screen composed
        (not pushed over an empty one a moment later); else an empty screen under the declare
        dialog (or under the error that ends the app).

        The incident is read here with the synchronous store (a few ms of SQLite); the async
        store, for writing and following, opens once the room is drawn (`first_frame_shown`).
        """
        from warroom.errors import UserError

        try:
            picked = self._read_incident()
        except UserError as exc:
            self._startup_error = exc
            picked = None
        if picked is None:
            return Screen()
        from warroom.ui.screens.warroom import WarRoomScreen

        self.incident_id = picked[0]
        self.warroom_screen = WarRoomScreen(*picked).data_bind(WarRoomApp.incident, WarRoomApp.paused)
        return self.warroom_screen

    def on_mount(self) -> None:
        self.set_timer(3.0, self.first_frame_shown)  # a declare dialog, an error: never left off
        if not self.is_headless:
            self.set_interval(1.0, self._check_terminal, name="terminal still there")
            self._catch_signals()
        if self._startup_error is not None:
            self.exit(return_code=2, message=f"warroom: error: {self._startup_error}")
            return
        if self.fixed_sources is not None:
            from warroom.ui.poller import Poller

            Poller(self.config, sources=self.fixed_sources, clock=self.clock).start(self)
        if self.notice:
            self.notify(self.notice, markup=False, timeout=8)
        for line in self.store_notices:  # the file was open to other users: said once
            self.notify(line, markup=False, severity="warning", timeout=12)
        if self.warroom_screen is None:  # the declare dialog needs the store to write to
            self._open_store_once()

    #: Exit statuses after a hangup and a SIGTERM: 128 + the signal, as shells and supervisors expect.
    HUNG_UP = 129
    TERMINATED = 143

    def _catch_signals(self) -> None:
        """SIGHUP (the SSH session dropped, no tmux) and SIGTERM (`kill`, a supervisor) quit
        through the normal exit. Their default is to die at once, and the commands the panes
        follow (`kubectl logs -f`, in process groups of their own, so no signal reaches them)
        would run on, orphaned, for as long as the jump host does."""
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGHUP, self._hung_up)
        loop.add_signal_handler(signal.SIGTERM, self._terminated)

    def _hung_up(self) -> None:
        """Quit as a hangup would (once): the terminal hung up, or is gone altogether."""
        if self._hanging_up:
            return
        self._hanging_up = True
        if not self._terminal_there():
            self.terminal_gone.set()  # the driver writes nothing more (see `terminal_driver`)
        self._quit_keeping_text(self.HUNG_UP, "hung up")

    def _terminated(self) -> None:
        """SIGTERM: quit as `kill` asks, keeping unsaved text in a file as a hangup does."""
        if not self._hanging_up:
            self._hanging_up = True
            self._quit_keeping_text(self.TERMINATED, "terminated")

    def _check_terminal(self) -> None:
        """Quit when the terminal is gone. A hangup normally arrives as SIGHUP, but not to a
        process the terminal does not control (started under `setsid`, a supervisor, a
        harness): then Textual's input thread reads end-of-file in a loop and burns a core of
        the jump host for as long as the process lives. Everything shown as saved is stored."""
        if not self._terminal_there():
            self._hung_up()

    @staticmethod
    def _terminal_there() -> bool:
        try:
            fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else 0
        except (OSError, ValueError):
            fd = 0
        return os.isatty(fd)

    async def _open_store(self) -> None:
        """Open the database for writing and following; the room's live parts wait for it
        (`store_ready`). With no incident open, ask for one to be declared."""
        from warroom.errors import UserError
        from warroom.store.aio import AsyncEventStore

        try:
            # `--readonly`: `mode=ro`, so no keystroke, key or source can write (`open_for_reading`).
            self.store = await AsyncEventStore.open(self.db_path, for_reading=self.config.ui.readonly)
        except UserError as exc:
            self.exit(return_code=2, message=f"warroom: error: {exc}")
            return
        for line in self.store.notices:
            self.notify(line, markup=False, severity="warning", timeout=12)
        if self.store.read_only and self.warroom_screen is None:
            self.exit(
                return_code=2,
                message=f"warroom: error: cannot declare an incident: database "
                f"{self.db_path} cannot be written ({self.store.read_only})",
            )
            return
        if self.store.read_only and not self.read_only:
            self.read_only = self.store.read_only
            show = getattr(self.warroom_screen, "show_read_only", None)
            if callable(show):
                show()
        self.store_ready.set()
        if self.warroom_screen is None:
            from warroom.ui.screens.declare import DeclareScreen

            self.push_screen(DeclareScreen(), self._declared)

    def _read_incident(self) -> tuple[int, IncidentState, IncidentOpening] | None:
        """(id, folded state, how it was read) of the requested or newest open incident; None
        when none is open. Only its newest events are read (its fold resumes from a checkpoint):
        the older ones load after the first frame (`store.checkpoints`)."""
        from warroom.store.sync import EventStore

        with EventStore.open(self.db_path, for_reading=self.config.ui.readonly) as store:
            self.read_only = store.read_only
            self.store_notices += store.notices
            incident_id = self.requested_incident
            if incident_id is None:
                open_ids = store.open_incident_ids()
                if not open_ids:
                    return None
                incident_id = max(open_ids)
                if len(open_ids) > 1:
                    self.notice = (
                        f"{len(open_ids)} incidents are open; showing INC-{incident_id} (warroom open ID for another)"
                    )
            opening = store.open_incident(incident_id)
        return incident_id, opening.state, opening

    async def _declared(self, incident_id: int | None) -> None:
        if incident_id is None:
            self.exit(message="nothing declared")
        else:
            await self.open_incident(incident_id)

    async def open_incident(self, incident_id: int) -> None:
        """Load the incident (the store is open), then show it."""
        opening = await self.store.open_incident(incident_id)
        self._show_incident(incident_id, opening.state, opening)

    def _show_incident(self, incident_id: int, state: IncidentState, opening: IncidentOpening | None = None) -> None:
        from warroom.ui.screens.warroom import WarRoomScreen

        self.incident_id = incident_id
        screen = WarRoomScreen(incident_id, state, opening)
        self.warroom_screen = screen.data_bind(WarRoomApp.incident, WarRoomApp.paused)
        self.push_screen(self.warroom_screen)

    async def on_unmount(self) -> None:
        if self.store is not None:
            await self.store.close()

    @property
    def follower(self) -> Any | None:
        """The war room's store follower: `app.follower.poke()` after appending elsewhere."""
        return getattr(self.warroom_screen, "follower", None)

    def poller(self) -> Any | None:
        """The signal poller started on this app (it feeds the signal panes), if any."""
        from warroom.ui.poller import Poller

        return Poller.for_app(self)

    def next_theme(self) -> str:
        names = self.warroom_themes
        index = names.index(self.theme) + 1 if self.theme in names else 0
        self.theme = names[index % len(names)]
        return self.theme

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key binding's action is also here, by name."""
        yield from super().get_system_commands(screen)
        from warroom.ui.screens.warroom import WarRoomScreen

        for name in self.warroom_themes:
            yield SystemCommand(
                f"Theme: {name}", f"Switch to the {name} theme", lambda n=name: setattr(self, "theme", n)
            )
        if not isinstance(screen, WarRoomScreen):
            return
        yield SystemCommand("Help: commands and keys", "Every slash command and key (?)", screen.action_help)
        yield SystemCommand(
            "Command line",
            "/help, /as (read-only: nothing is recorded)"
            if self.config.ui.readonly
            else "Type a note or a /command (: or Enter)",
            screen.action_focus_command,
        )
        yield SystemCommand("Zoom pane", "Zoom the focused pane, or restore it (z)", screen.action_zoom)
        yield SystemCommand(
            "Resume live updates" if self.paused else "Pause live updates",
            "Hold new events and signals back while you read (p)",
            screen.action_pause,
        )
        yield SystemCommand("Next theme", "Cycle the warroom themes (t)", screen.action_next_theme)
        if self.config.ui.readonly:  # `--readonly`: no entry that records anything
            yield SystemCommand("Draft status update", "Read and copy the update drafts (d)", screen.action_draft)
            yield SystemCommand("Runbooks", "Search and read the runbooks (r)", screen.action_runbooks)
            yield SystemCommand(
                "Mitigation options", "Read the playbook's options; none runs here (m)", screen.action_mitigate
            )
        else:
            yield SystemCommand("Draft status update", "Internal / external update drafts (d)", screen.action_draft)
            yield SystemCommand(
                "Dismiss coach warning",
                "Dismiss the coach line's warning until the situation changes (x)",
                screen.action_dismiss_coach,
            )
            yield SystemCommand("Runbooks", "Search, read and tick the runbooks (r, /runbook)", screen.action_runbooks)
            yield SystemCommand(
                "Mitigate…",
                "The playbook's mitigations, suspect deploys' rollbacks first; running one asks first (m, /mitigate)",
                screen.action_mitigate,
            )

        # Choosing a pane is leaving the command line deliberately: key mode (see WarRoomScreen).
        def next_pane() -> None:
            screen.enter_key_mode()
            screen.focus_next()

        def previous_pane() -> None:
            screen.enter_key_mode()
            screen.focus_previous()

        yield SystemCommand("Next pane", "Move the focus to the next pane (Tab)", next_pane)
        yield SystemCommand("Previous pane", "Move the focus to the previous pane (Shift+Tab)", previous_pane)
        yield SystemCommand(
            "Timeline", "Focus the timeline", lambda: screen.enter_key_mode(screen.query_one("#timeline"))
        )
        yield SystemCommand(
            "Role board", "Focus the role board", lambda: screen.enter_key_mode(screen.query_one("#roles"))
        )
