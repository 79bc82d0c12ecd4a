"""The contract every source keeps, so one poller can run them all."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Snapshot(Protocol):
    """What a source returns: frozen, timestamped, and carrying its own error if it failed."""

    taken_at: datetime
    error: str | None


@runtime_checkable
class Source(Protocol):
    """A live signal. `collect` never raises: failures come back inside the snapshot."""

    key: str  # unique across the config: "probe:api", "log:api", "resources", ...
    kind: str  # a kind registered in `warroom.sources.registry`
    interval: float  # seconds between the end of one collect and the start of the next

    async def collect(self, now: datetime) -> Snapshot: ...

    async def aclose(self) -> None: ...
