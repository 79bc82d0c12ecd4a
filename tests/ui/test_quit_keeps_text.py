"""Ctrl+C behaves like a shell (clear the line, then twice to quit) and no quit drops text: a note
the database refused, one still saving or half-typed text makes a quit ask first, with Cancel
focused, and can be written to a 0600 file beside the database; a hangup writes it unasked."""

from __future__ import annotations

import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import Button

from warroom.config.model import Config
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.quit_unsaved import QuitUnsavedScreen
from warroom.ui.widgets.commandline import CommandInput

from tests.ui.warroom_helpers import feedback, settle, stored, submit, wait_for

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
    return path


def app_for(db: Path) -> WarRoomApp:
    return WarRoomApp(db, Config(), clock=lambda: NOW, actor="carol")


def unsaved_files(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}.unsaved-*.txt"))


async def test_ctrl_c_clears_the_line_into_history_then_twice_on_empty_quits(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        command = app.screen.query_one(CommandInput)
        command.value = "half a thought about the"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running, "Ctrl+C with text clears it, it does not quit"
        assert command.value == "" and "cleared" in feedback(pilot)
        await pilot.press("up")
        assert command.value == "half a thought about the", "the cleared text is in the history"
        command.value = ""
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and "Ctrl+C again to quit" in feedback(pilot)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: not app.is_running, "the second Ctrl+C to quit")
    assert app.return_code == 130
    assert unsaved_files(db) == []


async def test_a_second_ctrl_c_after_two_seconds_only_warns_again(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        app._interrupted_at -= 2.5  # the first press was 2.5 s ago
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and "Ctrl+C again to quit" in feedback(pilot)


async def test_quitting_with_a_note_the_database_refused_asks_and_writes_it_to_a_0600_file(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.store._run(lambda raw: raw.execute("PRAGMA busy_timeout=200"))
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            assert "NOT SAVED" in await submit(pilot, "failover to replica started")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question")
        dialog = app.screen
        assert isinstance(app.focused, Button) and app.focused.id == "quit-cancel", "Cancel has the focus"
        labels = [str(b.label) for b in dialog.query(Button)]
        assert labels == ["Write to file and quit", "Quit without saving", "Cancel"]
        await pilot.press("y", "q", "w", "enter")  # letters answer nothing; Enter on Cancel stays
        await wait_for(pilot, lambda: app.screen is app.warroom_screen, "back in the war room")
        assert app.is_running and app.screen.query_one(CommandInput).value == "failover to replica started"
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question again")
        await pilot.click("#quit-write")
        await wait_for(pilot, lambda: not app.is_running, "quitting after writing")
    assert app.return_code == 0
    [written] = unsaved_files(db)
    assert written.name.startswith("warroom.db.unsaved-20250304T141000Z")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = written.read_text()
    assert "NOT SAVED" in text and "failover to replica started" in text and "INC-1" in text
    assert [e.payload.get("text") for e in stored(db)].count("failover to replica started") == 0


async def test_quitting_with_half_typed_text_can_drop_it_deliberately(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(CommandInput).value = "checkout p99 back to 300"
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question")
        assert "typed, not submitted" in str(app.screen.query_one("#quit-items").render())
        await pilot.click("#quit-discard")
        await wait_for(pilot, lambda: not app.is_running, "quitting without saving")
    assert app.return_code == 0 and unsaved_files(db) == []


async def test_a_multi_line_paste_being_saved_is_kept_whole_when_quitting(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = app.screen
        room._saving_line = "step 1⏎step 2"  # the store has not answered yet
        app.screen.query_one(CommandInput).value = "step 1⏎step 2"
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question")
        await pilot.click("#quit-write")
        await wait_for(pilot, lambda: not app.is_running, "quitting after writing")
    [written] = unsaved_files(db)
    text = written.read_text()
    assert "still saving" in text and "step 1\nstep 2" in text
    assert text.count("step 1") == 1


async def test_a_hangup_writes_unsaved_text_without_asking_and_names_the_file(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(CommandInput).value = "rolling back payments-api"
        app._hung_up()
        await wait_for(pilot, lambda: not app.is_running, "the hangup to quit")
    assert app.return_code == 129
    [written] = unsaved_files(db)
    assert "rolling back payments-api" in written.read_text()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


async def test_the_palette_quit_asks_too(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(CommandInput).value = "paged the db on-call"
        quit_command = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
        await quit_command.callback()
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.warroom_screen, "back in the war room")
        assert app.is_running and app.screen.query_one(CommandInput).value == "paged the db on-call"
        assert "not quitting" in feedback(pilot)


async def test_quitting_from_an_edited_status_draft_asks_and_keeps_the_draft(db: Path):
    """The Comms Lead's edited draft is typing too: Ctrl+Q from the draft screen asks first and
    the file holds the edited text."""
    from textual.widgets import TextArea

    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "d")
        await wait_for(pilot, lambda: app.screen.query("#draft-editor"), "the draft screen")
        editor = app.screen.query_one("#draft-editor", TextArea)
        await wait_for(pilot, lambda: editor.text.strip() != "", "the rendered draft")
        editor.insert("EU card payments only; retries are safe. ")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question")
        assert "status draft (internal) edited, not posted" in str(app.screen.query_one("#quit-items").render())
        await pilot.click("#quit-write")
        await wait_for(pilot, lambda: not app.is_running, "quitting after writing")
    [written] = unsaved_files(db)
    assert "EU card payments only; retries are safe." in written.read_text()


async def test_quitting_a_half_filled_declare_dialog_asks_first(tmp_path: Path):
    from textual.widgets import Input

    db = tmp_path / "warroom.db"
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query("#declare-title"), "the declare dialog")
        app.screen.query_one("#declare-title", Input).value = "Checkout returns 502 for EU cards"
        app.screen.query_one("#declare-impact", Input).value = "EU card payments fail"
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitUnsavedScreen), "the quit question")
        items = str(app.screen.query_one("#quit-items").render())
        assert "declare dialog filled in, not declared" in items
        await pilot.press("enter")  # Cancel has the focus: back to the dialog, text still there
        await wait_for(pilot, lambda: app.screen.query("#declare-title"), "back in the dialog")
        assert app.screen.query_one("#declare-title", Input).value == "Checkout returns 502 for EU cards"
