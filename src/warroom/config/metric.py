"""`[[metric]]`: one PromQL query against a Prometheus server, shown beside the symptoms.

    [[metric]]
    name = "api 5xx ratio"
    url = "http://prometheus.internal:9090"
    query = 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'
    interval = "15s"
    warn = 0.01
    crit = 0.05
    unit = "ratio"

Registered with `loader.register_section` (a source kind's own section); entries are in
`config.section("metric")`. The URL and header values may hold `${ENV}` references, expanded only
at use and never shown.
"""

from __future__ import annotations

from dataclasses import field

from warroom.config.fields import Table, suggest
from warroom.config.model import Secret
from warroom.records import Record, record

#: The units a value can be shown in (`domain.metric_rules.format_value`).
UNITS = ("", "ratio", "percent", "s", "ms", "bytes", "req/s")
METRIC_KEYS = ("name", "url", "query", "interval", "timeout", "warn", "crit", "unit", "headers")
#: The longest query accepted (a PromQL expression, not a document).
MAX_QUERY = 4000


@record
class MetricConfig(Record):
    """[[metric]]: a PromQL query polled every `interval`; `warn`/`crit` are "at or above"."""

    name: str
    url: Secret
    query: str
    interval: float = 15.0
    timeout: float = 10.0
    warn: float | None = None
    crit: float | None = None
    unit: str = ""
    headers: tuple[tuple[str, Secret], ...] = field(default=())


def _threshold(t: Table, key: str) -> float | None:
    if not t.has(key):
        return None
    return t.number(key, 0.0, at_most=1e18)


def read_metric(t: Table) -> MetricConfig:
    """One `[[metric]]` table; every problem names the key (the loader adds file and line)."""
    from warroom.config.sections import _headers

    d = MetricConfig(name="", url=Secret(""), query="")
    query = t.text("query", "", required=True)
    if len(query) > MAX_QUERY:
        t.fail("query", f"is {len(query)} characters long; at most {MAX_QUERY}")
    if "\n" in query.strip() or "\r" in query:
        query = " ".join(query.split())  # a multi-line TOML string is one PromQL expression
    warn, crit = _threshold(t, "warn"), _threshold(t, "crit")
    if warn is not None and crit is not None and crit < warn:
        t.fail("crit", f"must be at least warn ({warn:g}), got {crit:g}: both mean 'at or above'")
    unit = t.text("unit", "", allow_empty=True)
    if unit not in UNITS:
        hint = suggest(unit, UNITS[1:])
        tail = f"; did you mean '{hint}'?" if hint else ""
        t.fail("unit", f"'{unit}' is not one of {', '.join(UNITS[1:])}{tail}")
        unit = ""
    return MetricConfig(
        name=t.text("name", "", required=True),
        url=t.url("url"),
        query=query,
        interval=t.duration("interval", d.interval),
        timeout=t.duration("timeout", d.timeout, at_most=300.0),
        warn=warn,
        crit=crit,
        unit=unit,
        headers=_headers(t),
    )
