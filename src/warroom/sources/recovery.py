"""Feeds the recovery rule (`domain.recovery`) from the polls and records `metrics recovered`.

The recorder's `SourceHub` (which both the war room screen and `warroom record` run through
`scheduler.Scheduler`) hands every poll's probe state and log samples to one `RecoveryWatch`;
while the hub holds the incident's recorder lease it asks `due(...)` after each poll and appends
the event it returns. So the event is written by exactly one place, in whichever process records.

Once per recovery: the event's dedupe key names the last bad signal in the record (the newest
`probe.down` or `log.spike`), the same in every process, so two processes record it once; a
relapse (a probe DOWN again) is a new bad signal, so the next recovery is recorded again. It is
recorded only for an open incident, and only after something was wrong: a bad signal in the
record, or a minute above the error-rate limit after detection.

What the record says is read at most every `refresh_every` seconds (detection time, open or
not, the last bad signal, stored error samples before this process started, e.g. by an earlier
`warroom record`), and again just before writing.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from warroom.domain import catalogue
from warroom.domain.incident import IncidentState, fold
from warroom.domain.recovery import (
    BASELINE_WINDOW,
    HOLD,
    ProbeView,
    RecoveryCheck,
    assess,
    held_words,
    is_error_series,
    last_bad_event,
    limit,
    minute_totals,
    recovered_after,
    recovery_key,
)
from warroom.domain.signals import Sample
from warroom.sources.registry import LOG, PROBE


class RecoveryWatch:
    """The recovery rule for one hub: fed each poll (`observe`), asked what to record (`due`)."""

    def __init__(self, sources: list[Any], *, hold: timedelta = HOLD, refresh_every: float = 30.0) -> None:
        self.hold = hold
        self.refresh_every = refresh_every
        self._probes: dict[str, str] = {s.key: str(s.name) for s in sources if getattr(s, "kind", "") == PROBE}
        self.has_logs = any(getattr(s, "kind", "") == LOG for s in sources)
        #: Per probe key: when it became UP in this process (None: down or not known yet).
        self._up_since: dict[str, datetime | None] = dict.fromkeys(self._probes)
        self._samples: dict[tuple[str, datetime], float] = {}
        self._state: IncidentState | None = None
        self._bad_after = 0
        self._recorded = False
        self._read_at = -1e9

    # -- fed by the hub ---------------------------------------------------------------------

    def observe(self, source: Any, status: Any, samples: list[Sample], now: datetime) -> None:
        """One poll of `source`: its rule's status (a probe's damped state) and its samples."""
        key = getattr(source, "key", "")
        if key in self._probes:
            up = str(getattr(getattr(status, "state", None), "value", "")) == "up"
            if not up:
                self._up_since[key] = None
            elif self._up_since.get(key) is None:
                self._up_since[key] = now
        for s in samples:
            if is_error_series(s.series):
                self._samples[(s.series, s.at)] = float(s.value)

    def probe_views(self) -> list[ProbeView]:
        return [
            ProbeView(name, self._up_since.get(key) is not None, self._up_since.get(key))
            for key, name in self._probes.items()
        ]

    def check(self, now: datetime, detected_at: datetime) -> RecoveryCheck:
        """What the rule says now (the `/resolve` question shows it)."""
        totals = minute_totals((series, at, v) for (series, at), v in self._samples.items()) if self.has_logs else None
        return assess(now, self.probe_views(), totals, detected_at, self.hold)

    # -- what the record says ---------------------------------------------------------------

    async def _read_record(self, store: Any, incident_id: int, now: datetime) -> None:
        events = await store.events(incident_id)
        self._state = fold(events)
        self._bad_after = last_bad_event(events)
        self._recorded = recovered_after(events, self._bad_after) is not None
        self._read_at = time.monotonic()
        if self._state is not None and self.has_logs:
            since = self._state.milestones.detected or self._state.declared_at
            for series, at, value in await store.error_samples(incident_id, since - BASELINE_WINDOW):
                self._samples.setdefault((series, at), value)

    def _went_wrong(self, check: RecoveryCheck, detected_at: datetime) -> bool:
        """Something was wrong in this incident: a bad signal recorded, or an error minute over
        the limit since detection."""
        if self._bad_after:
            return True
        rate = check.rate
        if rate is None or rate.baseline is None:
            return False
        ceiling = limit(rate.baseline)
        totals = minute_totals((series, at, v) for (series, at), v in self._samples.items())
        return any(m >= detected_at and v > ceiling for m, v in totals.items())

    async def due(self, store: Any, incident_id: int, now: datetime) -> tuple[str, dict[str, Any], datetime] | None:
        """The `metrics.recovered` event to record now, as (dedupe key, payload, at), or None."""
        if not self._probes and not self.has_logs:
            return None
        if self._state is None or time.monotonic() - self._read_at >= self.refresh_every:
            await self._read_record(store, incident_id, now)
        if self._state is None or not self._state.is_open or self._recorded:
            return None
        detected = self._state.milestones.detected or self._state.declared_at
        check = self.check(now, detected)
        if not check.recovered or not self._went_wrong(check, detected):
            return None
        await self._read_record(store, incident_id, now)  # just before writing: still open, still due?
        if self._state is None or not self._state.is_open or self._recorded:
            return None
        return recovery_key(self._bad_after), self.payload(check), now

    def payload(self, check: RecoveryCheck) -> dict[str, Any]:
        assert check.since is not None
        held = (check.at - check.since).total_seconds()
        rate = check.rate
        return catalogue.metrics_recovered(
            probes=[p.name for p in check.probes],
            error_rate=rate.now if rate is not None else None,
            baseline=rate.baseline if rate is not None else None,
            since=check.since,
            held_s=round(held, 1),
            text=f"{check.words()} for {held_words(held)}",
            after_event=self._bad_after,
        )

    def relapsed(self) -> None:
        """A bad signal was just recorded: read the record again before judging."""
        self._read_at = -1e9

    def recorded(self) -> None:
        """The event was written (or was already there): nothing more until a relapse."""
        self._recorded = True
