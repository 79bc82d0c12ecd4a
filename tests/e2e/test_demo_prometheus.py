"""`warroom demo` runs a real Prometheus when one is installed (scraping the demo's own service)
and says how to install it when not; the demo works either way."""

from __future__ import annotations

import shutil
from pathlib import Path

import psutil
import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_demo_headless import _run_tracking_children

pytestmark = [pytest.mark.e2e, pytest.mark.requires("prometheus", "git")]


def test_the_demo_records_what_its_prometheus_computes_and_stops_it(home_env, tmp_path: Path) -> None:
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "6"]
    code, out, err, children = _run_tracking_children(argv, home_env, tmp_path, timeout=120)
    assert code == 0, err
    assert "warroom demo: Prometheus http://127.0.0.1:" in out and "scraping the service" in out
    # The outage's 502s, as Prometheus computed their ratio, cross the lines and come back.
    assert "metric checkout 5xx ratio CRIT: " in out, out
    assert "metric checkout 5xx ratio back to OK: " in out, out
    running = [p for p in children if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert running == [], "the demo's Prometheus is stopped with it"


def test_without_prometheus_the_demo_says_how_to_install_it(home_env, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git",):  # everything the demo needs on PATH, and no prometheus
        (bin_dir / tool).symlink_to(shutil.which(tool) or tool)
    env = {**home_env, "PATH": str(bin_dir)}
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "20", "--duration", "4"]
    code, out, err, _ = _run_tracking_children(argv, env, tmp_path, timeout=60)
    assert code == 0, err
    assert "Prometheus is not installed: install it (Debian/Ubuntu: apt-get install prometheus)" in out
    assert "metric " not in out and "DECLARED" in out
