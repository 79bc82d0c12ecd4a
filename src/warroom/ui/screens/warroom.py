"""The war room: header, signal panes, timeline, role board and the command line, on one screen.

Layout by terminal size (Textual breakpoint classes on this screen):
  narrow  (< 100 cols)  header (2 lines) / one-line-per-source summary / timeline / roles / coach line /
                        command line (the coach line, `coach_line.py`, takes a row only when it speaks)
  medium  (100-159)     header (2 lines); signal panes on the left; timeline over roles on the right
  wide    (>= 160)      one-line header; a wider right column (roles in two columns)
  xwide   (>= 192) and xtall (>= 50 rows): one column of ~106-column panes stacked down the
                        whole height (not two half-width ones), the timeline takes the rest
  tiny    (< 60x15)     "terminal too small" with SEV, status and the countdown

Where the live parts go: the header (Countdown), `#signal-column` (SignalPanes, id
`signal-panes`), the top of `#incident-column` (SourceSummary, id `source-summary`), and
`#too-small-slot` (a second, silent Countdown). The first frame has as few widgets as it can:
Textual spends milliseconds mounting and styling each one before anything is drawn.

Only Esc (or a click on a pane) leaves the command line: `typing_mode.py`. What is typed but
not in the database, for quitting: `unsaved_lines.py`.

Startup: the first frame has the header, timeline, role board, command line and footer; the
countdown and signal panes follow it, the too-small view only when the terminal is that small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Resize
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from warroom.domain.events import Event
from warroom.domain.incident import IncidentState
from warroom.errors import UserError
from warroom.sanitize import clean
from warroom.services.follow import StoreFollower, advance
from warroom.services.steady_time import SteadyTime
from warroom.ui.screens.clock_steps import note_clock_step
from warroom.ui.screens.long_incident import CheckpointKeeper, HistoryLoader
from warroom.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmall
from warroom.ui.screens.typing_mode import TypingMode
from warroom.ui.screens.unsaved_lines import UnsavedLines
from warroom.ui.widgets.coach_line import CoachLine
from warroom.ui.widgets.commandline import CommandInput, CommandLine
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.roles import RoleBoard
from warroom.ui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from warroom.config.model import Config
    from warroom.domain.slash import Completion
    from warroom.store.checkpoints import IncidentOpening
    from warroom.ui.host import WarRoomHost
    from warroom.ui.widgets.panes import SignalPanes

NO_SOURCES_LINE = "No sources configured: add [[probe]], [[log]], [[deploys]] ... to warroom.toml"

#: Columns and rows from which the signal panes stack in one narrower column (see the docstring).
XWIDE = 192
XTALL = 50


def source_names(config: Config) -> list[str]:
    """Every configured source's pane name, in the registry's order (completion for /pin)."""
    from warroom.sources.registry import source_names as registered_names

    return registered_names(config)


def breakpoint_class(dimension: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class Textual gives a screen for `dimension` cells: that of the largest breakpoint not
    above it (Textual's documented rule for `HORIZONTAL_BREAKPOINTS`/`VERTICAL_BREAKPOINTS`)."""
    reached = [(at, name) for at, name in breakpoints if dimension >= at]
    return max(reached)[1] if reached else None


class WarRoomScreen(TypingMode, UnsavedLines, Screen[None]):
    """The screen an IC lives in for hours. Feed: the store follower; input: the command line."""

    class EventsAppended(Message):
        """New committed events of the incident on screen, in id order (from any process).

        Posted when the store follower delivers them; the screen has already refolded the
        incident (`app.incident`) and hands the events to the timeline (or holds them, paused).
        """

        def __init__(self, events: tuple[Event, ...]) -> None:
            super().__init__()
            self.events = events

    #: The folded incident on screen and the pause state, bound from the app (`app.incident`,
    #: `app.paused`); the header, role board, countdowns and too-small view bind to these.
    incident: var[IncidentState | None] = var(None, always_update=True)
    paused: var[bool] = var(False)
    #: The incident as countdowns, elapsed time and the coach count it: `incident` itself
    #: unless the wall clock stepped (`services.steady_time`); the header, countdowns and coach
    #: line bind to this.
    timing: var[IncidentState | None] = var(None, always_update=True)

    AUTO_FOCUS = "#command-input"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-w-tiny"),
        (MIN_WIDTH, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
        (XWIDE, "-xwide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-h-tiny"), (MIN_HEIGHT, "-short"), (30, "-tall"), (XTALL, "-xtall")]
    BINDINGS = [
        Binding("colon,enter", "focus_command", "Command", key_display=":"),
        Binding("z", "zoom", "Zoom"),
        Binding("p", "pause", "Pause"),
        Binding("t", "next_theme", "Theme"),
        Binding("d", "draft", "Draft"),
        Binding("y", "copy_selected", "Copy"),
        Binding("m", "mitigate", "Mitigate"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("x", "dismiss_coach", "Dismiss", show=False),
        Binding("r", "runbooks", "Runbooks"),
    ]
    DEFAULT_CSS = """
    /* A grid, not rows of containers: every widget on the first frame costs Textual a few ms.
       Header and command line span both columns; the footer docks below. */
    WarRoomScreen {
        layout: grid; grid-size: 2 4; grid-columns: 1fr 54%; grid-rows: auto 1fr auto auto;
        background: $background;
    }
    WarRoomScreen IncidentHeader, WarRoomScreen CommandLine, WarRoomScreen CoachLine { column-span: 2; }
    /* Until the panes mount (just after the first frame): a title, not a widget of its own. */
    WarRoomScreen #signal-column.-starting { border-top: solid $primary 40%; border-title-color: $text-muted; }
    WarRoomScreen #signal-panes { height: 1fr; }
    WarRoomScreen #timeline { height: 1fr; min-height: 4; }
    WarRoomScreen .section {
        border-top: solid $primary 40%; border-title-color: $text-muted; border-title-style: bold;
        border-subtitle-color: $warning; border-subtitle-style: bold;
    }
    WarRoomScreen .section:focus-within { border-top: heavy $primary; border-title-color: $foreground; }
    /* z: the zoomed pane fills the screen (a role board is as tall as its roles otherwise). */
    WarRoomScreen.-maximized-view .-maximized { width: 1fr; height: 1fr; }
    WarRoomScreen #source-summary { display: none; height: auto; max-height: 8; }  /* MAX_SUMMARY_ROWS */
    WarRoomScreen .empty-state { padding: 1 2; color: $text-muted; height: auto; }
    WarRoomScreen #source-summary.empty-state { padding: 0 1; }
    WarRoomScreen TooSmall { display: none; }

    WarRoomScreen.-narrow { grid-size: 1 4; grid-columns: 1fr; }
    WarRoomScreen.-narrow IncidentHeader, WarRoomScreen.-narrow CommandLine, WarRoomScreen.-narrow CoachLine {
        column-span: 1;
    }
    WarRoomScreen.-narrow #signal-column { display: none; }
    WarRoomScreen.-narrow #source-summary { display: block; }
    /* Below 160 columns the header stacks: the title alone, then the state and the countdown. */
    WarRoomScreen.-narrow IncidentHeader, WarRoomScreen.-medium IncidentHeader {
        grid-size: 2 2; grid-columns: 1fr auto; height: 2;
    }
    /* The countdown keeps its whole width; the state line beside it shortens its words. */
    WarRoomScreen.-narrow #incident-state, WarRoomScreen.-medium #incident-state { width: 1fr; }
    WarRoomScreen.-narrow #incident-title, WarRoomScreen.-medium #incident-title { column-span: 2; }
    WarRoomScreen.-wide, WarRoomScreen.-xwide { grid-columns: 1fr 84; }
    /* Stacked panes under SignalPanes' side-by-side width (110): each pane a full ~106 columns. */
    WarRoomScreen.-xwide.-xtall { grid-columns: 108 1fr; }

    WarRoomScreen.-w-tiny, WarRoomScreen.-h-tiny { layout: vertical; }
    WarRoomScreen.-w-tiny #signal-column, WarRoomScreen.-h-tiny #signal-column,
    WarRoomScreen.-w-tiny #incident-column, WarRoomScreen.-h-tiny #incident-column,
    WarRoomScreen.-w-tiny IncidentHeader, WarRoomScreen.-h-tiny IncidentHeader,
    WarRoomScreen.-w-tiny CommandLine, WarRoomScreen.-h-tiny CommandLine,
    WarRoomScreen.-w-tiny CoachLine, WarRoomScreen.-h-tiny CoachLine,
    WarRoomScreen.-w-tiny Footer, WarRoomScreen.-h-tiny Footer { display: none; }
    WarRoomScreen.-w-tiny TooSmall, WarRoomScreen.-h-tiny TooSmall { display: block; }
    """

    def __init__(
        self, incident_id: int, state: IncidentState | None = None, opening: IncidentOpening | None = None
    ) -> None:
        """`state`: the incident already folded (the app loads it first); else loaded on mount.
        `opening`: how it was read (newest events only: the older ones load after the first frame)."""
        super().__init__()
        self.incident_id = incident_id
        self.state: IncidentState | None = None
        self._preloaded = state
        self._history = HistoryLoader(opening)
        self._checkpoints = CheckpointKeeper()
        self.follower: StoreFollower | None = None
        self._held: list[Event] = []
        self._busy = False
        #: The signal panes (probes, logs, resources...) once mounted; `/pin` asks them.
        self.signal_panes: Widget | None = None
        self._command: CommandInput | None = None
        #: Intervals from a monotonic clock, record times from the wall clock (set on mount).
        self.steady: SteadyTime | None = None
        #: Offers the runbook the latest matching event calls for ("runbook: … — press r").
        self.runbooks: Any = None

    @property
    def wapp(self) -> WarRoomHost:
        return self.app  # type: ignore[return-value]

    # --- composition -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.wapp.config
        self._apply_breakpoints(*self.app.size)
        yield IncidentHeader(id="header").data_bind(WarRoomScreen.paused, incident=WarRoomScreen.timing)
        column = Vertical(id="signal-column", classes="-starting")
        column.border_title = "starting the signal sources…"
        yield column
        with Vertical(id="incident-column"):
            timeline = Timeline(id="timeline", classes="section")
            timeline.border_title = "Timeline (UTC)"
            yield timeline
            roles = RoleBoard(tuple(config.team.extra_roles), id="roles", classes="section")
            roles.data_bind(WarRoomScreen.incident)
            roles.border_title = "Roles"
            yield roles
        yield CoachLine(id="coach-line").data_bind(incident=WarRoomScreen.timing)
        yield CommandLine(self.wapp.actor, id="command-line")
        yield Footer()

    async def on_mount(self) -> None:
        command = self.query_one(CommandInput)
        self._command = command
        command.completer = self._complete
        if self.wapp.config.ui.readonly:
            command.placeholder = "read-only screen: /help, /as · nothing is recorded; mitigations are off"
        state = self._preloaded
        self._preloaded = None
        if state is None:
            await self.wapp.store_ready.wait()
            opening = await self.wapp.store.open_incident(self.incident_id)
            state, self._history = opening.state, HistoryLoader(opening)
        if state is None:
            raise UserError(f"no incident INC-{self.incident_id} in {self.wapp.db_path}")
        self._set_state(state)
        self.query_one(Timeline).add_events(state.events)
        self._show_state()
        if self.wapp.read_only:
            self.show_read_only()
        self.set_interval(1.0, self._tick)
        await self._ensure_too_small()
        self.call_after_refresh(self.wapp.first_frame_shown)
        self.run_worker(self._go_live(), name="go live", group="follow")
        if self._history.pending or self._history.opening is not None:
            self.run_worker(self._history.run(self), name="older events", group="history", exit_on_error=False)

    async def _go_live(self) -> None:
        """Once the database is open (about when the first frame is drawn): follow it, then
        mount the live parts, the countdown and the signal panes (their imports and sources,
        httpx, psutil, followed files, start after the first frame: the room is readable at once)."""
        await self.wapp.store_ready.wait()
        assert self.state is not None
        self.follower = StoreFollower(self.wapp.store, self.incident_id, self.state.last_event_id, self._deliver)
        self.run_worker(self.follower.run(), name="follow store", group="follow", exit_on_error=False)
        from warroom.ui.screens.runbook_suggestion import RunbookSuggester

        self.runbooks = RunbookSuggester(self)
        self.runbooks.start()
        # Through the screen's own queue: the countdowns bind to the screen's reactives there.
        self.call_after_refresh(self.call_later, self._mount_live_widgets)

    def _mount_live_widgets(self) -> None:
        slots = self.query("#header, #signal-column, #incident-column")
        if not self.is_attached or not all(slot.is_attached for slot in slots):
            return  # quitting (Ctrl+C in the first moments) takes the slots down: nothing to do
        self._ensure_countdowns()
        self._mount_signal_widgets()

    def _mount_signal_widgets(self) -> None:
        """Mount the signal panes (each kind says how to configure it when it is not) and the
        one-line-per-source summary, or the line that says no source is configured."""
        config = self.wapp.config
        panes_slot = self.query_one("#signal-column")
        summary_column = self.query_one("#incident-column")
        panes_slot.remove_class("-starting")
        panes_slot.border_title = None
        # Imported here, after the first frame: the panes bring httpx, psutil and the sources.
        from warroom.ui.widgets.panes import SignalPanes, SourceSummary

        self.signal_panes = SignalPanes(config, id="signal-panes")
        panes_slot.mount(self.signal_panes)
        if source_names(config):
            summary: Widget = SourceSummary(config, id="source-summary")
        else:
            summary = Static(Text(NO_SOURCES_LINE), id="source-summary", classes="empty-state")
        summary_column.mount(summary, before=0)

    def _apply_breakpoints(self, width: int, height: int) -> None:
        """Set the breakpoint classes for this size now, before the first layout.

        Textual sets them on the screen's first Resize, which comes after the first frame: that
        frame would be laid out for no breakpoint (a one-line header at 120 columns), and every
        widget restyled, laid out and drawn a second time. Set here, the Resize finds nothing
        to change.
        """
        chosen = {
            breakpoint_class(width, self.HORIZONTAL_BREAKPOINTS),
            breakpoint_class(height, self.VERTICAL_BREAKPOINTS),
        }
        every = {name for _, name in self.HORIZONTAL_BREAKPOINTS + self.VERTICAL_BREAKPOINTS}
        self.update_classes({name: name in chosen for name in every}, update=False)

    # --- state -------------------------------------------------------------------------------

    async def on_resize(self, event: Resize) -> None:
        # Runs before Screen._on_resize has set the breakpoint classes: go by the new size.
        await self._ensure_too_small(event.size.width, event.size.height)

    async def _ensure_too_small(self, width: int | None = None, height: int | None = None) -> None:
        """Mount the "terminal too small" view the first time the terminal is that small."""
        width = self.app.size.width if width is None else width
        height = self.app.size.height if height is None else height
        if (width >= MIN_WIDTH and height >= MIN_HEIGHT) or self.query(TooSmall) or self.state is None:
            return
        view = TooSmall(id="too-small").data_bind(WarRoomScreen.incident)
        await self.mount(view, before=self.query_one(CommandLine))
        from warroom.ui.widgets.countdown import Countdown

        slot = view.query_one("#too-small-slot")
        if not slot.children:
            slot.mount(Countdown(self.timing, bell=False, classes="countdown").data_bind(incident=WarRoomScreen.timing))

    def _set_state(self, state: IncidentState, new: tuple[Event, ...] | None = None) -> None:
        """`state` on screen; `new`: the events just folded into it (None: read afresh)."""
        self.state = state
        if self.steady is None:
            monotonic = getattr(self.wapp, "monotonic", None)
            self.steady = SteadyTime(self.wapp.clock, monotonic)
        self.timing = self.steady.reset(state) if new is None else self.steady.advance(state, new)
        self.wapp.incident = state

    def watch_incident(self, state: IncidentState | None) -> None:
        """`app.incident` set from elsewhere (bound): the countdowns and the coach follow it."""
        if state is not None and state is not self.state and self.steady is not None:
            self.timing = self.steady.reset(state)

    def _deliver(self, events: tuple[Event, ...]) -> None:
        """Called by the follower with new committed events (any process), in id order."""
        if self.state is not None:
            self._set_state(advance(self.state, events), events)
            if self._checkpoints.folded(len(events)) and self.wapp.store is not None:
                save = CheckpointKeeper.save(self.wapp.store, self.state)  # in the store's thread
                self.run_worker(save, name="checkpoint", group="checkpoint", exit_on_error=False)
        self.post_message(self.EventsAppended(events))
        from warroom.ui.poller import Poller  # loaded with the signal panes, after the first frame

        poller = Poller.for_app(self.app)
        if poller is not None:
            poller.recorded(events)  # another screen's probe DOWN/UP shows in this one's pane

    def on_war_room_screen_events_appended(self, message: WarRoomScreen.EventsAppended) -> None:
        if self.wapp.paused:
            self._held.extend(message.events)
            self._show_held()
        else:
            self.query_one(Timeline).add_events(message.events)
        self._show_state()
        if self.runbooks is not None:
            self.runbooks.refresh(self.state)

    def _show_state(self) -> None:
        state = self.state
        if state is None:
            return
        count = len(state.events)
        shown = f"newest {count} events · loading older events…" if self._history.pending else f"{count} events"
        timeline = self.query_one(Timeline)
        timeline.border_title = f"Timeline (UTC) · {shown}{timeline.filter_note()}"

    def on_timeline_filter_filter_changed(self) -> None:
        """The `/` filter changed what the timeline shows: say so in its title."""
        self._show_state()

    @property
    def history_pending(self) -> bool:
        """The older events of a long incident are still loading: `state.events` holds only the
        newest ones, so the coach and the phase guide (which read the whole record) wait."""
        return self._history.pending

    def history_changed(self) -> None:
        """The older events are in (or could not be loaded): the title says how many there are."""
        self._show_state()
        if self._history.error:
            self.feedback(clean(self._history.error, cap=200), "error")

    def show_read_only(self) -> None:
        """The database cannot be written (full disk, read-only mount): a READ-ONLY badge in the
        header, a command line that says so and takes no typing, so nothing typed is lost."""
        reason = self.wapp.read_only or "it cannot be written"
        self.query_one(IncidentHeader).set_read_only(True)
        command = self.query_one(CommandInput)
        if self.wapp.config.ui.readonly:  # chosen (`--readonly`): /help and /as still answer
            command.placeholder = "read-only screen: /help, /as · nothing is recorded; mitigations are off"
            self.query_one(CommandLine).feedback(
                f"READ-ONLY · viewing only (--readonly): nothing can be written · {self.wapp.db_path}", "info"
            )
            return
        command.placeholder = f"READ-ONLY: nothing can be recorded ({reason})"
        command.disabled = True
        self.enter_key_mode(self.query_one(Timeline))  # nothing to type into: the keys scroll and zoom
        self.query_one(CommandLine).feedback(
            f"READ-ONLY · the database cannot be written ({reason}) · viewing only · {self.wapp.db_path}",
            "error",
        )

    def _ensure_countdowns(self) -> None:
        """The update countdown in the header (the too-small view mounts its own, silent)."""
        from warroom.ui.widgets.countdown import Countdown

        header = self.query_one(IncidentHeader)
        if not header.query(".countdown") and self.state is not None:
            countdown = Countdown(self.timing, id="countdown", classes="countdown")
            header.mount(countdown.data_bind(incident=WarRoomScreen.timing))

    def _tick(self) -> None:
        if self.state is not None and self.steady is not None:
            self.query_one(IncidentHeader).tick(self.steady.now())
            self.query_one(CoachLine).tick()
            for step in self.steady.take_steps():
                note_clock_step(self, step)
        error = self.follower.last_error if self.follower else None
        timeline = self.query_one(Timeline)
        if error is not None:
            # Text, not a str: a path or message with [brackets] must not be read as markup.
            timeline.border_subtitle = Text(f"⚠ not reading the database: {clean(str(error), cap=200)}")
        elif not self.wapp.paused:
            timeline.border_subtitle = ""

    def _show_held(self) -> None:
        timeline = self.query_one(Timeline)
        held = f" · {len(self._held)} new" if self._held else ""
        timeline.border_subtitle = f"⏸ PAUSED{held} · p resumes" if self.wapp.paused else ""

    # --- commands ----------------------------------------------------------------------------

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
            await run_line(self, line)
        finally:
            self._busy = False
            self._saving_line = None

    # --- actions -----------------------------------------------------------------------------

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
