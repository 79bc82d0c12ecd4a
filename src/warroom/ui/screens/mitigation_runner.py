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


async def run_and_record(screen: MitigationScreen, option: MitigationOption) -> None:
    """Run `option` (already confirmed), record it, say how it went, then ask about the users."""
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
            # Quitting (Ctrl+Q, a hangup) cancels the worker, which kills the command's process
            # group: the record says it was interrupted, if the database still takes it.
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
