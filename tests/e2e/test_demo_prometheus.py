"""`warroom demo` runs a real Prometheus and Alertmanager when they are installed (scraping the
demo's own service, alerting into warroom's intake) and says how to install them when not; the
demo works either way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import psutil
import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_demo_headless import _run_tracking_children

pytestmark = [pytest.mark.e2e, pytest.mark.requires("prometheus", "git")]

INSTALL = "apt install prometheus prometheus-alertmanager"


@pytest.mark.requires("prometheus-alertmanager")
def test_the_demo_records_what_its_prometheus_computes_and_stops_it(home_env, tmp_path: Path) -> None:
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "6"]
    code, out, err, children = _run_tracking_children(argv, home_env, tmp_path, timeout=120)
    assert code == 0, err
    assert "warroom demo: Prometheus http://127.0.0.1:" in out and "scraping the service" in out
    # The outage's 502s, as Prometheus computed their ratio, cross the lines and come back.
    assert "metric checkout 5xx ratio CRIT: " in out, out
    assert "metric checkout 5xx ratio back to OK: " in out, out
    # Prometheus's alert rule fires during the outage; its Alertmanager sends it into the intake,
    # once, and sends the resolution when checkout recovers.
    assert "; Alertmanager http://127.0.0.1:" in out and "alerting into warroom's intake on 127.0.0.1:" in out
    live = [line for line in out.splitlines() if re.match(r"\d\d:\d\d:\d\d ", line)]  # printed as recorded
    firing = [line for line in live if "alert firing: CheckoutErrors service=checkout severity=critical" in line]
    resolved = [line for line in live if "alert resolved: CheckoutErrors" in line]
    assert len(firing) == 1 and len(resolved) == 1, out
    assert "checkout answers 5xx to " in firing[0]
    assert live.index(firing[0]) < live.index(resolved[0])
    running = [p for p in children if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert running == [], "the demo's Prometheus and Alertmanager are stopped with it"


def test_without_prometheus_the_demo_says_how_to_install_it(home_env, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git",):  # everything the demo needs on PATH, and no prometheus
        (bin_dir / tool).symlink_to(shutil.which(tool) or tool)
    env = {**home_env, "PATH": str(bin_dir)}
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "20", "--duration", "4"]
    code, out, err, _ = _run_tracking_children(argv, env, tmp_path, timeout=60)
    assert code == 0, err
    assert f"Prometheus and Alertmanager are not installed: {INSTALL}" in out
    assert "metric " not in out and "alert firing" not in out and "DECLARED" in out


def test_without_alertmanager_the_demo_says_how_to_install_it(home_env, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git", "prometheus"):  # Prometheus, and no Alertmanager
        (bin_dir / tool).symlink_to(shutil.which(tool) or tool)
    env = {**home_env, "PATH": str(bin_dir)}
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "20", "--duration", "4"]
    code, out, err, children = _run_tracking_children(argv, env, tmp_path, timeout=60)
    assert code == 0, err
    assert "warroom demo: Prometheus http://127.0.0.1:" in out
    assert f"Alertmanager is not installed: {INSTALL} (for the alerts pane)" in out
    assert "alert firing" not in out and "DECLARED" in out
    running = [p for p in children if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert running == []
