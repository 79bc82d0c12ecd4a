"""What the screens need from the app that hosts them, as a Protocol.

The app imports the screens it shows; a screen types its app as `WarRoomHost` instead of
importing `WarRoomApp`, so the import runs one way (app -> screens) and a screen can be hosted
by any app that has these members (the tests' and benchmarks' hosts included).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from warroom.config.model import Config
    from warroom.domain.incident import IncidentState
    from warroom.store.aio import AsyncEventStore


class WarRoomHost(Protocol):
    """The app as the war room and declare screens use it."""

    config: Config
    db_path: Path
    actor: str
    clock: Callable[[], datetime]
    #: Why the database is open read-only, or None when it can be written.
    read_only: str | None
    store: AsyncEventStore
    #: Set once `store` is open.
    store_ready: asyncio.Event
    incident: IncidentState | None
    paused: bool

    def first_frame_shown(self) -> None:
        """Called once the first frame is on the terminal (the store opens after it)."""

    def poller(self) -> Any | None:
        """The signal poller feeding the panes, if one runs."""

    def next_theme(self) -> str:
        """Switch to the next theme and return its name."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast (Textual's `App.notify`)."""
