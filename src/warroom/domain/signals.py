"""What sources hand to the store: events worth a timeline line, and samples for charts.

Sources (I/O) produce snapshots; pure trackers in the domain compare snapshots over time and
emit `SignalEvent`s. A `dedupe_key` makes the same observation recorded by two processes land
once (the store ignores a second event with the same key in the same incident).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import datetime
from typing import Any

from warroom.records import Record, record


@record
class SignalEvent(Record):
    """A change a source saw that belongs on the timeline (a probe went DOWN)."""

    kind: str
    text: str  # the timeline line, e.g. "probe api DOWN: 503 in 0.12s"
    at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None


@record
class Sample(Record):
    """One measurement for the `samples` table (`series` like `probe.api.latency`)."""

    series: str
    value: float
    at: datetime
