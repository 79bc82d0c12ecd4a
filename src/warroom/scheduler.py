"""The one loop that runs sources: the war room's poller and `warroom record` both use it.

Each source runs on its own interval, and its next run is scheduled when the last one finishes,
so a slow source never overlaps itself or piles up; one failing or hanging source never delays
the others. A source that fails (see `registry.source_failed`) backs off exponentially and is
shown stale with its last good data. Every poll goes through the recorder's `SourceHub`, which
collects, runs the kind's rule once (events, samples, a probe's damped state) and records what
changed if this process holds the incident's lease; the result is handed on as a frozen
`SourceUpdate`. The screen posts it to its panes (`ui/poller.py`); `warroom record` prints it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.sources.registry import source_failed
from warroom.sources.snapshots import PollFailure

if TYPE_CHECKING:
    from warroom.recorder import PollOutcome, SourceHub
    from warroom.sources.base import Source

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Longest wait between retries of a failing source (never shorter than its own interval).
MAX_BACKOFF = 120.0

__all__ = ["MAX_BACKOFF", "PollFailure", "Scheduler", "SourceUpdate", "backoff_delay", "is_failure", "source_name"]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SourceUpdate:
    """One finished poll of one source, as the panes see it."""

    key: str  # "probe:api", "log:api", "resources", ...
    kind: str  # a registered kind (`warroom.sources.registry`)
    name: str  # what people call it: "api", "long queries"
    snapshot: Any  # the newest snapshot (carries `error` when the source failed)
    last_good: Any | None  # the newest snapshot without an error, or None
    failures: int  # consecutive failed polls (0: healthy)
    polled_at: datetime
    next_at: datetime  # when the next poll starts (later while backing off)
    events: tuple[Any, ...] = field(default=())  # events the hub recorded from this poll
    record_error: str | None = None  # the recorder could not write (locked database...)
    #: What the kind's rule says now (a probe's `ProbeStatus`), None for kinds without one.
    status: Any = None

    @property
    def error(self) -> str | None:
        return getattr(self.snapshot, "error", None) or None

    @property
    def stale(self) -> bool:
        """True while the source is failing: what is shown is older than it looks."""
        return self.failures > 0


def backoff_delay(interval: float, failures: int, cap: float = MAX_BACKOFF) -> float:
    """Seconds until the next poll: the interval, doubling per consecutive failure after the first."""
    interval = max(float(interval), 0.05)
    if failures <= 1:
        return interval
    return min(interval * (2 ** (failures - 1)), max(interval, cap))


def source_name(source: Any) -> str:
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return name
    key = str(getattr(source, "key", "?"))
    return key.split(":", 1)[1] if ":" in key else key


def is_failure(kind: str, snapshot: Any) -> bool:
    """Did the *source* fail (back off, show stale), as opposed to reporting bad news?"""
    return source_failed(kind, snapshot)


class Scheduler:
    """Runs the hub's sources on their intervals; `publish` gets each `SourceUpdate`.

    `run_source(source)` is one source's loop (the screen runs each in a Textual worker);
    `run()` runs them all as tasks until `duration` passes or `stop` is set (`warroom record`).
    `on_outcome(source, outcome)` sees the hub's `PollOutcome` of every finished poll;
    `on_recorded()` is called when a poll recorded events (the screen pokes its store follower).
    """

    def __init__(
        self,
        hub: SourceHub,
        *,
        publish: Callable[[SourceUpdate], None] | None = None,
        on_outcome: Callable[[Source, PollOutcome], None] | None = None,
        on_recorded: Callable[[], None] | None = None,
        clock: Clock | None = None,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self.hub = hub
        self.publish = publish
        self.on_outcome = on_outcome
        self.on_recorded = on_recorded
        self.clock: Clock = clock or utcnow
        self.max_backoff = max_backoff
        self._wake: dict[str, asyncio.Event] = {}
        #: Keys of the sources collecting right now.
        self.busy: set[str] = set()

    @property
    def sources(self) -> list[Any]:
        return list(self.hub.sources)

    def poll_now(self, key: str | None = None) -> None:
        """Cut the current wait short for one source (or all): poll as soon as the last one ends."""
        for k, event in self._wake.items():
            if key is None or k == key:
                event.set()

    def deadline(self, source: Source) -> float:
        """A safety net only: sources enforce their own timeouts well inside this."""
        timeout = float(getattr(source, "timeout", 0) or 0)
        return max(15.0, 2.0 * float(source.interval), timeout + 5.0)

    async def poll(self, source: Source, now: datetime) -> PollOutcome:
        """One poll through the hub, within the deadline; never raises (but for cancellation)."""
        from warroom.recorder import PollOutcome

        try:
            return await asyncio.wait_for(self.hub.poll(source, now), self.deadline(source))
        except TimeoutError:
            return PollOutcome(PollFailure(now, f"no result within {self.deadline(source):.0f}s"))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # collect() must not raise; if it does, show it, keep going
            log.exception("polling %s failed", source.key)
            return PollOutcome(PollFailure(now, f"{type(exc).__name__}: {exc}"))

    async def run_source(self, source: Source, first_delay: float = 0.0, stop: asyncio.Event | None = None) -> None:
        """Poll `source` until cancelled (or `stop` is set), each run `interval` after the last."""
        key = source.key
        kind = str(getattr(source, "kind", ""))
        wake = self._wake.setdefault(key, asyncio.Event())
        failures = 0
        last_good: Any | None = None
        if first_delay and await self._wait(wake, first_delay, stop):
            return
        while stop is None or not stop.is_set():
            # Cleared before the collect, so a `poll_now` during it polls again right after.
            wake.clear()
            now = self.clock()
            self.busy.add(key)
            try:
                outcome = await self.poll(source, now)
            finally:
                self.busy.discard(key)
            if outcome.events and self.on_recorded is not None:
                self.on_recorded()
            if self.on_outcome is not None:
                self.on_outcome(source, outcome)
            snapshot = outcome.snapshot
            if is_failure(kind, snapshot):
                failures += 1
            else:
                failures = 0
                last_good = snapshot
            delay = self.hub.paced(source, backoff_delay(source.interval, failures, self.max_backoff))
            if self.publish is not None:
                polled = self.clock()
                self.publish(
                    SourceUpdate(
                        key=key,
                        kind=kind,
                        name=source_name(source),
                        snapshot=snapshot,
                        last_good=last_good,
                        failures=failures,
                        polled_at=polled,
                        next_at=polled + timedelta(seconds=delay),
                        events=tuple(outcome.events or ()),
                        record_error=outcome.record_error,
                        status=outcome.status,
                    )
                )
            if await self._wait(wake, delay, stop):
                return

    @staticmethod
    async def _wait(wake: asyncio.Event, delay: float, stop: asyncio.Event | None) -> bool:
        """Sleep `delay` (cut short by `wake`); True when `stop` was set meanwhile."""
        if stop is None:
            try:
                await asyncio.wait_for(wake.wait(), delay)
            except TimeoutError:
                pass
            return False
        waits = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
        return stop.is_set()

    async def watch_lease(self) -> None:
        """While another process records, read its lease now and then; poll every source at
        once when this process takes over or the holder falls quiet (`FollowsLease`)."""
        await self.hub.watch_lease(self.poll_now)

    async def run(self, *, duration: float | None = None, stop: asyncio.Event | None = None) -> None:
        """Run every source until `duration` passes or `stop` is set.

        First runs are staggered over (at most) a second or two: 150 probes starting in the
        same loop iteration queue behind each other and read slow.
        """
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration if duration is not None else None
        sources = self.sources
        count = max(1, len(sources))
        tasks = [
            asyncio.create_task(
                self.run_source(s, (i / count) * min(float(s.interval), 2.0), stop), name=f"poll {s.key}"
            )
            for i, s in enumerate(sources)
        ]
        tasks.append(asyncio.create_task(self.watch_lease(), name="watch the recorder lease"))
        try:
            if deadline is None:
                await stop.wait()
            else:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=max(0.0, deadline - loop.time()))
                except TimeoutError:
                    pass
        finally:
            stop.set()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
