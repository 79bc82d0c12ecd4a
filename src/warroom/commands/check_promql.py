"""`warroom check --promql QUERY --url SERVER`: one instant query, its value printed.

    $ warroom check --promql 'sum(rate(http_requests_total[5m]))' --url http://127.0.0.1:9090
    12.5
    $ warroom check --promql 'rate(http_requests_total[5m])' --url http://127.0.0.1:9090
    http_requests_total{code="200",job="api"} 11.25
    http_requests_total{code="500",job="api"} 1.25
    $ warroom check --promql 'sum(rate(x[5m])' --url http://127.0.0.1:9090
    warroom: PromQL: 1:16: parse error: unclosed left parenthesis      (exit 1)

The same source as a `[[metric]]` entry (`sources.prometheus`), so what this prints is what the
metrics pane shows. Values are printed as Prometheus computed them (no unit), every series'
labels as PromQL writes them. Exit status 1 on any error and on an empty result.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime

from warroom.errors import UserError


def _value(value: float) -> str:
    """The number as Prometheus would print it: `12.5`, `1`, `NaN`, `+Inf`."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value) if not value.is_integer() else str(int(value))


def run_promql(query: str | None, url: str | None, *, timeout: float, as_json: bool) -> int:
    """Run `query` against `url` once and print it; 1 on an error or no data."""
    from warroom.config.metric import MetricConfig
    from warroom.config.model import Secret
    from warroom.sanitize import clean
    from warroom.sources.metric_snapshots import MetricResult
    from warroom.sources.prometheus import MetricSource

    if not query or not query.strip():
        raise UserError("--promql needs a query, e.g. --promql 'up' --url http://127.0.0.1:9090")
    if not url:
        raise UserError("--promql needs --url SERVER, the Prometheus server, e.g. http://127.0.0.1:9090")
    full = url if "://" in url else "http://" + url
    if not full.startswith(("http://", "https://")):
        raise UserError(f"--url must be an http(s) URL, got {clean(Secret(full).redacted())}")
    cfg = MetricConfig(name="check", url=Secret(full), query=" ".join(query.split()), timeout=timeout)

    async def once() -> MetricResult:
        source = MetricSource(cfg)
        try:
            return await source.collect(datetime.now(UTC))
        finally:
            await source.aclose()

    result = asyncio.run(once())
    if as_json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0 if not result.error and result.series else 1
    if result.error:
        print(f"warroom: {result.error_text}", file=sys.stderr)
        return 1
    if not result.series:
        print("no data: the query returned no series", file=sys.stderr)
        return 1
    if len(result.series) == 1 and result.series[0].labels in ("{}", "scalar"):
        print(_value(result.series[0].value))
    else:
        for series in result.series:
            print(f"{series.labels} {_value(series.value)}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
