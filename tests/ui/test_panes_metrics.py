"""The metrics pane against a real Prometheus scraping an exporter this test serves.

Values, units and states in words, the 30-minute sparkline, one line per series (the rest
counted), and every error in the pane that owns it: Prometheus's own parse error, an unreachable
server, no data. The 80x24 summary line says when a metric is in crit.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.http_server import closed_port_url
from tests.support.prometheus import Exporter, PrometheusServer
from tests.ui.test_panes_support import PanesApp, wait_for
from warroom.config.metric import MetricConfig
from warroom.config.model import Config, Secret
from warroom.layout.sparkline_text import BARS
from warroom.ui.widgets.metrics import MetricsPane

pytestmark = pytest.mark.requires("prometheus")


@pytest.fixture(scope="module")
def prom() -> Iterator[tuple[Exporter, PrometheusServer]]:
    with Exporter() as exporter, PrometheusServer(exporter.target) as server:
        server.wait_for("sum(rate(demo_requests_total[5s]))")  # two scrapes in: rates have data
        yield exporter, server


def metrics_config(*metrics: MetricConfig) -> Config:
    return Config(sections=(("metric", metrics),))


def metric(name: str, url: str, query: str, **kw: object) -> MetricConfig:
    return MetricConfig(name=name, url=Secret(url), query=query, interval=0.3, timeout=2.0, **kw)  # type: ignore[arg-type]


def rows(app: PanesApp) -> list[str]:
    return [r for r in app.query_one(MetricsPane).row_list.texts if not r.startswith(" ")]


def series_rows(app: PanesApp) -> list[str]:
    return [r.strip() for r in app.query_one(MetricsPane).row_list.texts if r.startswith(" ")]


async def test_the_pane_shows_the_value_prometheus_computed_with_its_unit_and_state(prom) -> None:
    exporter, server = prom
    exporter.set_gauge("demo_pane_latency_seconds", 0.25)
    server.wait_for("demo_pane_latency_seconds", 0.25)
    config = metrics_config(
        metric("p99", server.url, "demo_pane_latency_seconds * 2", warn=0.4, crit=1.0, unit="s"),
        metric("rate", server.url, 'sum(rate(demo_requests_total{code="200"}[5s]))', unit="req/s"),
    )
    app = PanesApp(config)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: len(rows(app)) == 2 and "ago" in rows(app)[1], "both results")
        p99, rate = rows(app)
        # Prometheus computed 0.5 (seconds): shown in its unit, over warn, in words and a symbol.
        assert p99.startswith("▲ WARN") and "p99" in p99 and "500ms (≥ 400ms)" in p99, p99
        assert any(bar in p99 for bar in BARS), "a sparkline of the last 30 minutes"
        assert rate.startswith("✔ OK") and " req/s" in rate, rate
        exporter.set_gauge("demo_pane_latency_seconds", 0.75)
        await wait_for(pilot, lambda: rows(app)[0].startswith("✖ CRIT"), "crit after two results at 1.5s")
        assert "1.5s (≥ 1s)" in rows(app)[0]


async def test_several_series_get_a_line_each_largest_first_and_the_rest_counted(prom) -> None:
    exporter, server = prom
    for shard in range(8):
        exporter.set_gauge(f'demo_pane_shard_depth{{shard="{shard}"}}', 10 * shard)
    server.wait_for("count(demo_pane_shard_depth)", 8)
    app = PanesApp(metrics_config(metric("shards", server.url, "demo_pane_shard_depth", warn=50)))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: len(series_rows(app)) == 6, "five series and the rest counted")
        row = rows(app)[0]
        assert row.startswith("▲ WARN") and " 70 " in row and "largest of 8 series" in row, row
        lines = series_rows(app)
        assert lines[0].startswith('↳ demo_pane_shard_depth{instance="') and 'shard="7"' in lines[0]
        assert lines[0].split("}")[-1].split()[0] == "70"
        assert 'shard="3"' in lines[4] and lines[5] == "↳ … and 3 more series"


async def test_errors_say_what_went_wrong_in_the_pane_and_the_rest_keeps_working(prom) -> None:
    exporter, server = prom
    exporter.set_gauge("demo_pane_ok", 3)
    server.wait_for("demo_pane_ok", 3)
    bad = "sum(rate(demo_requests_total[1m])"
    words = server.query(bad)["error"]  # Prometheus's own message
    config = metrics_config(
        metric("bad query", server.url, bad),
        metric("gone", closed_port_url(), "up"),
        metric("empty", server.url, "demo_not_exported_anywhere"),
        metric("fine", server.url, "demo_pane_ok"),
    )
    app = PanesApp(config)
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_for(pilot, lambda: len(rows(app)) == 4 and all("ago" in r for r in rows(app)), "four results")
        broken, gone, empty, fine = rows(app)
        assert broken.startswith("✖ ERROR") and f"PromQL: {words}" in broken, broken
        assert gone.startswith("✖ ERROR") and "cannot reach the server: connection refused" in gone, gone
        assert empty.startswith("? NO DATA") and "no data" in empty, empty
        assert fine.startswith("✔ OK") and " 3 " in fine, fine


async def test_the_80x24_summary_is_one_line_for_every_query_the_worst_first(prom) -> None:
    from warroom.ui.widgets.panes import SourceSummary

    exporter, server = prom
    exporter.set_gauge("demo_pane_errors_ratio", 0.07)
    exporter.set_gauge("demo_pane_queue", 3)
    server.wait_for("demo_pane_errors_ratio", 0.07)
    server.wait_for("demo_pane_queue", 3)
    config = metrics_config(
        metric("queue", server.url, "demo_pane_queue", warn=100),
        metric("5xx", server.url, "demo_pane_errors_ratio", warn=0.01, crit=0.05, unit="ratio"),
        metric("gone", closed_port_url(), "up"),
    )
    app = PanesApp(config, summary=True)
    async with app.run_test(size=(80, 24)) as pilot:
        summary = app.query_one(SourceSummary)
        await wait_for(pilot, lambda: summary.texts and summary.texts[0].startswith("✖ CRIT"), "CRIT")
        await wait_for(pilot, lambda: "1 error" in summary.texts[0], "every result")
        assert len(summary.texts) == 1, summary.texts
        line = summary.texts[0]
        assert line.split()[2] == "5xx" and "7% (≥ 5%) · 1 ok · 1 error" in line and len(line) <= 80, line
        exporter.set_gauge("demo_pane_errors_ratio", 0.001)
        await wait_for(pilot, lambda: summary.texts[0].startswith("✔ OK"), "back to OK")
        assert "2 metrics" not in summary.texts[0] and "3 metrics" in summary.texts[0]
        assert "queue 3 · 5xx 0.1%" in summary.texts[0] and "1 error" in summary.texts[0], summary.texts[0]
