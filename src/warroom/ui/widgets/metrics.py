"""The metrics pane: one row per `[[metric]]` query, its value, state and last 30 minutes.

    ✔ OK      api 5xx ratio  0.71%          ▂▂▃▂▂▅▂▂▂▂▃▂▂▂▂▂▂▂  4s ago
    ✖ CRIT    p99 latency    1.2s (≥ 1s)    ▂▂▃▂▅██▇███▇██▇██  3s ago  largest of 12 series
              ↳ http_request_duration_seconds{job="api"}  1.2s ▃▅▇██
              ↳ … and 7 more series
    ? NO DATA queue depth    no data: the query returned no series  9s ago
    ✖ ERROR   bad query      PromQL: 1:5: parse error: unexpected ...  2s ago

At 80x24 every query is ONE summary line (`metrics_summary`), the worst first:
`✖ CRIT    p99 latency    1.2s (≥ 1s) · 1 warn · 17 ok · 1 error`.

The state is the recorder's damped `MetricThresholds` (the same rule that writes the
`metric.threshold` events), in words and a symbol; colour only repeats it. With several series,
the largest is judged and shown; each series gets a line (largest first, the rest counted) when
the pane has room. Everything from the server is cleaned text.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content

from warroom.domain.metric_rules import WINDOW_SECONDS, MetricState, bucketed, threshold_text, top_series
from warroom.layout.sparkline_text import sparkline
from warroom.sources.metric_observer import MetricStatus
from warroom.sources.metric_snapshots import TOP_SERIES, MetricResult, MetricSeries
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    OK_STYLE,
    WARN_STYLE,
    Detail,
    SourceInfo,
    SourcePane,
    age_text,
    freshness,
    line,
    pad,
    seconds_since,
    untrusted,
)

if TYPE_CHECKING:
    from warroom.scheduler import SourceUpdate

STATES = {
    MetricState.OK: ("✔ OK", OK_STYLE),
    MetricState.WARN: ("▲ WARN", WARN_STYLE),
    MetricState.CRIT: ("✖ CRIT", BAD_STYLE),
    MetricState.UNKNOWN: ("? UNKNOWN", MUTED_STYLE),
}
STATE_W = 10
VALUE_W = 9
SPARK_MAX = 30


def error_words(result: MetricResult) -> str:
    """The one line an error row shows: `PromQL: 1:5: parse error: ...`, `timeout after 10s`."""
    return untrusted(result.error_text, 220)


def metric_state(result: MetricResult, status: object) -> tuple[str, str]:
    """(words, style) for a result: the damped state, `▲ OK · now WARN` while the newest value
    disagrees and is not confirmed yet."""
    if isinstance(status, MetricStatus) and status.state is not MetricState.UNKNOWN:
        word, style = STATES[status.state]
        if status.pending is not None:
            return f"{word} · now {status.pending.value.upper()}", WARN_STYLE
        return word, style
    return STATES[result.state]


def _value_text(result: MetricResult, state: MetricState) -> str:
    shown = result.shown(result.value)
    line_text = threshold_text(state, result.warn, result.crit, result.unit)
    return f"{shown} ({line_text.replace('>=', '≥')})" if state in (MetricState.WARN, MetricState.CRIT) else shown


class MetricsPane(SourcePane):
    """Prometheus queries, one row each (and a line per series when there is room)."""

    TITLE = "Metrics"
    EMPTY = "No Prometheus queries: add [[metric]] (name, url, query; warn, crit, unit) to warroom.toml"
    MIN_ROWS = 1
    WHOLE = True  # beside the symptoms: each query's row before the long panes share

    def __init__(self, sources: list[SourceInfo], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(sources, id=id, classes=classes)
        self._state_w = STATE_W
        self._value_w = VALUE_W
        self._with_line = True  # the value's threshold shown beside it (`7.1% (≥ 5%)`)
        self._spare = 0  # cells left at the end of a row
        #: Sparklines drawn, by (source key, series, width): redrawn only when the result or
        #: the 30-minute window's slot changes, not on every tick (20 queries, 4 redraws a second).
        self._sparks: dict[tuple[str, str, int], tuple[tuple[object, int], str]] = {}

    def _spark(self, key: str, series: MetricSeries, taken_at: datetime, width: int, now: datetime) -> str:
        """The series' last 30 minutes in `width` cells (cached while nothing it shows changed)."""
        if width <= 0:
            return ""
        slot = int(now.timestamp() // (WINDOW_SECONDS / width))
        stamp = (taken_at, slot)
        cached = self._sparks.get((key, series.labels, width))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        text = sparkline(bucketed(series.history, now, width), floor=None)
        if len(self._sparks) > 64 * max(1, len(self.sources)):
            self._sparks.clear()  # widths come and go with resizes: keep the map small
        self._sparks[(key, series.labels, width)] = (stamp, text)
        return text

    def rows(self, now: datetime) -> list[Content | Detail]:
        names = [untrusted(s.name, cap=24) for s in self.sources]
        name_w = max((cell_len(n) for n in names), default=4)
        words = {s.key: self._words(s.key) for s in self.sources}
        self._state_w = max([STATE_W, *(cell_len(w) + 2 for w in words.values() if w)])
        # The threshold beside the value when there is room for a sparkline too; else the value.
        spark_w = 0
        for self._with_line in (True, False):
            values = [v for v in (self._value(i) for i in self.sources) if v]
            self._value_w = max([VALUE_W, *(cell_len(v) + 1 for v in values)])
            used = self._state_w + name_w + 2 + self._value_w + 1 + 9
            spark_w = min(SPARK_MAX, self.size.width - 2 - used)
            if spark_w >= 8:
                break
        spark_w = spark_w if spark_w >= 4 else 0
        # `largest of 12 series` after the age: the sparkline gives way to it down to 12 cells.
        note = max((len(self._many(i)) for i in self.sources), default=0)
        if note and self.size.width - 2 - (used + spark_w) < note:
            spark_w = max(min(spark_w, 12), self.size.width - 2 - used - note)
        self._spare = self.size.width - 2 - (used + spark_w)
        out: list[Content | Detail] = []
        for info, name in zip(self.sources, names):
            update = self.updates.get(info.key)
            row = self._row(info, name, name_w, spark_w, update, now)
            stale = freshness(update, now)
            out.append(line(row, ("  " + stale[0], stale[1])) if stale else row)
            out += [Detail(d) for d in self._series_rows(info, update, spark_w, now)]
        return out

    def _many(self, info: SourceInfo) -> str:
        """`  largest of 12 series` for a result with several series, else nothing."""
        update = self.updates.get(info.key)
        result = update.snapshot if update is not None else None
        if not isinstance(result, MetricResult) or result.error or len(result.series) < 2:
            return ""
        return f"  largest of {len(result.series)} series"

    def _value(self, info: SourceInfo) -> str | None:
        update = self.updates.get(info.key)
        result = update.snapshot if update is not None else None
        if not isinstance(result, MetricResult) or result.error or not result.series:
            return None
        return _value_text(result, result.state) if self._with_line else result.shown(result.value)

    def _words(self, key: str) -> str | None:
        update = self.updates.get(key)
        result = update.snapshot if update is not None else None
        if not isinstance(result, MetricResult) or result.error or not result.series:
            return None
        return metric_state(result, update.status if update is not None else None)[0]

    def _row(
        self, info: SourceInfo, name: str, name_w: int, spark_w: int, update: SourceUpdate | None, now: datetime
    ) -> Content:
        sw = self._state_w
        if update is None:
            return line(pad("? WAITING", sw), pad(name, name_w), ("  waiting for the first result", MUTED_STYLE))
        result = update.snapshot
        age = (f"  {age_text(seconds_since(result.taken_at, now))} ago", MUTED_STYLE)
        if not isinstance(result, MetricResult) or result.error:
            words = error_words(result) if isinstance(result, MetricResult) else untrusted(update.error, 200)
            return line((pad("✖ ERROR", sw), BAD_STYLE), pad(name, name_w), "  ", (words, BAD_STYLE), age)
        if not result.series:
            return line(
                (pad("? NO DATA", sw), WARN_STYLE),
                pad(name, name_w),
                "  no data: the query returned no series",
                age,
            )
        word, style = metric_state(result, update.status)
        state = result.state
        top = result.top
        spark = self._spark(info.key, top, result.taken_at, spark_w, now) if top is not None else ""
        parts: list[str | tuple[str, str]] = [
            (pad(word, sw), style),
            pad(name, name_w),
            "  ",
            (pad(self._value(info) or "", self._value_w), style if state is not MetricState.OK else ""),
            *((" ", pad(spark, spark_w)) if spark_w else ()),
            age,
        ]
        many = self._many(info)
        if many and self._spare >= len(many):
            parts.append((many, MUTED_STYLE))
        if result.warnings:
            parts.append((f"  ⚠ {untrusted(result.warnings[0], 120)}", WARN_STYLE))
        return line(*parts)

    def _series_rows(self, info: SourceInfo, update: SourceUpdate | None, spark_w: int, now: datetime) -> list[Content]:
        result = update.snapshot if update is not None else None
        if not isinstance(result, MetricResult) or result.error or len(result.series) < 2:
            return []
        indent = " " * self._state_w
        top, rest = top_series([(s.labels, s.value) for s in result.series], TOP_SERIES)
        by_labels = {s.labels: s for s in result.series}
        out = []
        for labels, value in top:
            spark = self._spark(info.key, by_labels[labels], result.taken_at, min(spark_w, 16), now)
            out.append(
                line(
                    indent,
                    ("↳ ", MUTED_STYLE),
                    untrusted(labels, 80),
                    "  ",
                    result.shown(value),
                    *((" ", spark) if spark else ()),
                )
            )
        if rest:
            out.append(line(indent, (f"↳ … and {rest} more series", MUTED_STYLE)))
        return out

    def pin_text(self, key: str) -> str:
        """The result as `warroom snapshot` prints it, with the damped state the pane shows."""
        update = self.updates.get(key)
        if update is None:
            return "no result yet"
        snap = update.snapshot
        if isinstance(snap, MetricResult):
            state = metric_state(snap, update.status)[0] if snap.series and not snap.error else ""
            return snap.as_text() + (f"\nstate: {state}" if state else "")
        return f"error: {snap.error}"


def metric_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: str | tuple[str, str],
    stale: str | tuple[str, str],
    detected_at: datetime | None,
) -> Content | None:
    """The query's line in the 80x24 summary: `✖ CRIT    api 5xx  7.12% (≥ 5%) · 4s ago`."""
    snap = update.snapshot
    if not isinstance(snap, MetricResult):
        return None
    if snap.error:
        return line((pad("✖ ERROR", STATE_W), BAD_STYLE), name, f" {error_words(snap)}", stale, age)
    if not snap.series:
        return line((pad("? NO DATA", STATE_W), WARN_STYLE), name, " the query returned no series", stale, age)
    word, style = metric_state(snap, update.status)
    value = _value_text(snap, snap.state)
    many = f" · largest of {len(snap.series)}" if len(snap.series) > 1 else ""
    return line((pad(word, STATE_W), style), name, f" {value}{many}", stale, age)


_RANK = {MetricState.CRIT: 0, MetricState.WARN: 1, MetricState.OK: 2, MetricState.UNKNOWN: 3}


def metrics_summary(
    infos: list[SourceInfo], updates: dict[str, SourceUpdate], now: datetime, *, detected_at: datetime | None
) -> Content:
    """Every query in ONE line of the 80x24 summary, the worst first:
    `✖ CRIT    api 5xx        7.12% (≥ 5%) · 1 warn · 17 ok · 1 error`; all fine:
    `✔ OK      3 metrics      api 5xx 0.4% · p99 120ms · queue 12`."""
    judged: list[tuple[MetricState, SourceInfo, MetricResult, str]] = []
    errors = waiting = empty = 0
    for info in infos:
        update = updates.get(info.key)
        snap = update.snapshot if update is not None else None
        if update is None:
            waiting += 1
        elif not isinstance(snap, MetricResult) or snap.error:
            errors += 1
        elif not snap.series:
            empty += 1
        else:
            status = update.status
            state = (
                status.state if isinstance(status, MetricStatus) and status.state is not MetricState.UNKNOWN else None
            )
            judged.append((state or snap.state, info, snap, metric_state(snap, status)[0]))
    label = untrusted(infos[0].name, 14) if len(infos) == 1 else f"{len(infos)} metrics"
    problems = [
        *([f"{errors} error{'s' if errors != 1 else ''}"] if errors else []),
        *([f"{empty} no data"] if empty else []),
        *([f"{waiting} waiting"] if waiting else []),
    ]
    if not judged:
        word, style = (
            ("✖ ERROR", BAD_STYLE) if errors else ("? WAITING", MUTED_STYLE) if waiting else ("? NO DATA", WARN_STYLE)
        )
        if len(infos) == 1 and errors:
            snap = updates[infos[0].key].snapshot
            detail = error_words(snap) if isinstance(snap, MetricResult) else untrusted(updates[infos[0].key].error)
            return line((pad(word, STATE_W), style), pad(label, 14), f" {detail}")
        return line((pad(word, STATE_W), style), pad(label, 14), " " + " · ".join(problems))
    judged.sort(key=lambda j: _RANK[j[0]])
    worst, info, snap, words = judged[0]
    _, style = STATES[worst]
    if worst in (MetricState.CRIT, MetricState.WARN):
        others = [f"{n} {s.value}" for s, n in _counts(judged[1:]).items()] + problems
        tail = "".join(f" · {c}" for c in others)
        return line(
            (pad(words, STATE_W), style),
            pad(untrusted(info.name, 14), 14),
            (f" {_value_text(snap, worst)}", style),
            tail,
        )
    if len(infos) == 1:
        shown = snap.shown(snap.value)  # the label is its name already
    else:
        shown = " · ".join(f"{untrusted(i.name, 20)} {s.shown(s.value)}" for _, i, s, _ in judged)
    tail = "".join(f" · {c}" for c in problems)
    word = words if len(infos) == 1 else STATES[worst][0]
    return line((pad(word, STATE_W), style), pad(label, 14), f" {shown}{tail}")


def _counts(judged: list[tuple[MetricState, SourceInfo, MetricResult, str]]) -> dict[MetricState, int]:
    out: dict[MetricState, int] = {}
    for state, *_ in sorted(judged, key=lambda j: _RANK[j[0]]):
        out[state] = out.get(state, 0) + 1
    return out
