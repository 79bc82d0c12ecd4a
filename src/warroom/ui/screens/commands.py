"""Run one line from the war room's command line against the store.

`domain.slash.interpret` decides what the line means; this module does it: append the event
(feedback only once the store has committed it), ask before resolving, switch who is typing,
forward `/pin` to the signal panes.

What happens to the line (the rule, also in the README):
- every line that is carried out, asked about or found to change nothing is consumed: the input
  is cleared and the line kept in history (Up recalls it). "already SEV-1" is a message, not
  kept input, so the next command is never glued onto it;
- a line that is an outright error (unknown command, bad argument, a name that is not a handle,
  no such pane) stays in the input to be fixed, with the error beside it;
- a store error (a locked database) is shown and the text stays in the input: Enter retries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.domain.slash import Append, Empty, Invalid, Pin, SetActor, ShowHelp, Unchanged, interpret
from warroom.ui.messages import PinRequested
from warroom.ui.widgets.commandline import CommandInput, CommandLine, submitted_text

if TYPE_CHECKING:
    from warroom.ui.screens.warroom import WarRoomScreen


async def run_line(screen: "WarRoomScreen", line: str) -> None:
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
    # A pasted line break shows as ⏎ in the one-line input; the note keeps it as a newline.
    command = interpret(submitted_text(line), state, app.config.team.extra_roles)

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
        panes = screen._signal_panes
        resolve = getattr(panes, "resolve", None)
        if panes is None or (callable(resolve) and not resolve(command.pane)):
            known = ", ".join(screen.pane_names()) or "none configured"
            screen.feedback(f"no pane named {command.pane} (panes: {known})", "error")
            return  # the text stays in the input to be corrected
        panes.post_message(PinRequested(command.pane))  # the panes answer with CommandFeedback
        done(f"pinning {command.pane}…")
        return
    assert isinstance(command, Append)
    if app.config.ui.readonly:
        screen.feedback("read-only screen (ui.readonly = true): nothing recorded", "error")
        return
    if getattr(app, "read_only", None):  # the database cannot be written: never try
        screen.feedback(f"READ-ONLY: {app.db_path} cannot be written ({app.read_only}): nothing recorded", "error")
        return
    if command.confirm:
        from warroom.ui.screens.confirm import ConfirmScreen

        async def answered(yes: bool | None) -> None:
            if yes:
                await _append(screen, command, line, done)
            else:
                done("not resolved: nothing recorded (Up recalls the line)")
            command_input.focus()

        title, details = confirm_lines(command, state, app.actor)
        screen.app.push_screen(ConfirmScreen(title, details, confirm="Resolve", cancel="Cancel"), answered)
        return
    await _append(screen, command, line, done)


def confirm_lines(command: Append, state, actor: str) -> tuple[str, list[str]]:  # noqa: ANN001
    """The question and what will happen, for a command that asks first (resolving)."""
    question, *rest = (command.confirm or "").split("\n")
    text = str(command.payload.get("text") or "")
    details = [
        f"Incident: {state.short_id} · {state.severity.label} · {state.status.value} · {state.title}",
        f"Resolution: {text}" if text else "Resolution: (no text)",
        f"Recorded as resolved by {actor}: the incident closes and the update countdown stops.",
        *rest,
    ]
    return question, details


async def _append(screen: "WarRoomScreen", command: Append, line: str, done) -> None:  # noqa: ANN001
    app = screen.wapp
    command_input = screen.query_one(CommandInput)
    command_input.add_class("-busy")
    screen.feedback("saving…")
    try:
        event = await app.store.append(
            screen.incident_id, command.kind, command.payload, actor=app.actor, at=app.clock()
        )
    except Exception as exc:  # locked database, full disk: say so, keep the text
        screen.feedback(f"NOT SAVED: {exc} (your text is kept: Enter retries)", "error")
        screen.not_saved(line)  # quitting asks before dropping it
        return
    finally:
        command_input.remove_class("-busy")
    screen.saved(line)
    event_id = f"#{event.id}" if event is not None else ""
    done(f"saved {event_id} · {command.done}", "saved")
    if screen.follower is not None:
        screen.follower.poke()
