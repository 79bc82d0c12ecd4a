"""Follow the store: notice events other processes commit, and deliver every new event once.

`PRAGMA data_version` changes whenever *another* connection commits, so a cheap poll every
0.25 s tells us when to read (a note typed in one of ten screens shows in the others within a
second even on a busy machine: benchmarks/ten_screens.py); our own appends call `poke()` instead. Every event reaches the
screen through this one path (`events(after_id=last seen)`), in id order, so an event written
by another process just before ours is never skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from warroom.domain.events import Event
from warroom.domain.incident import IncidentState, apply_readable, fold

if TYPE_CHECKING:  # the async store is not needed to draw the first frame
    from warroom.store.aio import AsyncEventStore

POLL_INTERVAL = 0.25


def advance(state: IncidentState, events: Iterable[Event]) -> IncidentState:
    """The state after `events` (newer than everything in `state`): same result as a full fold.

    Applying only the new events keeps a 100,000-event incident cheap to follow.
    """
    new = tuple(events)
    if not new:
        return state
    current: IncidentState | None = state
    for ev in new:
        current = apply_readable(current, ev)
    if current is None:  # cannot happen once declared; be correct anyway
        return fold(state.events + new) or state
    last = max(state.last_event_id, max(e.id or 0 for e in new))
    return replace(current, events=state.events + new, last_event_id=last)


class StoreFollower:
    """Reads new events of one incident and hands them to `deliver`, never overlapping itself."""

    def __init__(
        self,
        store: AsyncEventStore,
        incident_id: int,
        after_id: int,
        deliver: Callable[[tuple[Event, ...]], None],
        interval: float = POLL_INTERVAL,
    ) -> None:
        self.store = store
        self.incident_id = incident_id
        self.last_id = after_id
        self.deliver = deliver
        self.interval = interval
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.last_error: Exception | None = None

    def poke(self) -> None:
        """Read now (we just appended something ourselves)."""
        self._wake.set()

    async def catch_up(self) -> tuple[Event, ...]:
        """Read and deliver everything after the last event seen; returns what was delivered."""
        async with self._lock:
            events = tuple(await self.store.events(self.incident_id, self.last_id))
            if events:
                self.last_id = events[-1].id or self.last_id
                self.deliver(events)
            return events

    async def run(self) -> None:
        """Poll forever (run it as a worker; cancelling the worker stops it)."""
        version = await self.store.data_version()
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except TimeoutError:
                pass
            poked = self._wake.is_set()
            self._wake.clear()
            try:
                now_version = await self.store.data_version()
                if poked or now_version != version:
                    await self.catch_up()
                    version = now_version  # only once read: a failed read is retried
                self.last_error = None
            except Exception as exc:  # a locked or vanished file must not kill the screen
                self.last_error = exc
