"""The war room noting a step of the wall clock (an NTP jump): said on the command line, and
recorded once in the timeline however many screens on the host saw it (`domain.clock_step`:
the step's dedupe key is the same for all of them). A read-only screen only says it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warroom.domain.events import Kind

if TYPE_CHECKING:
    from warroom.domain.clock_step import ClockStep


def note_clock_step(screen: Any, step: ClockStep) -> None:
    """Say `step` on the war room `screen`'s command line and record it (in a worker) when it may write."""
    payload = step.payload()
    screen.feedback(f"⚠ {payload['text']}")
    app = screen.wapp
    if app.config.ui.readonly or app.read_only:
        return
    screen.run_worker(_record(screen, step), name="clock step", group="clock", exit_on_error=False)


async def _record(screen: Any, step: ClockStep) -> None:
    from warroom.recorder import SYSTEM_ACTOR

    app = screen.wapp
    await app.store_ready.wait()
    await app.store.append(
        screen.incident_id,
        Kind.CLOCK_STEPPED,
        step.payload(),
        actor=SYSTEM_ACTOR,
        at=step.after,
        dedupe_key=step.dedupe_key(),
    )
    if screen.follower is not None:
        screen.follower.poke()  # our own write: show it now, not at the next poll
