"""A long incident in the war room: its older history loaded after the first frame, and the
checkpoints of its fold kept fresh while it is followed.

The first frame shows the incident folded to its newest event and only its newest events
(`store.checkpoints.open_incident`). Then, once the database is open, `HistoryLoader` saves a
checkpoint if the opener had to fold many events, reads the older events a page at a time (in
the store's thread), makes their timeline rows in a thread and merges them in, and puts them in
the incident's state: from then on everything that reads the events (the timeline, `/resolve`,
the drafts) sees all of them, once each. Until then the command line waits (its text is kept)
and the timeline's title says the older events are loading.

`CheckpointKeeper` writes a checkpoint every CHECKPOINT_EVERY events the room folds while it
follows the store, in the store's thread: a failed write is logged and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from warroom.domain.checkpoint import CHECKPOINT_EVERY
from warroom.domain.events import Event

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState
    from warroom.store.aio import AsyncEventStore
    from warroom.store.checkpoints import IncidentOpening
    from warroom.ui.host import WarRoomHost


class HistoryScreen(Protocol):
    """What the loader needs of the war room screen (typed here, not imported: no cycle)."""

    state: IncidentState | None

    @property
    def wapp(self) -> WarRoomHost: ...

    @property
    def is_attached(self) -> bool: ...

    def query_one(self, selector: Any) -> Any: ...

    def _set_state(self, state: IncidentState) -> None: ...

    def history_changed(self) -> None: ...


log = logging.getLogger(__name__)

#: Events read per round trip to the store's thread: appends wait at most one page.
HISTORY_PAGE = 5000


class HistoryLoader:
    """Brings the older events of an incident opened with its newest ones (see the docstring)."""

    def __init__(self, opening: IncidentOpening | None) -> None:
        self.opening = opening
        #: Set once every event is in the timeline and the state (or loading failed).
        self.loaded = asyncio.Event()
        if opening is None or opening.complete:
            self.loaded.set()
        #: Why the older events could not be loaded (shown under the timeline), or None.
        self.error: str | None = None

    @property
    def pending(self) -> bool:
        return not self.loaded.is_set()

    async def run(self, screen: HistoryScreen) -> None:
        """Save the opener's checkpoint if due, then load and merge the older events."""
        opening = self.opening
        if opening is None:
            return
        try:
            await screen.wapp.store_ready.wait()
            store = screen.wapp.store
            if opening.checkpoint_due:
                await store.save_checkpoint(opening.state)
            if opening.complete:
                return
            if opening.history is not None:
                older = opening.history
            else:
                older = tuple(await read_older(store, opening.state.incident_id, opening.history_before))
            await self._merge(screen, older)
        except Exception as exc:  # a vanished or locked file: say so, keep the room usable
            self.error = f"older events not loaded: {exc}"
            log.warning("%s", self.error)
        finally:
            self.opening = None  # the history it may hold is in the timeline now
            self.loaded.set()
            if screen.is_attached:
                screen.history_changed()

    async def _merge(self, screen: HistoryScreen, older: tuple[Event, ...]) -> None:
        from warroom.ui.widgets.timeline import Timeline
        from warroom.ui.widgets.timeline_history import add_history, history_rows

        timeline = screen.query_one(Timeline)
        rows = await asyncio.to_thread(history_rows, older, timeline)
        if not screen.is_attached or screen.state is None:
            return
        add_history(timeline, rows)
        screen._set_state(replace(screen.state, events=older + screen.state.events))


async def read_older(store: AsyncEventStore, incident_id: int, before_id: int) -> list[Event]:
    """Every event of the incident with an id below `before_id`, oldest first, a page at a time."""
    older: list[Event] = []
    after = 0
    while True:
        page = await store.history(incident_id, before_id, after, HISTORY_PAGE)
        if not page:
            return older
        older += page
        after = page[-1].id or after
        if len(page) < HISTORY_PAGE:
            return older


class CheckpointKeeper:
    """Counts the events the war room folds and says when a checkpoint is due."""

    def __init__(self, every: int = CHECKPOINT_EVERY) -> None:
        self.every = every
        self._since = 0

    def folded(self, count: int) -> bool:
        """`count` more events were folded; True (and the count restarts) when one is due."""
        self._since += count
        if self._since < self.every:
            return False
        self._since = 0
        return True

    @staticmethod
    async def save(store: AsyncEventStore, state: IncidentState) -> None:
        """Write the checkpoint in the store's thread; a failure is logged by the store."""
        await store.save_checkpoint(state)
