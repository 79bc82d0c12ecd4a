"""MTTD / MTTA / MTTM / MTTR from an incident's milestones."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from warroom.domain.clock_step import elapsed_view
from warroom.domain.incident import IncidentState, Milestones
from warroom.records import Record, record


@record
class IncidentMetrics(Record):
    """Each is None until both of its milestones exist."""

    mttd: timedelta | None  # detected - started
    mtta: timedelta | None  # acknowledged - detected
    mttm: timedelta | None  # mitigated - started
    mttr: timedelta | None  # resolved - started


def _span(a: datetime | None, b: datetime | None) -> timedelta | None:
    if a is None or b is None:
        return None
    return max(b - a, timedelta(0))


def elapsed_milestones(state: IncidentState) -> Milestones:
    """The milestones for measuring time between them: as recorded, unless the record holds a
    wall-clock step (`clock.stepped`, an NTP jump mid-incident); then those before the step
    are moved by it, so "time to mitigate" is elapsed time, not an hour more or less."""
    return elapsed_view(state).milestones


def incident_metrics(state: IncidentState) -> IncidentMetrics:
    m = elapsed_milestones(state)
    return IncidentMetrics(
        mttd=_span(m.started, m.detected),
        mtta=_span(m.detected, m.acknowledged),
        mttm=_span(m.started, m.mitigated),
        mttr=_span(m.started, m.resolved),
    )


def format_duration(delta: timedelta | None) -> str:
    """How every view writes a span of time: `1d 01h`, `1h 05m`, `12m 30s`, `4m`, `45s`; `-` when unknown.

    Whole seconds, no sign (the caller says "overdue by", "late", "after"), and the seconds are
    kept under an hour so a countdown visibly moves."""
    if delta is None:
        return "-"
    total = int(abs(delta.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s" if seconds else f"{minutes}m"
    return f"{seconds}s"


#: What each metric measures, from which milestones (`warroom stats --help` and README say the same).
METRIC_NAMES = ("mttd", "mtta", "mttm", "mttr")
METRIC_DEFINITIONS = {
    "mttd": "time to detect: started (impact began) -> detected",
    "mtta": "time to acknowledge: detected -> acknowledged",
    "mttm": "time to mitigate: started -> mitigated (the first mitigation applied)",
    "mttr": "time to resolve: started -> resolved",
}


@record
class MetricSummary(Record):
    """One metric over a set of incidents: how many had it, and its mean, median and p90.

    The p90 is the nearest-rank percentile (a value some incident really had, never interpolated):
    with fewer than ten incidents it is the largest. All three are None when `count` is 0."""

    count: int
    mean: timedelta | None
    median: timedelta | None
    p90: timedelta | None


def _summary(values: list[timedelta]) -> MetricSummary:
    if not values:
        return MetricSummary(0, None, None, None)
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = max(math.ceil(0.9 * n), 1)  # nearest rank: the smallest value with 90% at or below it
    return MetricSummary(n, sum(ordered, timedelta(0)) / n, median, ordered[rank - 1])


def aggregate(states: Iterable[IncidentState]) -> dict[str, MetricSummary]:
    """Each metric summarised over real incidents (drills are left out); an incident without
    both milestones of a metric (still open, never acknowledged) is not counted for it."""
    real = [incident_metrics(s) for s in states if not s.drill]
    out: dict[str, MetricSummary] = {}
    for name in METRIC_NAMES:
        values: list[timedelta] = [v for m in real if (v := getattr(m, name)) is not None]
        out[name] = _summary(values)
    return out


def incident_start(state: IncidentState) -> datetime:
    """When an incident counts as having happened: its `started` milestone (impact began)."""
    return state.milestones.started or state.declared_at


def month_of(when: datetime) -> str:
    """`2026-11`: the calendar month (UTC) a trend groups an incident under."""
    return f"{when.year:04d}-{when.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive (`2026-10`, `2026-11`...): a month with no
    incident stays on the trend's axis as a gap instead of silently vanishing."""
    year, month = int(first[:4]), int(first[5:])
    out: list[str] = []
    while (label := f"{year:04d}-{month:02d}") <= last:
        out.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def by_severity(states: Iterable[IncidentState]) -> dict[str, list[IncidentState]]:
    """Real incidents grouped by the worst severity they reached (`SEV-1` first)."""
    groups: dict[str, list[IncidentState]] = {}
    for state in sorted((s for s in states if not s.drill), key=lambda s: s.peak_severity.value):
        groups.setdefault(state.peak_severity.label, []).append(state)
    return groups


def by_month(states: Iterable[IncidentState]) -> dict[str, list[IncidentState]]:
    """Real incidents grouped by the month they started, every month between the first and the
    last included (empty ones too), oldest first."""
    real = sorted((s for s in states if not s.drill), key=incident_start)
    if not real:
        return {}
    groups: dict[str, list[IncidentState]] = {
        m: [] for m in months_between(month_of(incident_start(real[0])), month_of(incident_start(real[-1])))
    }
    for state in real:
        groups[month_of(incident_start(state))].append(state)
    return groups
