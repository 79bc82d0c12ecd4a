"""What each kind's rule makes of its snapshots: events, samples and the subject's state now.

An observer wraps the pure domain rule for one source (flap damping, spikes, new deploys,
thresholds); it is stateful but does no I/O. The scheduler feeds it every snapshot once, and both
the recorder (events, samples) and the panes (`status()`: a probe's damped UP/DOWN) read the one
result, so the screen and the timeline never run the same rule twice and never disagree.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.probe_rules import ProbeState, ProbeTracker, StatusPageTracker
from warroom.domain.signals import Sample, SignalEvent
from warroom.sources.snapshots import DeployList, LogCounts, ProbeResult, ResourceSnapshot, StatusPageResult


class SignalObserver:
    """Turns one source's snapshots into events and samples (stateful, no I/O).

    `throttle`: the hub keeps at most one sample per series every `sample_every` seconds
    (down-sampling). Observers whose samples are already one per period opt out.
    """

    throttle = True

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        return [], []

    def status(self) -> Any:
        """What the rule says about the subject now, frozen (None: nothing beyond the snapshot)."""
        return None


@dataclass(frozen=True)
class ProbeStatus:
    """A probe's flap-damped state after a poll, as the recorder's `ProbeTracker` has it.

    `streak` results in a row were `streak_ok`; panes say `UP · 1 failure (503)` from it.
    """

    state: ProbeState
    streak: int = 0
    streak_ok: bool | None = None


class ProbeObserver(SignalObserver):
    """`ProbeTracker` over a probe's results: DOWN/UP events, latency samples, the damped state."""

    def __init__(self, source: Any) -> None:
        cfg = getattr(source, "config", None)  # a replayed source (screenshots) has no config
        name = cfg.name if cfg is not None else str(getattr(source, "name", source.key))
        fail = (cfg.fail_threshold if cfg is not None else 2) or 1
        recover = (cfg.recover_threshold if cfg is not None else 2) or 1
        self.tracker = ProbeTracker(name, fail, recover)

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        if not isinstance(snapshot, ProbeResult):
            return [], []
        ev = self.tracker.observe_result(snapshot, now)
        return ([ev] if ev else []), self.tracker.samples(snapshot, now)

    def status(self) -> ProbeStatus:
        return ProbeStatus(self.tracker.state, self.tracker.streak, self.tracker._streak_ok)


class StatusPageObserver(SignalObserver):
    def __init__(self, source: Any) -> None:
        self.tracker = StatusPageTracker(source.config.name)

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        if not isinstance(snapshot, StatusPageResult):
            return [], []
        ev = self.tracker.observe_result(snapshot, now)
        return ([ev] if ev else []), []


class LogObserver(SignalObserver):
    throttle = False  # the source hands out one sample per finished minute

    def __init__(self, source: Any) -> None:
        from warroom.domain.log_rules import SpikeDetector

        cfg = source.config
        self.source = source
        self.detector = SpikeDetector(cfg.name, cfg.spike_factor, cfg.spike_min)

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        if not isinstance(snapshot, LogCounts) or (snapshot.error and not snapshot.per_minute):
            return [], []
        ev = self.detector.observe(snapshot.per_minute, now, covered=snapshot.covered_minutes)
        return ([ev] if ev else []), list(self.source.samples(snapshot))


class DeploysObserver(SignalObserver):
    def __init__(self, source: Any) -> None:
        from warroom.domain.deploy_rules import DeployTracker

        self.tracker = DeployTracker()

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        if not isinstance(snapshot, DeployList) or (snapshot.error and not snapshot.deploys):
            return [], []
        return self.tracker.observe(snapshot.deploys, now), []


class ResourcesObserver(SignalObserver):
    def __init__(self, source: Any) -> None:
        from warroom.domain.resource_rules import ResourceThresholds

        cfg = source.config
        self.thresholds = ResourceThresholds(disk=cfg.disk_threshold, memory=cfg.memory_threshold)

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        from warroom.domain.resource_rules import resource_samples

        if not isinstance(snapshot, ResourceSnapshot):
            return [], []
        mem = snapshot.memory_percent
        disks = snapshot.disk_percents
        events = self.thresholds.observe(mem, disks, now, host=socket.gethostname())
        return events, resource_samples(snapshot.cpu_percent, mem, disks, now)
