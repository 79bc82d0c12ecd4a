"""`[[metric]]` sources: a PromQL query asked of a Prometheus server over its HTTP API.

`MetricSource(cfg).collect(now)` runs the instant query (`/api/v1/query`) every interval and
returns a `MetricResult`; it never raises. The last 30 minutes come from one range query
(`/api/v1/query_range`, a 30 s step: 60 points, what a pane's sparkline can show) at the first
poll and again every `RANGE_EVERY` polls; between them each instant value is added to the
history, so the sparkline moves every interval for the cost of one small request.

Errors are said in the pane that owns them: Prometheus's own message for a query it refuses
(`1:5: parse error: ...`), "cannot reach the server: connection refused", "timeout after 10s",
and an empty result is "no data". The URL and header values may come from `${ENV}`; no message
ever holds them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from urllib.parse import urlencode, urlsplit, urlunsplit

from warroom.config.metric import MetricConfig
from warroom.domain.metric_rules import WINDOW_SECONDS
from warroom.redact import redact_values
from warroom.sources.http_client import Fetched, fetch
from warroom.sources.metric_snapshots import MetricResult, MetricSeries
from warroom.sources.probes import revealed_values
from warroom.sources.prometheus_api import PromAnswer, parse_answer

BODY_CAP = 4 * 1024 * 1024
#: The range query's step: 60 points over the 30-minute window.
RANGE_STEP = 30.0
#: Polls between range queries (the history is refreshed from the server this often).
RANGE_EVERY = 8
#: Points kept per series (a little over the window at the fastest sensible interval).
MAX_POINTS = 400


def api_url(base: str, path: str, params: Mapping[str, str]) -> str:
    """`http://prom:9090/api/v1/query?query=...`; a base with a path prefix (a proxy's
    `/prometheus`) or a query of its own (`?token=...`) keeps them."""
    parts = urlsplit(base)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, f"{parts.path.rstrip('/')}/api/v1/{path}", query, ""))


class MetricSource:
    """A configured `[[metric]]`: key `metric:<name>`."""

    kind = "metric"

    def __init__(self, cfg: MetricConfig, environ: Mapping[str, str] | None = None) -> None:
        self.config = cfg
        self.name = cfg.name
        self.key = f"metric:{cfg.name}"
        self.interval = cfg.interval
        self.timeout = cfg.timeout
        self._environ = environ
        self._polls = 0
        #: Each series' points over the window, by its labels: the range query's, then instant ones.
        self._history: dict[str, list[tuple[float, float]]] = {}

    async def _ask(
        self, base: str, path: str, params: dict[str, str], headers: list[tuple[str, str]], hidden: list[str]
    ) -> tuple[Fetched, PromAnswer]:
        """One API request and its parsed answer (errors redacted of every secret value)."""
        cfg = self.config
        params["timeout"] = f"{cfg.timeout:g}s"  # the server gives up too, rather than work on
        got = await fetch(api_url(base, path, params), timeout=cfg.timeout, body_cap=BODY_CAP, headers=headers)
        if got.failure is not None:
            if got.failure == "timeout":
                return got, PromAnswer(error=f"timeout after {cfg.timeout:g}s", failure="timeout")
            return got, PromAnswer(
                error=redact_values(f"cannot reach the server: {got.error or got.failure}", hidden),
                failure="unreachable",
            )
        if got.truncated:
            return got, PromAnswer(error=f"the answer is over {BODY_CAP // (1024 * 1024)} MiB", failure="http")
        assert got.status_code is not None
        answer = parse_answer(got.status_code, got.body)
        if answer.error is not None:
            answer = PromAnswer(error=redact_values(answer.error, hidden), failure=answer.failure)
        return got, answer

    async def collect(self, now: datetime) -> MetricResult:
        """Ask the server once (and for the history when it is due). Never raises."""
        cfg = self.config
        environ = os.environ if self._environ is None else self._environ
        hidden = revealed_values([cfg.url, *(v for _, v in cfg.headers)], environ)
        base = partial(
            MetricResult,
            name=cfg.name,
            url=cfg.url.redacted(),
            query=cfg.query,
            unit=cfg.unit,
            taken_at=now,
            warn=cfg.warn,
            crit=cfg.crit,
        )
        try:
            url = cfg.url.reveal(dict(environ))
            headers = [("Accept", "application/json"), *((n, v.reveal(dict(environ))) for n, v in cfg.headers)]
        except KeyError as exc:
            return base(error=str(exc.args[0]), failure="config")
        at = now.timestamp()
        got, answer = await self._ask(url, "query", {"query": cfg.query, "time": f"{at:.3f}"}, headers, hidden)
        elapsed = got.elapsed
        if answer.error is not None:
            return base(error=answer.error, failure=answer.failure, elapsed=elapsed)
        if self._polls % RANGE_EVERY == 0:
            await self._refresh_history(url, at, headers, hidden)
        self._polls += 1
        self._add(answer, at)
        series = tuple(
            MetricSeries(labels, points[-1][1], tuple(self._history.get(labels, ())))
            for labels, points in answer.series
        )
        warnings = answer.warnings + ((f"{answer.cut} more series not read",) if answer.cut else ())
        return base(
            series=series,
            result_type=answer.result_type,
            warnings=warnings,
            elapsed=elapsed,
        )

    async def _refresh_history(self, url: str, at: float, headers: list[tuple[str, str]], hidden: list[str]) -> None:
        """The last 30 minutes from the server; on failure the history kept so far stays."""
        params = {
            "query": self.config.query,
            "start": f"{at - WINDOW_SECONDS:.3f}",
            "end": f"{at:.3f}",
            "step": f"{RANGE_STEP:g}s",
        }
        _, answer = await self._ask(url, "query_range", params, headers, hidden)
        if answer.error is None:
            self._history = {labels: list(points) for labels, points in answer.series}

    def _add(self, answer: PromAnswer, at: float) -> None:
        """Add the instant values to the history; drop points past the window and gone series."""
        start = at - WINDOW_SECONDS
        fresh: dict[str, list[tuple[float, float]]] = {}
        for labels, points in answer.series:
            kept = [p for p in self._history.get(labels, ()) if start <= p[0] < points[-1][0]]
            kept.append(points[-1])
            fresh[labels] = kept[-MAX_POINTS:]
        self._history = fresh

    async def aclose(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""
