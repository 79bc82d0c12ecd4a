"""What a `[[metric]]` source returns: one Prometheus query's series now and over 30 minutes.

Importable without httpx (panes and `warroom snapshot` type their data with it). Every label,
value and error text in here came from the server and is already cleaned (`sanitize.clean`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.events import format_ts
from warroom.domain.metric_rules import MetricState, format_value, state_of, top_series, worst

#: Series a pane or `warroom snapshot` lists before "… and N more series".
TOP_SERIES = 5
#: Words before the server's own message, by failure (the network's words need none).
FAILURE_WORDS = {"parse": "PromQL: ", "execution": "query failed: "}


@dataclass(frozen=True)
class MetricSeries:
    """One series of a result: its labels as PromQL writes them (`{job="api"}`), its newest
    value, and its (unix time, value) points over the last 30 minutes, oldest first."""

    labels: str
    value: float
    history: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class MetricResult:
    """One look at a query. `error` is set when the server could not be asked or refused the
    query (`failure` says which: `parse`, `execution`, `unreachable`, `timeout`, `http`,
    `type`, `config`); no series and no error is an empty result ("no data")."""

    name: str
    url: str  # redacted
    query: str
    unit: str
    taken_at: datetime
    series: tuple[MetricSeries, ...] = ()
    result_type: str = ""  # vector | scalar | matrix (as Prometheus answered)
    warn: float | None = None
    crit: float | None = None
    error: str | None = None
    failure: str | None = None
    warnings: tuple[str, ...] = ()
    elapsed: float = 0.0

    @property
    def error_text(self) -> str:
        """The error as the pane says it: `PromQL: 1:5: parse error: ...`, `timeout after 10s`."""
        return FAILURE_WORDS.get(self.failure or "", "") + (self.error or "")

    @property
    def no_data(self) -> bool:
        return self.error is None and not self.series

    @property
    def top(self) -> MetricSeries | None:
        """The series with the largest value (the one thresholds judge), None without data."""
        if not self.series:
            return None
        best, _ = top_series([(s.labels, s.value) for s in self.series], 1)
        return next(s for s in self.series if s.labels == best[0][0])

    @property
    def value(self) -> float | None:
        """The headline value: the largest series' (the only one's, usually)."""
        top = self.top
        return top.value if top is not None else None

    @property
    def state(self) -> MetricState:
        """ok / warn / crit of the worst series now (this result alone, undamped)."""
        return worst(state_of(s.value, self.warn, self.crit) for s in self.series)

    def shown(self, value: float | None) -> str:
        return format_value(value, self.unit)

    def as_text(self) -> str:
        """What `warroom snapshot` prints and a pin records."""
        lines = [f"{self.url} {self.query}"]
        if self.error:
            lines.append(f"error: {self.error_text}")
        elif not self.series:
            lines.append("no data: the query returned no series")
        else:
            state = self.state.value.upper()
            many = len(self.series) > 1
            lines.append(
                f"{state} {self.shown(self.value)}" + (f" (largest of {len(self.series)} series)" if many else "")
            )
            if many:
                top, rest = top_series([(s.labels, s.value) for s in self.series], TOP_SERIES)
                lines += [f"  {labels or '{}'} {self.shown(value)}" for labels, value in top]
                if rest:
                    lines.append(f"  … and {rest} more series")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        def num(value: float) -> float | str:
            return value if math.isfinite(value) else format_value(value)

        return {
            "name": self.name,
            "url": self.url,
            "query": self.query,
            "unit": self.unit,
            "taken_at": format_ts(self.taken_at),
            "state": self.state.value if not self.error else None,
            "value": num(self.value) if self.value is not None else None,
            "result_type": self.result_type,
            "series": [{"labels": s.labels, "value": num(s.value)} for s in self.series],
            "warn": self.warn,
            "crit": self.crit,
            "error": self.error,
            "failure": self.failure,
            "warnings": list(self.warnings),
            "elapsed": round(self.elapsed, 6),
        }
