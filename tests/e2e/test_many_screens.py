"""Three war room screens on one database, each in its own tmux session (three SSH users), each
with the same probe: one screen records each transition once, every screen shows it, the service is
probed by one screen rather than three, and a note typed in one screen shows in the others."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux  # noqa: F401  (the fixture)
from tests.support.http_server import TestHTTPServer
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]

SCREENS = ("alice", "bob", "carol")
INTERVAL = 0.3  # the probe's interval: the recording screen polls this often


def _kinds(db: Path) -> list[str]:
    with EventStore.open(db) as store:
        return [e.kind for e in store.events(1)]


def _wait(predicate, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"never: {what}")


def _lease_holder(db: Path) -> str | None:
    conn = sqlite3.connect(db, timeout=5)
    try:
        row = conn.execute("SELECT holder FROM recorder_leases").fetchone()
    except sqlite3.OperationalError:  # the tables are not there yet
        row = None
    finally:
        conn.close()
    return row[0] if row else None


def test_screens_on_one_store_record_once_show_everything_and_probe_once(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="alice")
    with TestHTTPServer() as srv:
        config = tmp_path / "warroom.toml"
        config.write_text(
            "[resources]\nenabled = false\n\n"
            f'[[probe]]\nname = "api"\nurl = "{srv.url("/health")}"\ninterval = {INTERVAL}\ntimeout = 1\n'
        )
        exe = str(warroom_executable())

        def screen(name: str) -> str:
            return tmux.run("capture-pane", "-p", "-t", name)

        def on_every_screen(text: str) -> bool:
            return all(text in screen(name) for name in SCREENS)

        for name in SCREENS:
            argv = ["env", f"WARROOM_USER={name}", f"WARROOM_CONFIG={config}", exe]
            tmux.run("new-session", "-d", "-s", name, "-x", "120", "-y", "40", *argv)
        _wait(lambda: on_every_screen("INC-1 Checkout 500s") and on_every_screen("✔ UP"), "every screen up")
        _wait(lambda: _lease_holder(db) is not None, "one screen holds the recording lease")

        # The service is probed about as often as one screen probes it, not three times over.
        time.sleep(2)  # the other two have found the lease taken
        seen, started = srv.hits("/health"), time.monotonic()
        time.sleep(4)
        hits, one_screen = srv.hits("/health") - seen, (time.monotonic() - started) / INTERVAL
        assert hits < 1.6 * one_screen, f"{hits} probes in 4 s: every screen probes ({one_screen:.0f} would be one)"

        srv.fail("/health", 503)
        _wait(lambda: "probe.down" in _kinds(db), "the DOWN recorded")
        _wait(lambda: on_every_screen("✖ DOWN"), "every screen's health pane says DOWN")
        srv.recover("/health")
        _wait(lambda: "probe.up" in _kinds(db), "the UP recorded")
        _wait(lambda: on_every_screen("probe api UP after"), "every screen's timeline shows the UP")

        tmux.run("send-keys", "-t", "bob", "-l", "db failover started by bob")
        tmux.run("send-keys", "-t", "bob", "Enter")
        _wait(lambda: on_every_screen("db failover started by bob"), "bob's note on every screen", timeout=10)

        seen = srv.hits("/health")
        _wait(lambda: srv.hits("/health") >= seen + 10, "ten more probes")  # room to record twice
        kinds = _kinds(db)
        assert kinds.count("probe.down") == 1 and kinds.count("probe.up") == 1, kinds
        assert kinds.count("note") == 1, kinds
