"""Group commit for the intake: notifications that arrive while a commit is in flight are
written together, in one transaction, and each request is answered only once its own
transitions are committed.

Alertmanager sends each alert group on a connection of its own, so during a storm many
notifications wait at once. One transaction per notification makes the commit (the store's
lock, its WAL write, a round trip to the store's thread) the cost of every request; here the
first notification starts a commit at once, and every one that arrives meanwhile joins the next
commit, which starts as soon as that one ends. Nothing waits for a timer: a lone notification
is committed exactly as before.

Durability is unchanged: `record()` returns only after the transaction holding its writes has
committed, and raises when it failed (then none of that batch was recorded, and each of its
requests gets a 500, so Alertmanager sends it again).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from warroom.store.alerts import AlertIndex, AlertsRecorded, AlertWrite

T = TypeVar("T")


#: What one queued notification waits for: its writes, what to make of the result, its future.
_Queued = tuple[Sequence[AlertWrite], Callable[[AlertsRecorded], Any], "asyncio.Future[Any]"]


def _same(done: AlertsRecorded) -> AlertsRecorded:
    return done


class GroupCommit:
    """Queues notifications' writes and commits them in batches (see the module docstring).

    `store` is an `AsyncEventStore` (anything with `record_alert_groups`); `prefer()` names the
    incident the process watches, read once per batch; `index` is the receiver's `AlertIndex`,
    carried from one batch to the next."""

    def __init__(self, store: Any, prefer: Callable[[], int | None], index: AlertIndex) -> None:
        self.store = store
        self.prefer = prefer
        self.index = index
        self._waiting: list[_Queued] = []
        self._inflight: list[_Queued] = []
        self._flusher: asyncio.Task[None] | None = None
        #: How many transactions were committed, and how many notifications they held.
        self.commits = 0
        self.notifications = 0

    def submit(self, writes: Sequence[AlertWrite], then: Callable[[AlertsRecorded], T]) -> asyncio.Future[T]:
        """Queue one notification's writes; the future holds `then(result)` once they are
        committed (or the exception that stopped the commit, or that `then` raised). A future
        cancelled meanwhile (its client went away) leaves the batch to the others."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((writes, then, future))
        if self._flusher is None:
            self._flusher = loop.create_task(self._flush())
        return future

    async def record(self, writes: Sequence[AlertWrite]) -> AlertsRecorded:
        """Record one notification's writes; returns once they are committed."""
        return await self.submit(writes, _same)

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                self._inflight = batch
                try:
                    results = await self.store.record_alert_groups(
                        [writes for writes, _, _ in batch], prefer=self.prefer(), index=self.index
                    )
                except Exception as exc:  # nothing of the batch was committed: every request hears it
                    for _, _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                self.commits += 1
                self.notifications += len(batch)
                for (_, then, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    try:
                        future.set_result(then(result))
                    except Exception as exc:
                        future.set_exception(exc)
        finally:
            self._flusher = None
            for _, _, future in self._inflight + self._waiting:  # cancelled (the loop is ending): none hangs
                if not future.done():
                    future.set_exception(RuntimeError("the receiver stopped before recording"))
            self._inflight, self._waiting = [], []

    async def drain(self) -> None:
        """Wait for the commit in flight and those queued (the receiver is closing)."""
        while self._flusher is not None:
            await asyncio.shield(self._flusher)
