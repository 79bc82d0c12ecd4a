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

What the record says is read at most every `refresh_every` seconds, only the events written
since the last read (detection time, open or not, the last bad signal; the first read also
takes the error samples stored before this process started, e.g. by an earlier `warroom
record`), and again just before writing.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.incident import IncidentState, apply_readable
from warroom.domain.recovery import (
    BAD_KINDS,
    BASELINE_WINDOW,
    HOLD,
    ProbeView,
    RecoveryCheck,
    assess,
    held_words,
    is_error_series,
    limit,
    minute_totals,
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
        self._totals: dict[datetime, float] | None = None  # errors a minute, kept until a sample arrives
        self._checked_at = -1e9
        self._state: IncidentState | None = None
        self._last_id = 0
        self._samples_from: datetime | None = None
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
                self._totals = None

    def probe_views(self) -> list[ProbeView]:
        return [
            ProbeView(name, self._up_since.get(key) is not None, self._up_since.get(key))
            for key, name in self._probes.items()
        ]

    def totals(self) -> dict[datetime, float]:
        """Errors a minute over every log (`domain.recovery.minute_totals`), cached between samples."""
        if self._totals is None:
            self._totals = minute_totals((series, at, v) for (series, at), v in self._samples.items())
        return self._totals

    def check(self, now: datetime, detected_at: datetime) -> RecoveryCheck:
        """What the rule says now (the `/resolve` question shows it)."""
        totals = self.totals() if self.has_logs else None
        return assess(now, self.probe_views(), totals, detected_at, self.hold)

    # -- what the record says ---------------------------------------------------------------

    async def _read_record(self, store: Any, incident_id: int) -> None:
        """Read the events written since the last read (the whole record only the first time),
        and, once per detection time, the error samples stored since the baseline window began."""
        new = await store.events(incident_id, after_id=self._last_id)
        for ev in sorted(new, key=lambda e: e.id or 0):
            self._state = apply_readable(self._state, ev)
            event_id = ev.id or 0
            if ev.kind in BAD_KINDS:
                self._bad_after, self._recorded = max(self._bad_after, event_id), False
            elif ev.kind == Kind.METRICS_RECOVERED and event_id > self._bad_after:
                self._recorded = True
            self._last_id = max(self._last_id, event_id)
        self._read_at = time.monotonic()
        if self._state is not None and self.has_logs:
            detected = self._state.milestones.detected or self._state.declared_at
            if detected != self._samples_from:
                self._samples_from = detected
                for series, at, value in await store.error_samples(incident_id, detected - BASELINE_WINDOW):
                    self._samples.setdefault((series, at), value)
                self._totals = None

    def _went_wrong(self, check: RecoveryCheck, detected_at: datetime) -> bool:
        """Something was wrong in this incident: a bad signal recorded, or an error minute over
        the limit since detection."""
        if self._bad_after:
            return True
        rate = check.rate
        if rate is None or rate.baseline is None:
            return False
        ceiling = limit(rate.baseline)
        totals = self.totals()
        return any(m >= detected_at and v > ceiling for m, v in totals.items())

    async def due(self, store: Any, incident_id: int, now: datetime) -> tuple[str, dict[str, Any], datetime] | None:
        """The `metrics.recovered` event to record now, as (dedupe key, payload, at), or None."""
        if not self._probes and not self.has_logs:
            return None
        if time.monotonic() - self._checked_at < min(1.0, self.refresh_every):
            return None  # judged less than a second ago (a poll of another source): the same answer
        self._checked_at = time.monotonic()
        if self._state is None or time.monotonic() - self._read_at >= self.refresh_every:
            await self._read_record(store, incident_id)
        if self._state is None or not self._state.is_open or self._recorded:
            return None
        detected = self._state.milestones.detected or self._state.declared_at
        check = self.check(now, detected)
        if not check.recovered or not self._went_wrong(check, detected):
            return None
        await self._read_record(store, incident_id)  # just before writing: still open, still due?
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
