"""`warroom review` through the installed command in a real tmux session: a database copied to
another folder, no config anywhere, opened read-only at 80x24; the scrubber and `[` answer;
the process opens no socket; the file is left exactly as it was."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux  # noqa: F401  (the fixture)
from tests.support.review_db import checkout_incident, error_samples, write_incident

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


def test_review_a_copied_database_with_no_config(tmux: Tmux, tmp_path: Path):
    original = tmp_path / "server" / "warroom.db"
    original.parent.mkdir()
    write_incident(original, checkout_incident().events, error_samples())
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    copied = laptop / "incident.db"
    shutil.copy(original, copied)
    stamp = (os.stat(copied).st_size, os.stat(copied).st_mtime_ns)
    assert not list((tmp_path / "home").rglob("warroom.toml"))
    tmux.start([str(warroom_executable()), "review", "--db", str(copied)], width=80, height=24)
    tmux.wait_for("REVIEW INC-1 · Checkout returning 500s")
    tmux.wait_for("SEV-1 · Resolved")
    tmux.keys("[")
    tmux.wait_for("At 2026-11-26 03:30:00 UTC")
    tmux.keys("Home")
    tmux.wait_for("before the declaration")
    tmux.keys("]")
    shown = tmux.wait_for("SEV-3 · Investigating")
    assert "api" in shown and "err/min" in shown, "the chart is drawn at 80 columns"
    review = next(p for p in tmux.pane_process().children(recursive=True) if "review" in " ".join(p.cmdline()))
    assert review.net_connections() == [], "the review opened a socket"
    tmux.keys("q")
    assert tmux.exit_status() == 0
    time.sleep(0.2)
    assert (os.stat(copied).st_size, os.stat(copied).st_mtime_ns) == stamp, "the copied file was changed"
    assert psutil.pid_exists(review.pid) is False or review.status() == psutil.STATUS_ZOMBIE
