"""Run one line from the war room's command line against the store.

`domain.slash.interpret` decides what the line means and `services.command_line` whether and
how it is recorded; this module shows it: feedback (only once the store has committed), the
confirm dialog before resolving, who is typing, forwarding `/pin` to the signal panes.

What happens to the line (the rule, also in the README):
- every line that is carried out, asked about or found to change nothing is consumed: the input
  is cleared and the line kept in history (Up recalls it). "already SEV-1" is a message, not
  kept input, so the next command is never glued onto it;
- a line that is an outright error (unknown command, bad argument, a name that is not a handle,
  no such pane) stays in the input to be fixed, with the error beside it;
- a store error (a locked database) is shown and the text stays in the input: Enter retries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from warroom.domain.events import Kind
from warroom.domain.slash import (
    Append,
    DismissWarning,
    Empty,
    Invalid,
    OpenMitigations,
    OpenRunbooks,
    Pin,
    SetActor,
    ShowHelp,
    Unchanged,
    interpret,
)
from warroom.services import command_line
from warroom.ui.widgets.commandline import CommandInput, CommandLine, submitted_text

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from warroom.domain.incident import IncidentState
    from warroom.domain.resolve_checks import ResolveChecks
    from warroom.services.follow import StoreFollower
    from warroom.ui.host import WarRoomHost


class LineScreen(Protocol):
    """What a line needs from the screen it was typed on (the war room screen), typed here so
    this module does not import the screen that imports it."""

    incident_id: int
    state: IncidentState | None
    follower: StoreFollower | None
    signal_panes: Widget | None

    @property
    def wapp(self) -> WarRoomHost: ...
    @property
    def app(self) -> App[Any]: ...
    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
    def feedback(self, text: str, kind: str = "info") -> None: ...
    def action_help(self) -> None: ...
    def action_mitigate(self) -> None: ...
    def pane_names(self) -> list[str]: ...
    def saved(self, line: str) -> None: ...
    def not_saved(self, line: str) -> None: ...


async def run_line(screen: LineScreen, line: str) -> None:
    """Interpret and carry out `line` (already submitted from the command line)."""
    app = screen.wapp
    command_input = screen.query_one(CommandInput)
    state = screen.state
    if state is None:
        screen.feedback("the incident is still loading…", "error")
        return
    if screen.follower is not None:
        try:
            await screen.follower.catch_up()  # check against what other processes just wrote
        except Exception:
            pass  # the append below reports a store problem properly
        state = screen.state or state
    if app.config.ui.readonly:  # `--readonly`: only what records nothing runs; the text stays
        from warroom.domain.slash import read_only_refusal

        if (refused_here := read_only_refusal(submitted_text(line))) is not None:
            screen.feedback(refused_here, "error")
            return
    # A pasted line break shows as ⏎ in the one-line input; the note keeps it as a newline.
    command = interpret(submitted_text(line), state, app.config.team.extra_roles, actor=app.actor)

    def done(text: str, kind: str = "info") -> None:
        command_input.remember(line.strip())
        if command_input.value == line:
            command_input.value = ""
        screen.feedback(text, kind)

    if isinstance(command, Empty):
        return
    if isinstance(command, Invalid):
        screen.feedback(command.message, "error")
        return  # the text stays in the input to be corrected
    if isinstance(command, Unchanged):
        done(command.message)
        return
    if isinstance(command, ShowHelp):
        done("help: Esc closes it")
        screen.action_help()
        return
    if isinstance(command, SetActor):
        app.actor = command.name
        screen.query_one(CommandLine).set_actor(command.name)
        done(f"you are typing as {command.name}")
        return
    if isinstance(command, Pin):
        panes = screen.signal_panes
        resolve = getattr(panes, "resolve", None)
        if panes is None or (callable(resolve) and not resolve(command.pane)):
            known = ", ".join(screen.pane_names()) or "none configured"
            screen.feedback(f"no pane named {command.pane} (panes: {known})", "error")
            return  # the text stays in the input to be corrected
        panes.call_later(panes.pin, command.pane)  # the panes answer with SignalPanes.CommandFeedback
        done(f"pinning {command.pane}…")
        return
    if isinstance(command, DismissWarning):
        from warroom.ui.screens.coach_dismiss import dismiss

        text, kind = await dismiss(screen)
        if kind == "error":
            screen.feedback(text, kind)  # nothing recorded: the line stays for Enter to retry
        else:
            done(text, kind)
        return
    if isinstance(command, OpenRunbooks):
        from warroom.ui.screens.runbooks import RunbookScreen

        done("runbooks: Esc goes back")
        screen.app.push_screen(RunbookScreen(command.query))
        return
    if isinstance(command, OpenMitigations):
        done("mitigation screen: Esc comes back here")
        screen.action_mitigate()
        return
    assert isinstance(command, Append)
    refused = command_line.refusal(app.config.ui.readonly, getattr(app, "read_only", None), app.db_path)
    if refused:  # a read-only screen, or a database that cannot be written: never try
        screen.feedback(refused, "error")
        return
    if command.confirm:
        from warroom.ui.screens.confirm import ConfirmScreen

        actor = app.actor
        checks = _resolve_checks(screen, state, actor) if command.kind == Kind.RESOLVED else None
        overrides = checks.overrides if checks is not None else []

        async def answered_again(yes: bool | None) -> None:
            if yes:
                await _append(screen, command_line.overriding(command, actor, overrides), line, done)
            else:
                done(command_line.NOT_RESOLVED)
            command_input.focus()

        async def answered(yes: bool | None) -> None:
            if yes and checks is not None and overrides:
                # A probe down, or not the IC: ask again, saying why (Cancel focused again).
                again_title, again_details = checks.again()
                screen.app.push_screen(
                    ConfirmScreen(again_title, again_details, confirm="Resolve anyway", cancel="Cancel"),
                    answered_again,
                )
                return
            await answered_again(yes)

        title, details = command_line.confirm_lines(command, state, actor, checks)
        screen.app.push_screen(ConfirmScreen(title, details, confirm="Resolve", cancel="Cancel"), answered)
        return
    await _append(screen, command, line, done)


def _resolve_checks(screen: LineScreen, state: IncidentState, actor: str) -> ResolveChecks:
    """What `/resolve` shows first: the poller's probes now, the error rate, metrics recovered."""
    from warroom.domain.resolve_checks import detected_at
    from warroom.ui.poller import Poller

    poller = Poller.for_app(screen.app)
    probes = poller.probe_views() if poller is not None else None
    rate = poller.error_rate(detected_at(state)) if poller is not None else None
    return command_line.resolve_checks(state, actor, probes, rate)


async def _append(screen: LineScreen, command: Append, line: str, done) -> None:
    app = screen.wapp
    command_input = screen.query_one(CommandInput)
    command_input.add_class("-busy")
    screen.feedback("saving…")
    try:
        saved = await command_line.record(app.store, screen.incident_id, command, app.actor, app.clock())
    except Exception as exc:  # locked database, full disk: say so, keep the text
        screen.feedback(command_line.not_saved(exc), "error")
        screen.not_saved(line)  # quitting asks before dropping it
        return
    finally:
        command_input.remove_class("-busy")
    screen.saved(line)
    done(saved, "saved")
    if screen.follower is not None:
        screen.follower.poke()
