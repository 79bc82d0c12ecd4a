"""The war room noting a step of the wall clock (an NTP jump): said on the command line, and
recorded once in the timeline however many screens on the host saw it (`domain.clock_step`:
the step's dedupe key is the same for all of them). A read-only screen only says it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from warroom.domain.clock_step import STEP_THRESHOLD, ClockStep, step_of
from warroom.domain.events import Kind

#: A step recorded this close to the one seen here is taken to be the same one.
RECENT = timedelta(minutes=5)


def note_clock_step(screen: Any, step: ClockStep) -> None:
    """Say `step` on the war room `screen`'s command line; record it (in a worker) when the
    screen may write and no other screen has recorded it yet."""
    payload = step.payload()
    screen.feedback(f"⚠ {payload['text']}")
    app = screen.wapp
    if app.config.ui.readonly or app.read_only or already_recorded(screen.state, step):
        return
    screen.run_worker(_record(screen, step), name="clock step", group="clock", exit_on_error=False)


def already_recorded(state: Any, step: ClockStep) -> bool:
    """Another screen recorded this step already (the dedupe key covers all but a step seen
    astride a 5-minute boundary): the newest `clock.stepped` is of about this size, just now."""
    events = getattr(state, "events", ())
    latest = next((e for e in reversed(events[-50:]) if e.kind == Kind.CLOCK_STEPPED), None)
    if latest is None:
        return False
    return abs(step_of(latest) - step.delta) <= STEP_THRESHOLD and abs(latest.at - step.after) <= RECENT


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
