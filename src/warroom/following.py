"""A process that does not hold the recorder lease: it follows the one that does.

Ten screens on one store (ten SSH users, one incident) each run the same sources, but only the
lease holder records (`recorder.SourceHub`). The others follow it:

- they poll probes and status pages at most every `FOLLOWER_PACE` seconds (`paced`): the service
  is not probed ten times over, and a follower costs about what an idle screen costs;
- a DOWN or UP the holder recorded becomes their own probe state as soon as their store follower
  reads it (`adopt_recorded`), so every health pane says what the timeline says;
- they read the lease row every `LEASE_RECHECK` seconds, a plain read that takes no write lock
  (`watch_lease`). When the holder quits (it deletes the row) one of them takes the lease and
  every source polls at its own pace again at once; when the holder stops renewing (killed, hung)
  they poll at their own pace until the lease expires and one takes over. What they saw meanwhile
  and the record lacks is recorded on taking over (`SourceHub._load_recorded_state`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from warroom.domain.events import Event, Kind
from warroom.domain.probe_rules import ProbeState
from warroom.sources import registry
from warroom.sources.observers import ProbeObserver

if TYPE_CHECKING:
    from warroom.sources.observers import SignalObserver

log = logging.getLogger(__name__)

#: Seconds between a follower's reads of the lease row (and so the most a clean hand-over waits).
LEASE_RECHECK = 2.0

#: While following, probes and status pages poll at most this often (their transitions arrive
#: through the record; see `FollowsLease.adopt_recorded`).
FOLLOWER_PACE = 5.0
FOLLOWER_PACED_KINDS = frozenset({registry.PROBE, registry.STATUSPAGE})


class FollowsLease:
    """The follower's side of the recorder lease (mixed into `recorder.SourceHub`, which provides
    `store`, `incident_id`, `holder`, `recording`, `sources`, `observer()`, `holds_lease()` and
    the lease attributes below)."""

    store: Any
    incident_id: int | None
    holder: str
    sources: list[Any]
    lease_ttl: float
    lease_recheck: float
    _lease_until: float  # time.time() until which this process holds the lease (0: not held)
    _lease_refused_until: float  # held elsewhere: not asked again before this (0: never refused)
    _other_lease_until: float  # when the other holder's lease runs out, as last read

    if TYPE_CHECKING:

        @property
        def recording(self) -> bool: ...

        def observer(self, source: Any) -> SignalObserver: ...

        async def holds_lease(self, *, ask: bool = False) -> bool: ...

    @property
    def following(self) -> bool:
        """True while another process holds the lease (it records; this one watches)."""
        return self.recording and self._lease_refused_until > 0 and self._lease_until <= time.time()

    @property
    def holder_quiet(self) -> bool:
        """The holder has not renewed when it should have (it renews a third into the lease's
        life): killed or hung. Its lease will run out; until then this process polls at pace."""
        renewal_due = self._other_lease_until - self.lease_ttl * 2 / 3
        return time.time() > renewal_due + self.lease_recheck

    @property
    def pacing(self) -> bool:
        """Following a holder that is alive: probes and status pages poll at `FOLLOWER_PACE`."""
        return self.following and not self.holder_quiet

    def paced(self, source: Any, delay: float) -> float:
        """The wait before `source`'s next poll: at least `FOLLOWER_PACE` for probes and status
        pages while `pacing`, else `delay`."""
        if self.pacing and getattr(source, "kind", None) in FOLLOWER_PACED_KINDS:
            return max(delay, FOLLOWER_PACE)
        return delay

    def refused_by(self, row: tuple[str, float] | None, now: float) -> bool:
        """Is the lease row someone else's, still running? (Remembered for `holder_quiet`.)"""
        if row is None or row[0] == self.holder or row[1] < now:
            return False
        self._other_lease_until = row[1]
        return True

    def adopt_recorded(self, events: Iterable[Event]) -> list[str]:
        """While following: take each probe's DOWN/UP another process recorded as this process's
        damped state; returns the keys of the probes whose state changed (to poll them now)."""
        if not self.following:
            return []
        changed: list[str] = []
        for ev in events:
            if ev.kind not in (Kind.PROBE_DOWN, Kind.PROBE_UP):
                continue
            state = ProbeState.DOWN if ev.kind == Kind.PROBE_DOWN else ProbeState.UP
            for source in self.sources:
                observer = self.observer(source)
                if not isinstance(observer, ProbeObserver) or observer.tracker.name != ev.payload.get("probe"):
                    continue
                if observer.tracker.adopt(state, ev.at) and source.key not in changed:
                    changed.append(source.key)
        return changed

    async def watch_lease(self, wake: Callable[[], None]) -> None:
        """Read the lease every `lease_recheck` seconds while following; call `wake()` (poll
        every source now) when this process takes it over or the holder falls quiet. Runs until
        cancelled; a failed read is retried on the next round."""
        while True:
            await asyncio.sleep(self.lease_recheck)
            if not self.following:
                continue
            was_pacing = self.pacing
            try:
                await self.holds_lease(ask=True)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reading the recorder lease failed")
                continue
            if was_pacing and not self.pacing:
                wake()
