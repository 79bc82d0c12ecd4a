"""The installed `warroom` in a real tmux beside a real Prometheus: at 80x24 the one summary line
says a query is in CRIT with its value and unit, the crossing lands on the timeline once, and at
120x40 the metrics pane shows it with a PromQL error in its own row."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux  # noqa: F401 - the fixture
from tests.support.prometheus import Exporter, PrometheusServer
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux", "prometheus")]


@pytest.fixture
def prom() -> Iterator[tuple[Exporter, PrometheusServer]]:
    with Exporter() as exporter, PrometheusServer(exporter.target) as server:
        yield exporter, server


def test_a_metric_in_crit_reads_at_80x24_and_lands_once_on_the_timeline(tmux: Tmux, prom, tmp_path: Path) -> None:
    exporter, server = prom
    exporter.set_gauge("demo_checkout_error_ratio", 0.002)
    server.wait_for("demo_checkout_error_ratio", 0.002)
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        "[resources]\nenabled = false\n"
        f'[[metric]]\nname = "checkout 5xx"\nurl = "{server.url}"\nquery = "demo_checkout_error_ratio"\n'
        'interval = 0.5\nwarn = 0.01\ncrit = 0.05\nunit = "ratio"\n'
        f'[[metric]]\nname = "typo"\nurl = "{server.url}"\nquery = "sum(rate(demo_requests_total[1m])"\n'
    )
    with EventStore.open(tmp_path / "warroom.db") as store:
        store.declare("Checkout errors", 2, actor="bob")
    tmux.env.update(WARROOM_CONFIG=str(cfg), COLUMNS="80", LINES="24")
    tmux.start([str(warroom_executable())], width=80, height=24)
    tmux.wait_for("✔ OK      2 metrics")
    exporter.set_gauge("demo_checkout_error_ratio", 0.08)
    screen = tmux.wait_for("✖ CRIT    checkout 5xx   8% (≥ 5%) · 1 error", timeout=20)
    assert "metric checkout 5xx CRIT: 8% (>= 5%)" in tmux.wait_for("metric checkout 5xx CRIT"), screen
    time.sleep(2)  # still crit: still one event
    assert tmux.screen().count("metric checkout 5xx CRIT") == 1
    tmux.run("resize-window", "-t", "wr", "-x", "160", "-y", "40")
    deadline, rows, wide = time.monotonic() + 10, [], ""
    while not rows and time.monotonic() < deadline:  # the panes fill on their next redraw
        wide = tmux.screen()
        rows = [line for line in wide.splitlines() if "checkout 5xx" in line and "CRIT" in line and "ago" in line]
        time.sleep(0.2)
    assert rows and "8% (≥ 5%)" in rows[0], wide
    assert any("✖ ERROR" in line and "PromQL: " in line for line in wide.splitlines()), wide
    tmux.keys("C-q")
