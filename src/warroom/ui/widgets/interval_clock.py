"""Which clock a widget counts intervals with (countdowns, elapsed, the coach's deadlines).

On the war room that is the screen's steady time (`services.steady_time`): the wall clock less
any step it took since the screen opened, so an NTP jump of an hour moves no countdown. Any
other screen (the draft screen's countdown, a test app) counts with the app's `clock`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widget import Widget


def interval_now(widget: Widget) -> datetime:
    """Now, for measuring how long since or until something, as `widget`'s screen sees it."""
    try:
        screen = widget.screen
    except Exception:  # not mounted yet: no screen to ask
        screen = None
    steady = getattr(screen, "steady", None)
    if steady is not None:
        return steady.now()
    clock = getattr(widget.app, "clock", None)
    return clock() if callable(clock) else datetime.now(UTC)
