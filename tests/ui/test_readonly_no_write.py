"""`warroom --readonly` has no write path at all: the database is opened `mode=ro`, the keys,
slash commands and palette entries that record are not offered, and whatever is typed or pressed
(notes, /pin, /sev, m, d, x) leaves the file byte for byte as it was.

Root writes through any file mode, so instead of a 0444 file the test compares the database's
bytes, modification time and folder listing before and after, and checks that the store's one
connection refuses a write (SQLite's own read-only flag)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.table import Table

from tests.ui.warroom_helpers import feedback, settle, submit
from warroom.config.model import Config, TeamConfig, UIConfig
from warroom.store.opening import FOR_READING
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.help import HelpScreen
from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.header import HeaderLine

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=UTC)
READONLY = Config(team=TeamConfig(roster=("alice", "bob")), ui=UIConfig(readonly=True))


def fingerprint(db: Path) -> tuple[str, int, int]:
    """The database's bytes (hashed), its mtime, and how many bytes its -wal holds: SQLite
    makes an empty -wal and -shm for any reader of a WAL database, a write would fill the -wal."""
    wal = db.with_name(db.name + "-wal")
    held = wal.stat().st_size if wal.exists() else 0
    return hashlib.sha256(db.read_bytes()).hexdigest(), os.stat(db).st_mtime_ns, held


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
    return path


async def test_readonly_screen_opens_mode_ro_and_nothing_typed_or_pressed_writes(db: Path):
    before = fingerprint(db)
    app = WarRoomApp(db, READONLY, clock=lambda: NOW, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.store.read_only == FOR_READING and app.read_only == FOR_READING
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # no write connection at all
            await app.store._conn.run(lambda c: c.execute("CREATE TABLE intruder (x)"))
        title = str(app.screen.query_one("#incident-title", HeaderLine).render())
        assert "READ-ONLY" in title
        command = app.screen.query_one(CommandInput)
        assert command.placeholder.startswith("read-only screen: /help, /as")
        assert not command.disabled

        assert "read-only" in await submit(pilot, "db cpu at 95%")
        assert command.value == "db cpu at 95%", "refused text stays in the input"
        command.value = ""
        for line in ("/pin logs", "/sev 1 worse", "/ack", "/resolve done"):
            said = await submit(pilot, line)
            assert "read-only" in said and "not available" in said, (line, said)
            command.value = ""
        # Tab offers only what records nothing.
        command.value = "/"
        await pilot.press("tab")
        await pilot.pause()
        assert "sev" not in feedback(pilot) and "pin" not in feedback(pilot)
        command.value = "/s"
        await pilot.press("tab")
        assert command.value == "/s", "no /sev or /status to complete to"
        command.value = ""
        assert await submit(pilot, "/as bob") and "bob" in feedback(pilot)

        await pilot.press("escape")  # key mode
        bindings = {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}
        assert "x" not in bindings
        await pilot.press("x", "m")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause(0.2)
        await pilot.press("d")
        await pilot.pause(0.5)
        draft_keys = {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}
        assert "p" not in draft_keys and "P" not in draft_keys  # no mark posted, no webhook
        hint = str(app.screen.query_one("#draft-hint").render())
        assert "read-only" in hint.lower() and "mark posted" not in hint and "webhook" not in hint
        await pilot.press("escape", "p", "P")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause(0.3)
        palette = [c.title for c in app.get_system_commands(app.screen)]
        assert "Dismiss coach warning" not in palette and "Mitigate…" not in palette
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        tables = [s.content for s in app.screen.query("Static") if isinstance(s.content, Table)]
        text = " ".join(str(cell) for table in tables for column in table.columns for cell in column.cells)
        assert "/as NAME" in text and "/sev" not in text and "/pin" not in text
        await pilot.press("escape")
        await pilot.pause(0.5)
    assert fingerprint(db) == before, "the database or its -wal changed"
    assert not [p for p in db.parent.iterdir() if ".unsaved-" in p.name or ".pending-" in p.name]


async def test_readonly_with_no_database_is_an_error_not_a_new_file(tmp_path: Path):
    missing = tmp_path / "none.db"
    app = WarRoomApp(missing, READONLY, clock=lambda: NOW, actor="carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
    assert not missing.exists()
