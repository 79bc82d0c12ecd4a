"""The review chart's model: one time axis cut into columns, and per column each probe's band,
the error rate and the markers (deploys, mitigations, milestones). No drawing here: the screen
turns this into block characters (`ui.widgets.review_chart`).

"What changed right before it broke?": a probe that was down at any moment of a column is drawn
down in it (a short outage never disappears between two columns), the error rate of a column
is the worst minute overlapping it, and a marker sits in the column of its time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from warroom.domain.catalogue import entry
from warroom.domain.events import Event, Kind
from warroom.domain.review_filter import is_milestone
from warroom.records import Record, record

#: Band cells: the probe was down at some moment of the column, up throughout, or not yet seen.
DOWN, UP, UNKNOWN = "down", "up", "unknown"

#: Marked on the marker row: deploys, mitigations (applied and run), and the milestones.
MARKED_KINDS = frozenset({Kind.DEPLOY, Kind.MITIGATED, Kind.MITIGATION})


@record
class Marker(Record):
    """One thing marked on the axis: its column, one-cell glyph, kind and time."""

    column: int
    glyph: str
    kind: str
    at: datetime


@record
class ChartModel(Record):
    """Columns of equal time from `start` to `end` (see the module docstring)."""

    start: datetime
    end: datetime
    columns: int
    #: (probe name, one state per column), probes in the order they first appear.
    bands: tuple[tuple[str, tuple[str, ...]], ...]
    #: The worst errors-per-minute (all logs together) of each column; None where no samples.
    errors: tuple[float | None, ...]
    markers: tuple[Marker, ...]

    @property
    def span(self) -> timedelta:
        return self.end - self.start

    @property
    def error_peak(self) -> float:
        return max((v for v in self.errors if v is not None), default=0.0)

    def column_of(self, at: datetime) -> int:
        """The column holding `at` (clamped to the axis)."""
        total = self.span.total_seconds()
        if total <= 0:
            return 0
        fraction = (at - self.start).total_seconds() / total
        return max(0, min(self.columns - 1, int(fraction * self.columns)))

    def time_of(self, column: int) -> datetime:
        """The start of `column`."""
        return self.start + self.span * (column / max(1, self.columns))


def build_chart(
    events: Iterable[Event],
    samples: Iterable[tuple[str, datetime, float]],
    start: datetime,
    end: datetime,
    columns: int,
) -> ChartModel:
    """The model for `columns` columns from `start` to `end`. `events` in time order; `samples`
    are the logs' errors-a-minute (`store.error_samples`)."""
    columns = max(1, columns)
    empty = ChartModel(start, end, columns, (), (), ())
    events = list(events)
    bands = _bands(events, empty)
    errors = _errors(samples, empty)
    markers = []
    for ev in events:
        if ev.kind in MARKED_KINDS or is_milestone(ev):
            kind = entry(ev.kind)
            markers.append(Marker(empty.column_of(ev.at), kind.glyph if kind else "·", ev.kind, ev.at))
    return ChartModel(start, end, columns, bands, errors, tuple(markers))


def _bands(events: list[Event], model: ChartModel) -> tuple[tuple[str, tuple[str, ...]], ...]:
    changes: dict[str, list[tuple[int, str]]] = {}
    for ev in events:
        if ev.kind in (Kind.PROBE_DOWN, Kind.PROBE_UP):
            name = str(ev.payload.get("probe") or "?")
            changes.setdefault(name, []).append((model.column_of(ev.at), DOWN if ev.kind == Kind.PROBE_DOWN else UP))
    out = []
    for name, steps in changes.items():
        cells = [UNKNOWN] * model.columns
        current = UNKNOWN
        i = 0
        for col in range(model.columns):
            down_inside = False
            while i < len(steps) and steps[i][0] == col:
                current = steps[i][1]
                down_inside = down_inside or current == DOWN
                i += 1
            cells[col] = DOWN if down_inside else current
        out.append((name, tuple(cells)))
    return tuple(out)


def _errors(samples: Iterable[tuple[str, datetime, float]], model: ChartModel) -> tuple[float | None, ...]:
    per_minute: dict[datetime, float] = defaultdict(float)
    for _series, at, value in samples:
        per_minute[at.replace(second=0, microsecond=0)] += value
    worst: list[float | None] = [None] * model.columns
    start_minute = model.start.replace(second=0, microsecond=0)
    for minute, value in per_minute.items():
        if minute < start_minute or minute > model.end:
            continue
        # A minute covers every column it overlaps (columns narrower than a minute show no gaps).
        last = model.column_of(minute + timedelta(seconds=59.999))
        for col in range(model.column_of(minute), last + 1):
            current = worst[col]
            worst[col] = value if current is None else max(current, value)
    return tuple(worst)
