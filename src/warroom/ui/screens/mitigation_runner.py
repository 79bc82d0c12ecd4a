"""Running a confirmed mitigation from the screen, recording it, then asking "Users okay?".

One coroutine, run as an app worker by `MitigationScreen.start` (so Esc can leave the screen
while the command runs): the service runs the capture and the command
(`services.mitigation_run.run_mitigation`, streaming each line to the screen), appends the
`mitigation` event on the app's async store (`record_mitigation_async`), and says how it ended.
After a command that exited 0 the IC is asked whether users are okay, beside the probes and
error rate now; Yes appends the mitigated milestone (`catalogue.mitigation_applied` with the
option's title). Nothing here raises into Textual: every failure becomes a plain line.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from warroom.sanitize import clean

if TYPE_CHECKING:
    from warroom.domain.mitigation import MitigationOption

#: The mitigation screen (not imported: it imports this module): `wapp`, `say`, `stream_line`,
#: `running`.
MitigationScreen = Any


class RunningMitigation:
    """The mitigation running now, as the app knows it (`app.running_mitigation`): quitting from
    the screen asks first, naming it, since stopping it half-done (a rollback) is an effect of
    its own; a hangup or SIGTERM stops it unasked, and the record says it was interrupted."""

    def __init__(self, option: MitigationOption, started: float) -> None:
        self.option = option
        #: `time.monotonic()` when it was started.
        self.started = started

    def question(self, now: float) -> str:
        """ "A mitigation is running: NAME ($ COMMAND, started 12 s ago). Quit and stop it?" """
        from warroom.ui.widgets.mitigation_list import shown_command

        command = clean(shown_command(self.option), cap=120)
        return (
            f"A mitigation is running: {clean(self.option.name, cap=80)} ($ {command}, "
            f"started {_ago(now - self.started)} ago). Quit and stop it?"
        )

    def details(self) -> list[str]:
        return [
            "Quit and stop it: the command and everything it started are killed, and the record "
            "says it was interrupted (a rollback may be left half-done).",
            "Keep running: the war room stays open; its output, exit code and the "
            '"users okay?" question follow when it ends.',
        ]


def _ago(seconds: float) -> str:
    whole = max(int(seconds), 0)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def mark_running(app: Any, option: MitigationOption) -> RunningMitigation:
    """Tell the app `option` runs from now on (until `run_and_record` ends)."""
    running = RunningMitigation(option, time.monotonic())
    app.running_mitigation = running
    return running


def ended(title: str, outcome: Any) -> tuple[str, bool]:
    """How the run ended in one line, and whether it worked."""
    capture = outcome.capture
    captured = ""
    if capture is not None:
        how = f"exit {capture.exit_code}" if capture.exit_code is not None else (capture.error or "did not finish")
        captured = f" · state captured first ({clean(str(how), cap=80)})"
    if outcome.ok:
        return f"✔ {title}: {outcome.describe()}{captured}", True
    return f"✖ {title} FAILED: {clean(outcome.describe(), cap=300)}{captured}", False


async def run_and_record(
    screen: MitigationScreen, option: MitigationOption, running: RunningMitigation | None = None
) -> None:
    """Run `option` (already confirmed), record it, say how it went, then ask about the users.
    `running`: what `mark_running` told the app (cleared here when the run ends)."""
    from warroom.redact import known_secrets, register_config_secrets
    from warroom.services.mitigation_run import interrupted_outcome, record_mitigation_async, run_mitigation

    app = screen.wapp
    title = clean(option.title, cap=120)
    incident_id: int = getattr(app, "incident_id", None) or 0
    try:
        started = time.monotonic()
        try:
            # As `warroom mitigate` does: the config's ${ENV} values are hidden in what streams and is kept.
            register_config_secrets(app.config)
            outcome = await run_mitigation(option, on_line=screen.stream_line, secrets=known_secrets())
        except asyncio.CancelledError:
            # Quitting (Ctrl+Q once confirmed, a hangup, SIGTERM) cancels the worker, which kills
            # the command's process group: the record says it was interrupted, if the database
            # still takes it.
            stopped = interrupted_outcome(option, time.monotonic() - started)
            with contextlib.suppress(BaseException):
                await asyncio.shield(record_mitigation_async(app.store, incident_id, option, stopped, actor=app.actor))
            raise
        except Exception as exc:  # the service reports failures as outcomes; this is belt and braces
            screen.say(f"✖ {title} could not be run: {exc}", error=True)
            return
        line, worked = ended(title, outcome)
        recorded = ""
        try:
            event = await record_mitigation_async(app.store, incident_id, option, outcome, actor=app.actor)
            recorded = f" · recorded #{event.id}" if event is not None else " · recorded"
        except Exception as exc:  # a locked or full database: the run happened, say it is not in the record
            screen.say(f"{line} · NOT RECORDED: {exc}", error=True)
            worked = False
        else:
            advice = "" if worked else " · users are still hurting: try the next option"
            screen.say(line + recorded + advice, error=not worked, good=worked)
        poke = getattr(getattr(app, "follower", None), "poke", None)
        if callable(poke):
            poke()
    finally:
        screen.running = None
        if running is not None and getattr(app, "running_mitigation", None) is running:
            app.running_mitigation = None
    if worked:
        ask_users_okay(screen, option, line + recorded)


def ask_users_okay(screen: MitigationScreen, option: MitigationOption, what_ran: str) -> None:
    """ "Users okay?" beside the probes and error rate now; Yes records the mitigated milestone."""
    from warroom.ui.screens.users_okay import UsersOkayScreen, signal_lines

    app = screen.wapp
    incident_id: int = getattr(app, "incident_id", None) or 0

    async def answered(yes: bool | None) -> None:
        if not yes:
            screen.say(
                "users not confirmed okay: nothing more recorded · keep mitigating "
                "(the next option), or /mitigated TEXT once the metrics say so"
            )
            return
        from warroom.domain import catalogue
        from warroom.domain.events import Kind

        try:
            event = await app.store.append(
                incident_id,
                Kind.MITIGATED,
                catalogue.mitigation_applied(option.title),
                actor=app.actor,
                at=app.clock(),
            )
        except Exception as exc:
            screen.say(f"mitigated NOT RECORDED: {exc}", error=True)
            return
        number = f" #{event.id}" if event is not None else ""
        screen.say(f"✔ mitigated recorded{number}: {clean(option.title, cap=120)} (MTTM stops here)", good=True)
        poke = getattr(getattr(app, "follower", None), "poke", None)
        if callable(poke):
            poke()

    app.push_screen(UsersOkayScreen(what_ran, signal_lines(app.poller())), answered)  # type: ignore[attr-defined]
