"""MTTD / MTTA / MTTM / MTTR from an incident's milestones."""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.incident import IncidentState
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


def incident_metrics(state: IncidentState) -> IncidentMetrics:
    m = state.milestones
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


def aggregate(states: list[IncidentState]) -> dict[str, timedelta | None]:
    """Mean of each metric over real incidents (drills are left out)."""
    real = [incident_metrics(s) for s in states if not s.drill]
    out: dict[str, timedelta | None] = {}
    for name in ("mttd", "mtta", "mttm", "mttr"):
        values = [getattr(m, name) for m in real if getattr(m, name) is not None]
        out[name] = sum(values, timedelta(0)) / len(values) if values else None
    return out
