"""The `[[metric]]` rule: damped ok/warn/crit threshold events and `metric.<name>` samples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.metric_rules import MetricState, MetricThresholds, metric_samples
from warroom.domain.signals import Sample, SignalEvent
from warroom.sources.metric_snapshots import MetricResult
from warroom.sources.observers import SignalObserver


@dataclass(frozen=True)
class MetricStatus:
    """A query's damped state after a poll, as the recorder's `MetricThresholds` has it;
    `pending` is a state the newest result shows that is not confirmed yet."""

    state: MetricState
    pending: MetricState | None = None


class MetricObserver(SignalObserver):
    """`MetricThresholds` over a query's results (its largest series is judged)."""

    def __init__(self, source: Any) -> None:
        cfg = source.config
        self.name = cfg.name
        self.tracker = MetricThresholds(cfg.name, cfg.warn, cfg.crit, cfg.unit)

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        if not isinstance(snapshot, MetricResult) or snapshot.error or not snapshot.series:
            return [], []
        top = snapshot.top
        labels = top.labels if top is not None and len(snapshot.series) > 1 else ""
        event = self.tracker.observe(snapshot.value, now, labels=labels)
        return ([event] if event else []), metric_samples(self.name, snapshot.value, now)

    def status(self) -> MetricStatus:
        return MetricStatus(self.tracker.state, self.tracker.pending)
