"""Have the metrics recovered? The seed's "confirm metrics are back to normal" as a pure rule.

Metrics have recovered when, for `hold` (5 minutes in the product):

- every probe has been UP (flap-damped, as the probe pane shows it), and
- the error rate (errors a minute, summed over every `[[log]]`, from the `log.<name>.per_min`
  samples) has been back at its pre-incident baseline.

The baseline is the median errors a minute over the full minutes in the 30 minutes before
detection (`BASELINE_WINDOW`). "Back at baseline" means at most `limit(baseline)`: the baseline
plus half of it, and at least one error a minute more, so a quiet service (baseline 0) is not
held back by one stray error and a noisy one is allowed its usual wobble.

The error rate is judged on full minutes only (the current minute is still counting): the
latest full minute must have ended within `STALE_AFTER` of `now`, and the calm run is the
unbroken series of full minutes at or under the limit ending there (a minute with no sample at
all, when nothing was counting, breaks it). With no log sources the probes alone decide; with no
probes the error rate alone decides; with neither, or with logs but no samples before detection
(no baseline), the error rate is not judged and the line says so. Nothing to judge at all
(no probes, no judged error rate) never recovers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from statistics import median

from warroom.domain.events import Event, Kind
from warroom.records import Record, record

#: How long everything must have been normal before metrics count as recovered.
HOLD = timedelta(minutes=5)
#: The window before detection whose error rate is the baseline.
BASELINE_WINDOW = timedelta(minutes=30)
#: The newest full minute of errors must have ended within this of `now` to be judged.
STALE_AFTER = timedelta(minutes=3)
MINUTE = timedelta(minutes=1)

ERROR_SERIES_PREFIX = "log."
ERROR_SERIES_SUFFIX = ".per_min"


def is_error_series(series: str) -> bool:
    """`log.api.per_min`: one log's errors a minute."""
    return series.startswith(ERROR_SERIES_PREFIX) and series.endswith(ERROR_SERIES_SUFFIX)


def limit(baseline: float) -> float:
    """The most errors a minute that still count as "back at baseline" (see the module docstring)."""
    return baseline + max(1.0, 0.5 * baseline)


def minute_totals(samples: Iterable[tuple[str, datetime, float]]) -> dict[datetime, float]:
    """Errors a minute over every log: `(series, minute, value)` samples summed per minute
    (a series sampled twice for one minute, by two processes, counts once: the newest value)."""
    per_series: dict[tuple[str, datetime], float] = {}
    for series, at, value in samples:
        if is_error_series(series):
            per_series[(series, at.replace(second=0, microsecond=0))] = float(value)
    totals: dict[datetime, float] = {}
    for (_, minute), value in per_series.items():
        totals[minute] = totals.get(minute, 0.0) + value
    return totals


def baseline_rate(totals: Mapping[datetime, float], detected_at: datetime) -> float | None:
    """The median errors a minute over the full minutes of the 30 minutes before detection,
    or None when no minute of that window was counted."""
    start = detected_at - BASELINE_WINDOW
    before = [v for m, v in totals.items() if m >= start and m + MINUTE <= detected_at]
    return float(median(before)) if before else None


@record
class ErrorRate(Record):
    """The error rate as the rule sees it at `now`."""

    #: Errors in the newest full minute, or None when no recent minute was counted.
    now: float | None
    #: The pre-detection baseline (None: nothing counted before detection).
    baseline: float | None
    #: Since when every full minute has been at or under the limit (None: not calm now).
    calm_since: datetime | None

    @property
    def judged(self) -> bool:
        """The rate can be compared with a baseline (a recent minute and a baseline exist)."""
        return self.now is not None and self.baseline is not None

    @property
    def at_baseline(self) -> bool:
        return self.judged and self.calm_since is not None

    def words(self) -> str:
        """`error rate 0.2/min (baseline 0.3/min)`, or why it cannot be compared."""
        if self.now is None:
            return "error rate unknown (no recent minute counted)"
        if self.baseline is None:
            return f"error rate {_rate(self.now)}/min (no baseline before detection)"
        return f"error rate {_rate(self.now)}/min (baseline {_rate(self.baseline)}/min)"


def _rate(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def error_rate(totals: Mapping[datetime, float], detected_at: datetime, now: datetime) -> ErrorRate:
    """The newest full minute's errors, the baseline, and since when the rate has been calm."""
    baseline = baseline_rate(totals, detected_at)
    full = sorted(m for m in totals if m + MINUTE <= now)
    if not full or now - (full[-1] + MINUTE) > STALE_AFTER:
        return ErrorRate(None, baseline, None)
    latest = full[-1]
    if baseline is None:
        return ErrorRate(totals[latest], None, None)
    ceiling = limit(baseline)
    calm_since: datetime | None = None
    minute = latest
    while minute in totals and totals[minute] <= ceiling:
        calm_since = minute
        minute -= MINUTE
    return ErrorRate(totals[latest], baseline, calm_since)


@record
class ProbeView(Record):
    """One probe as the rule needs it: up or not now, and since when it has been up."""

    name: str
    up: bool
    #: When it last became UP (None when down, or not known yet).
    since: datetime | None = None


@record
class RecoveryCheck(Record):
    """What the rule says at `at`: the probes, the error rate and since when all is normal."""

    at: datetime
    probes: tuple[ProbeView, ...]
    #: None when there are no log sources (the probes alone decide).
    rate: ErrorRate | None
    #: Since when every judged signal has been normal (None: not normal now, or nothing judged).
    since: datetime | None
    hold: timedelta = HOLD

    @property
    def recovered(self) -> bool:
        """Everything judged has been normal for `hold`."""
        return self.since is not None and self.at - self.since >= self.hold

    @property
    def probes_down(self) -> tuple[str, ...]:
        """The probes not up now (down, or not known yet)."""
        return tuple(p.name for p in self.probes if not p.up)

    def probes_words(self) -> str:
        """`all 3 probes up`, `probe api down`, `2 of 3 probes up (api down)`."""
        count = len(self.probes)
        down = self.probes_down
        if not count:
            return "no probes"
        if not down:
            return f"all {count} probes up" if count > 1 else f"probe {self.probes[0].name} up"
        if count == 1:
            return f"probe {down[0]} down"
        return f"{count - len(down)} of {count} probes up ({', '.join(down)} down)"

    def words(self) -> str:
        """`all 3 probes up, error rate 0.2/min (baseline 0.3/min)`."""
        parts = [self.probes_words()] if self.probes or self.rate is None else []
        if self.rate is not None:
            parts.append(self.rate.words())
        return ", ".join(parts)


def assess(
    now: datetime,
    probes: Iterable[ProbeView],
    totals: Mapping[datetime, float] | None,
    detected_at: datetime,
    hold: timedelta = HOLD,
) -> RecoveryCheck:
    """Judge recovery at `now`. `totals` is None when there are no log sources (see `minute_totals`)."""
    views = tuple(probes)
    rate = error_rate(totals, detected_at, now) if totals is not None else None
    starts: list[datetime | None] = []
    if views:
        starts += [p.since if p.up else None for p in views]
    if rate is not None and rate.judged:
        starts.append(rate.calm_since)
    if not starts or any(s is None for s in starts):
        return RecoveryCheck(now, views, rate, None, hold)
    return RecoveryCheck(now, views, rate, max(s for s in starts if s is not None), hold)


def held_words(seconds: float) -> str:
    """`5 min`, `90 s`: how long it has held, for the timeline line."""
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


#: Signals after which metrics must recover again (a relapse).
BAD_KINDS = frozenset({Kind.PROBE_DOWN, Kind.LOG_SPIKE})


def recovery_key(after_event: int) -> str:
    """The dedupe key of the recovery that follows bad signal `after_event` (0: none recorded):
    the same in every process, so two recorders write one event per recovery."""
    return f"metrics.recovered:after:{after_event}"


def last_bad_event(events: Iterable[Event]) -> int:
    """The id of the newest probe DOWN or error spike in the record (0 when there is none)."""
    return max((ev.id or 0 for ev in events if ev.kind in BAD_KINDS), default=0)


def recovered_after(events: Iterable[Event], after_event: int) -> Event | None:
    """The `metrics.recovered` recorded after bad signal `after_event`, if any."""
    found = [ev for ev in events if ev.kind == Kind.METRICS_RECOVERED and (ev.id or 0) > after_event]
    return found[-1] if found else None
