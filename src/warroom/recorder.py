"""Runs sources, turns what they see into events and samples, and records them once.

The pieces: `build_sources(config)` makes one Source per configured item of every kind in
`sources.registry`; a `SignalObserver` per source (`sources.observers`, named by its kind's
registry entry) wraps the pure domain rule for its kind (flap damping, spikes, new deploys,
thresholds) and the samples it yields; `SourceHub.poll(source, now)` collects, observes and —
if this process holds the incident's recorder lease — appends the events and samples. The loop
that calls it on each source's interval is `warroom.scheduler.Scheduler`, shared with the screen.

Several warroom processes may watch one incident (two screens, a screen and `warroom record`).
Each keeps observing (so its panes and rules stay current) but only the lease holder records.
The lease is a row with an expiry, renewed while polling; when the holder dies, another process
takes over within `lease_ttl` seconds (after a clean exit, within two). How the others
follow (probes polled seldom, the recorded DOWN/UP adopted, the lease read now and then) is
`warroom.following`. Events with a natural key (a deploy's sha) also carry a
dedupe key, so even two holders in a hand-over race record them once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.domain.events import Event, Kind
from warroom.domain.recovery import BAD_KINDS, HOLD
from warroom.domain.signals import Sample, SignalEvent
from warroom.following import LEASE_RECHECK, FollowsLease
from warroom.pending import LATE_FIELD, KeepsPending, PendingEvents, is_write_failure
from warroom.sources import registry
from warroom.sources.observers import SignalObserver
from warroom.sources.recovery import RecoveryWatch

if TYPE_CHECKING:
    from warroom.config.model import Config
    from warroom.sources.base import Source
    from warroom.store.aio import AsyncEventStore

SYSTEM_ACTOR = "warroom"

#: Signals that say what state a subject is in; recorded only when the record says otherwise.
STATE_KINDS = frozenset({Kind.PROBE_DOWN, Kind.PROBE_UP, Kind.STATUSPAGE, Kind.RESOURCE})

#: Throttled samples (latency, resources, metrics) older than this are kept one a minute, their
#: mean (`store.downsample`): a long incident's database grows by a fixed amount per hour.
SAMPLE_FULL_RESOLUTION = timedelta(minutes=15)
#: How often (in record time) the recorder down-samples what has left the full-resolution window.
DOWNSAMPLE_EVERY = timedelta(minutes=5)


def build_sources(config: Config) -> list[Source]:
    """One source per configured entry of every registered kind (`sources.registry`)."""
    return registry.build_sources(config)


def observer_for(source: Any) -> SignalObserver:
    """The rule that watches `source`, as its kind registered it."""
    return registry.observer_for(source)


@dataclass(frozen=True)
class PollOutcome:
    snapshot: Any
    events: tuple[Event, ...] = ()  # what this process recorded from this poll
    observed: tuple[SignalEvent, ...] = ()  # what the rules saw (recorded here or elsewhere)
    record_error: str | None = None  # the store refused (locked...): shown, never raised
    status: Any = None  # what the kind's rule says now (a probe's damped state), for the panes


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class SourceHub(KeepsPending, FollowsLease):
    """Polls sources and records their signals for one incident (see the module docstring)."""

    def __init__(
        self,
        config: Config,
        store: AsyncEventStore | None = None,
        incident_id: int | None = None,
        *,
        holder: str | None = None,
        sources: Iterable[Source] | None = None,
        lease_ttl: float = 15.0,
        lease_recheck: float = LEASE_RECHECK,
        sample_every: float = 10.0,
        recovery_hold: timedelta = HOLD,
    ) -> None:
        self.config = config
        self.store = store
        self.incident_id = incident_id
        self.holder = holder or default_holder()
        self.sources: list[Any] = list(sources) if sources is not None else build_sources(config)
        self._observers: dict[str, SignalObserver] = {}
        self.lease_ttl = lease_ttl
        self.lease_recheck = lease_recheck
        self.sample_every = sample_every
        self._lease_until = 0.0
        self._lease_refused_until = 0.0  # held elsewhere: not asked again before this (time.time)
        self._other_lease_until = 0.0  # the other holder's lease runs out then, as last read
        self._lease_lock = asyncio.Lock()
        #: Record time of each throttled series' last stored sample.
        self._last_sample: dict[str, datetime] = {}
        self._downsampled_until: datetime | None = None
        self._recorded_state: dict[str, tuple[Any, ...]] = {}
        self._pending: dict[str, SignalEvent] = {}
        self._flushed: list[Event] = []  # recorded on a takeover, reported by the next poll
        #: Events the database did not take (full disk, locked): written, in order, once it does.
        self.pending = PendingEvents()
        self._write_lock = asyncio.Lock()
        #: Where the events still waiting at the end were put (`finish`), or None.
        self.pending_file: str | None = None
        #: The recovery rule over every probe and log ("metrics recovered", `sources.recovery`).
        self.recovery = RecoveryWatch(
            self.sources, hold=recovery_hold, refresh_every=min(30.0, recovery_hold.total_seconds())
        )
        for source in self.sources:
            # Sources that receive rather than poll (the `[intake]` webhook) record what arrives
            # themselves, into this hub's store, for the incident it watches.
            attach = getattr(source, "attach", None)
            if callable(attach):
                attach(store, lambda: self.incident_id)

    @property
    def recording(self) -> bool:
        return self.store is not None and self.incident_id is not None

    def observer(self, source: Any) -> SignalObserver:
        obs = self._observers.get(source.key)
        if obs is None:
            obs = self._observers[source.key] = observer_for(source)
        return obs

    async def holds_lease(self, *, ask: bool = False) -> bool:
        """Take or renew the lease when a third of its life has passed; True while held.

        Held elsewhere: asked again only `lease_recheck` seconds later (or now, with `ask`), by
        reading the row; the write that takes it is tried only when the row is free or expired.
        """
        if not self.recording:
            return False
        async with self._lease_lock:
            now = time.time()
            if now < self._lease_until - self.lease_ttl * 2 / 3:
                return True
            was_held = self._lease_until > now
            if not was_held and not ask and now < self._lease_refused_until:
                return False  # another process held it a moment ago: ask again in a while
            try:
                if not was_held and self.refused_by(await self.store.lease(self.incident_id), now):
                    held = False
                else:
                    held = await self.store.acquire_lease(self.incident_id, self.holder, self.lease_ttl, now)
            except Exception as exc:
                if not is_write_failure(exc):
                    raise
                # Nobody can write now (full disk, locked): keep what this process sees, in
                # order, as the holder it was or the one watching; the lease is tried again on
                # the next tick and the kept events are reconciled with the record then.
                self.pending.last_error = str(exc)
                return True
            self._lease_until = now + self.lease_ttl if held else 0.0
            self._lease_refused_until = 0.0 if held else now + min(self.lease_recheck, self.lease_ttl / 3)
            if held and not was_held:
                await self._load_recorded_state()
            return held

    # -- state signals: what the record says each subject is, so nothing is recorded twice ----

    @staticmethod
    def _subject(sig_kind: str, payload: Any) -> str | None:
        """The thing a state signal is about (`probe.down`/`probe.up` of probe "api", ...)."""
        if sig_kind not in STATE_KINDS:
            return None
        for key in ("probe", "page", "metric"):
            if payload.get(key):
                return f"{sig_kind.split('.')[0]}:{payload[key]}"
        return None

    @staticmethod
    def _state(sig_kind: str, payload: Any) -> tuple[Any, ...]:
        return (sig_kind, payload.get("state"), payload.get("indicator"), str(payload.get("components", "")))

    async def _load_recorded_state(self) -> None:
        """On taking the lease: read what earlier holders recorded, then record what we saw
        meanwhile and the record lacks (a holder that died mid-outage left a gap)."""
        self._recorded_state = {}
        for ev in await self.store.events(self.incident_id):
            subject = self._subject(ev.kind, ev.payload)
            if subject:
                self._recorded_state[subject] = self._state(ev.kind, ev.payload)
        pending, self._pending = list(self._pending.values()), {}
        for sig in sorted(pending, key=lambda s: s.at):
            if (ev := await self._append_or_keep(sig)) is not None:
                self._flushed.append(ev)

    async def _append(self, sig: SignalEvent, late_s: int | None = None) -> Event | None:
        subject = self._subject(sig.kind, sig.payload)
        if subject is not None:
            state = self._state(sig.kind, sig.payload)
            if self._recorded_state.get(subject) == state:
                return None  # already so in the record (a restart, or a hand-over)
        payload = {"text": sig.text, **dict(sig.payload)}
        if late_s is not None:
            payload[LATE_FIELD] = late_s
        ev = await self.store.append(
            self.incident_id,
            sig.kind,
            payload,
            actor=SYSTEM_ACTOR,
            at=sig.at,
            # State signals are reconciled by subject; only natural keys (a deploy's sha, a
            # spike's minute) are the same in every process, so only they dedupe in the store.
            dedupe_key=None if subject is not None else sig.dedupe_key,
        )
        if subject is not None:
            self._recorded_state[subject] = self._state(sig.kind, sig.payload)
        return ev

    def _remember(self, signals: list[SignalEvent]) -> None:
        """Not the holder: keep the newest signal per subject (and keyed ones) for a takeover."""
        for sig in signals:
            subject = self._subject(sig.kind, sig.payload) or f"key:{sig.dedupe_key or sig.text}"
            self._pending[subject] = sig
        while len(self._pending) > 200:
            self._pending.pop(next(iter(self._pending)))

    async def poll(self, source: Any, now: datetime | None = None) -> PollOutcome:
        """Collect one source once, observe it, and record what changed (if we hold the lease)."""
        snapshot = await source.collect(now or datetime.now(UTC))
        when = getattr(snapshot, "taken_at", None) or now or datetime.now(UTC)
        try:
            observer = self.observer(source)
            signals, samples = observer.observe(snapshot, when)
            status = observer.status()
            self.recovery.observe(source, status, samples, when)
        except Exception as exc:  # a rule bug must not stop the source being shown
            return PollOutcome(snapshot, record_error=f"rule failed: {exc!r}")
        outcome = await self._record_poll(source, snapshot, signals, samples, when)
        received = tuple(getattr(snapshot, "recorded", ()) or ())  # what a receiving source wrote
        if received:
            outcome = dataclasses.replace(outcome, events=received + outcome.events)
        return dataclasses.replace(outcome, status=status) if status is not None else outcome

    async def _record_poll(
        self, source: Any, snapshot: Any, signals: list[SignalEvent], samples: list[Sample], when: datetime
    ) -> PollOutcome:
        """Record what one poll's rule saw, if this process holds the lease."""
        if not self.recording:
            return PollOutcome(snapshot, observed=tuple(signals))
        try:
            await self._reopen_writable()
            if not await self.holds_lease():
                # Another process holds the lease: it records; what we kept goes the same way.
                kept, self.pending.items = [k.signal for k in self.pending.items], []
                self._remember(kept + signals)
                return PollOutcome(snapshot, observed=tuple(signals))
            recorded, self._flushed = self._flushed, []
            recorded += await self._record(signals)
            if self.pending:  # samples wait too: the events first, the next samples later
                return PollOutcome(snapshot, tuple(recorded), tuple(signals), self.pending.describe())
            throttled = self.observer(source).throttle
            due = [s for s in samples if self._sample_due(s.series, when)] if throttled else list(samples)
            if due:
                await self.store.add_samples(self.incident_id, due)
                if throttled:
                    for s in due:
                        self._last_sample[s.series] = when
            await self._downsample(when)
            recorded += await self._record_recovery(recorded, when)
            return PollOutcome(snapshot, tuple(recorded), tuple(signals))
        except Exception as exc:  # locked database etc.: show it in the pane, keep polling
            return PollOutcome(snapshot, observed=tuple(signals), record_error=str(exc))

    def _sample_due(self, series: str, when: datetime) -> bool:
        """At most one sample per series every `sample_every` seconds of record time (the time the
        samples are stored with); a clock stepped back starts the spacing afresh."""
        last = self._last_sample.get(series)
        if last is None or when < last:
            return True
        return (when - last).total_seconds() >= self.sample_every

    async def _downsample(self, now: datetime) -> None:
        """Every `DOWNSAMPLE_EVERY`, thin the throttled series to one sample a minute before the
        full-resolution window (the first time, everything before it: an earlier recorder's too)."""
        assert self.store is not None and self.incident_id is not None
        if not self._last_sample:
            return
        from warroom.store.downsample import minute_floor

        before = minute_floor(now - SAMPLE_FULL_RESOLUTION)
        since = self._downsampled_until
        if since is not None and before - since < DOWNSAMPLE_EVERY and before >= since:
            return
        await self.store.downsample_samples(
            self.incident_id,
            sorted(self._last_sample),
            before,
            since if since is not None and since <= before else None,
        )
        self._downsampled_until = before

    async def _record_recovery(self, recorded: list[Event], now: datetime) -> list[Event]:
        """Append `metrics.recovered` when the recovery rule says it is due (once per recovery)."""
        if any(ev.kind in BAD_KINDS for ev in recorded):
            self.recovery.relapsed()  # a probe DOWN just now: what follows is a new recovery
        if self.incident_id is None:
            return []
        due = await self.recovery.due(self.store, self.incident_id, now)
        if due is None:
            return []
        key, payload, at = due
        ev = await self.store.append(
            self.incident_id, Kind.METRICS_RECOVERED, payload, actor=SYSTEM_ACTOR, at=at, dedupe_key=key
        )
        self.recovery.recorded()
        return [ev] if ev is not None else []

    async def release(self) -> None:
        if self.recording and self._lease_until:
            try:
                await self.store.release_lease(self.incident_id, self.holder)
            except Exception:
                pass
            self._lease_until = 0.0

    async def aclose(self) -> None:
        await self.finish()
        await self.release()
        for source in self.sources:
            try:
                await source.aclose()
            except Exception:
                pass


async def run_headless(
    hub: SourceHub,
    *,
    duration: float | None = None,
    stop: asyncio.Event | None = None,
    on_outcome: Callable[[Any, PollOutcome], None] | None = None,
) -> None:
    """Poll every source on its own interval until `duration` passes or `stop` is set: the
    war room's own loop (`warroom.scheduler.Scheduler`), with nothing on screen."""
    from warroom.scheduler import Scheduler

    await Scheduler(hub, on_outcome=on_outcome).run(duration=duration, stop=stop)
