"""Pure rules for Prometheus metrics: values in their unit, ok/warn/crit, and threshold events.

- `format_value(0.0712, "ratio")` -> `7.12%`; `format_value(1536, "bytes")` -> `1.5 KiB`;
  `format_value(0.042, "s")` -> `42ms`. NaN and infinities say so (`NaN`, `+Inf`).
- `state_of(value, warn, crit)`: thresholds mean "at or above"; no thresholds is always `ok`;
  NaN is `unknown` (neither good nor bad news).
- `MetricThresholds`: the state of one query (its worst series) with damping like probes: a new
  state must hold for `confirm` results in a row before it counts, so a value flapping across a
  line does not flood the timeline. ok -> warn -> crit and back each become one
  `metric.threshold` event (`metric api 5xx ratio CRIT: 7.12% (>= 5%)`); the first result, if
  already warn or crit, is news too (the war room opened on a breach); a first ok is silent.
  Dedupe keys: `metric:<name>:<state>:<UTC time>` for a crossing, `metric:<name>:<state>:first`
  for a breach at the first look, so `warroom record` and a screen opened later record it once.
- `bucketed(points, now, slots)`: the last 30 minutes of (time, value) points as `slots` evenly
  spaced values (the newest point in each slot; None where there is none) for a sparkline.

Results are read by attribute (duck-typed) so the domain does not import `sources`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import Enum

from warroom.domain import catalogue
from warroom.domain.events import Kind, format_ts, utc
from warroom.domain.signals import Sample, SignalEvent

#: The sparkline's window: the last 30 minutes.
WINDOW_SECONDS = 30 * 60
#: Results in a row a new state needs before it counts (as probes' flap damping).
CONFIRM = 2


class MetricState(str, Enum):
    UNKNOWN = "unknown"
    OK = "ok"
    WARN = "warn"
    CRIT = "crit"


_RANK = {MetricState.UNKNOWN: 0, MetricState.OK: 1, MetricState.WARN: 2, MetricState.CRIT: 3}


def state_of(value: float | None, warn: float | None, crit: float | None) -> MetricState:
    """ok / warn / crit for one value (thresholds: at or above); NaN or no value is unknown."""
    if value is None or math.isnan(value):
        return MetricState.UNKNOWN
    if crit is not None and value >= crit:
        return MetricState.CRIT
    if warn is not None and value >= warn:
        return MetricState.WARN
    return MetricState.OK


def worst(states: Iterable[MetricState]) -> MetricState:
    """The most serious of several series' states (unknown when there are none)."""
    return max(states, key=_RANK.__getitem__, default=MetricState.UNKNOWN)


def _number(value: float, digits: int = 3) -> str:
    """`0.0123`, `12.3`, `1234`, `1.23e+09`: about three significant digits, no trailing zeros."""
    if value == 0:
        return "0"
    mag = abs(value)
    if mag >= 1e6 or mag < 1e-3:
        return f"{value:.{digits - 1}e}"
    if mag >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def format_value(value: float | None, unit: str = "") -> str:
    """A value as people read it in `unit` (see the module docstring); `-` for none."""
    if value is None:
        return "-"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if unit == "ratio":
        return f"{_number(value * 100)}%"
    if unit == "percent":
        return f"{_number(value)}%"
    if unit == "s":
        return f"{_number(value * 1000)}ms" if abs(value) < 1 else f"{_number(value)}s"
    if unit == "ms":
        return f"{_number(value)}ms" if abs(value) < 1000 else f"{_number(value / 1000)}s"
    if unit == "bytes":
        size, prefixes = abs(value), ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
        step = 0
        while size >= 1024 and step < len(prefixes) - 1:
            size, step = size / 1024, step + 1
        sign = "-" if value < 0 else ""
        return f"{sign}{size:.0f} B" if step == 0 else f"{sign}{_number(size)} {prefixes[step]}"
    if unit == "req/s":
        return f"{_number(value)} req/s"
    return _number(value)


def threshold_text(state: MetricState, warn: float | None, crit: float | None, unit: str) -> str:
    """`>= 5%` for the line `state` crossed (crit, warn), or `< 1%` when back to ok."""
    if state is MetricState.CRIT and crit is not None:
        return f">= {format_value(crit, unit)}"
    if state is MetricState.WARN and warn is not None:
        return f">= {format_value(warn, unit)}"
    line = warn if warn is not None else crit
    return f"< {format_value(line, unit)}" if line is not None else ""


def bucketed(
    points: Iterable[tuple[float, float]], now: datetime, slots: int, window: float = WINDOW_SECONDS
) -> list[float | None]:
    """`slots` values covering the last `window` seconds, oldest first (see the module docstring)."""
    if slots <= 0:
        return []
    end = utc(now).timestamp()
    start = end - window
    width = window / slots
    out: list[float | None] = [None] * slots
    for at, value in points:
        if at < start or at > end + width or math.isnan(value):
            continue
        index = min(slots - 1, int((at - start) / width))
        out[index] = value
    return out


class MetricThresholds:
    """The damped ok/warn/crit state of one query; see the module docstring."""

    def __init__(
        self, name: str, warn: float | None, crit: float | None, unit: str = "", confirm: int = CONFIRM
    ) -> None:
        if confirm < 1:
            raise ValueError("confirm must be at least 1")
        self.name = name
        self.warn = warn
        self.crit = crit
        self.unit = unit
        self.confirm = confirm
        self.state = MetricState.UNKNOWN
        self.since: datetime | None = None
        self._pending: MetricState | None = None
        self._streak = 0

    @property
    def pending(self) -> MetricState | None:
        """A state the newest results show that is not confirmed yet (None: they agree)."""
        return self._pending if self._pending is not None and self._pending is not self.state else None

    def observe(self, value: float | None, now: datetime, *, labels: str = "") -> SignalEvent | None:
        """Take the query's headline value (its worst series); an event when the state changes.

        No value (an error, no data, NaN) changes nothing: the metric's state is unknown, not
        changed. `labels` names the series the value is from, for the event's words."""
        seen = state_of(value, self.warn, self.crit)
        if seen is MetricState.UNKNOWN or value is None:
            return None
        if seen is self.state:
            self._pending, self._streak = None, 0
            return None
        if seen is self._pending:
            self._streak += 1
        else:
            self._pending, self._streak = seen, 1
        # From UNKNOWN one result is enough: there is no flapping to damp yet.
        if self.state is not MetricState.UNKNOWN and self._streak < self.confirm:
            return None
        previous = self.state
        self.state, self.since = seen, now
        self._pending, self._streak = None, 0
        if previous is MetricState.UNKNOWN and seen is MetricState.OK:
            return None  # a healthy first look is not news
        return self._event(previous, seen, value, now, labels)

    def _event(
        self, previous: MetricState, state: MetricState, value: float, now: datetime, labels: str
    ) -> SignalEvent:
        shown = format_value(value, self.unit)
        line = threshold_text(state, self.warn, self.crit, self.unit)
        where = f" {labels}" if labels else ""
        if state is MetricState.OK:
            text = f"metric {self.name} back to OK: {shown}{where}" + (f" ({line})" if line else "")
        else:
            text = f"metric {self.name} {state.value.upper()}: {shown}{where}" + (f" ({line})" if line else "")
        threshold = self.crit if state is MetricState.CRIT else self.warn
        payload = catalogue.metric_threshold(
            metric=self.name,
            state=state.value,
            previous=previous.value,
            value=value,
            threshold=threshold,
            unit=self.unit,
            series=labels,
            at=now,
        )
        # A breach seen at the first look is keyed without a time: the war room opened after
        # `warroom record` saw it already is the same news, recorded once.
        when = "first" if previous is MetricState.UNKNOWN else format_ts(now)
        return SignalEvent(
            kind=Kind.METRIC_THRESHOLD,
            text=text,
            at=now,
            payload=payload,
            dedupe_key=f"metric:{self.name}:{state.value}:{when}",
        )


def metric_samples(name: str, value: float | None, now: datetime) -> list[Sample]:
    """`metric.<name>`: the query's headline value for the review chart (none for NaN/Inf)."""
    if value is None or not math.isfinite(value):
        return []
    return [Sample(f"metric.{name}", float(value), utc(now))]


def top_series(values: Sequence[tuple[str, float]], count: int) -> tuple[list[tuple[str, float]], int]:
    """The `count` largest (labels, value) pairs, largest first (NaN last), and how many are left."""
    ordered = sorted(values, key=lambda lv: (math.isnan(lv[1]), -lv[1] if not math.isnan(lv[1]) else 0.0))
    return ordered[:count], max(0, len(ordered) - count)
