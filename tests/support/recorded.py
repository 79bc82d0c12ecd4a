"""Reading what another process (`warroom intake`, `warroom record`) wrote to a database file,
and waiting for it to appear."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from warroom.domain.events import Event
from warroom.store.sync import EventStore


def events(db: Path) -> list[Event]:
    """Every event of every incident in `db` (none when the file is not there yet)."""
    if not db.exists():
        return []
    with EventStore.open(db) as store:
        latest = store.latest_incident_id() or 0
        return [e for i in range(1, latest + 1) for e in store.events(i)]


def of_kind(db: Path, kind: str) -> list[Event]:
    return [e for e in events(db) if e.kind == kind]


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """The first truthy value of `condition()`, polled every 0.2 s; fails naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
