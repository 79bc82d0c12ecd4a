"""Resource thresholds as timeline events, and resource samples for the charts.

`ResourceThresholds.observe` emits one `resource.threshold` event when memory or a disk
crosses its threshold going up (`disk / at 96% (>= 95%)`, `memory at 97% (>= 95%)`), and one
when it comes back down (`disk / back to 90% (< 95%)`). Hysteresis: once high, a metric only
counts as recovered below `threshold - hysteresis` (default 2 points), so a value hovering at
the line does not flap. Already over the line at the first observation emits too: a full disk
when the war room opens is news. A mount missing from an observation (its read failed) keeps
its state rather than "recovering".

These events are per-host observations with no natural key (two processes see the crossing at
slightly different moments and values), so they carry no dedupe key: the store's recorder lease
decides which process records them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from warroom.domain import catalogue
from warroom.domain.events import Kind, utc
from warroom.domain.signals import Sample, SignalEvent


def _pct(value: float) -> str:
    return f"{value:.0f}%"


class ResourceThresholds:
    """Remembers which metrics are over their threshold; see the module docstring."""

    def __init__(self, disk: float = 95.0, memory: float = 95.0, hysteresis: float = 2.0) -> None:
        self.disk = disk
        self.memory = memory
        self.hysteresis = hysteresis
        self._high: set[str] = set()

    def __repr__(self) -> str:
        return f"ResourceThresholds(disk={self.disk!r}, memory={self.memory!r}, hysteresis={self.hysteresis!r})"

    def observe(
        self,
        memory_percent: float | None,
        disk_percents: Mapping[str, float],
        now: datetime,
        *,
        host: str = "",
    ) -> list[SignalEvent]:
        """Feed one snapshot's values (`ResourceSnapshot.memory_percent` / `.disk_percents`)."""
        now = utc(now)
        events: list[SignalEvent] = []
        checks: list[tuple[str, str, float, float]] = []
        if memory_percent is not None:
            checks.append(("memory", "memory", memory_percent, self.memory))
        for mount, value in sorted(disk_percents.items()):
            checks.append((f"disk:{mount}", f"disk {mount}", value, self.disk))
        for metric, label, value, threshold in checks:
            if metric not in self._high and value >= threshold:
                self._high.add(metric)
                text = f"{label} at {_pct(value)} (>= {threshold:g}%)"
                events.append(self._event(text, metric, "high", value, threshold, now, host))
            elif metric in self._high and value < threshold - self.hysteresis:
                self._high.discard(metric)
                text = f"{label} back to {_pct(value)} (< {threshold:g}%)"
                events.append(self._event(text, metric, "recovered", value, threshold, now, host))
        return events

    def is_high(self, metric: str) -> bool:
        """`memory` or `disk:<mount>` currently over its threshold."""
        return metric in self._high

    @staticmethod
    def _event(
        text: str, metric: str, state: str, value: float, threshold: float, now: datetime, host: str
    ) -> SignalEvent:
        payload = catalogue.resource_threshold(
            metric=metric, state=state, value=value, threshold=threshold, host=host, at=now
        )
        return SignalEvent(kind=Kind.RESOURCE, text=text, at=now, payload=payload)


def resource_samples(
    cpu_percent: float | None,
    memory_percent: float | None,
    disk_percents: Mapping[str, float],
    now: datetime,
) -> list[Sample]:
    """Samples for the charts: `resources.cpu`, `resources.memory`, `resources.disk:<mount>`."""
    now = utc(now)
    out: list[Sample] = []
    if cpu_percent is not None:
        out.append(Sample("resources.cpu", float(cpu_percent), now))
    if memory_percent is not None:
        out.append(Sample("resources.memory", float(memory_percent), now))
    for mount, value in sorted(disk_percents.items()):
        out.append(Sample(f"resources.disk:{mount}", float(value), now))
    return out
