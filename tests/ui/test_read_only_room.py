"""The war room on a database that cannot be written (a read-only mount): it opens, shows a
READ-ONLY badge and a command line that takes no typing, and never tries to write."""

from __future__ import annotations

from pathlib import Path

from tests.support.mounts import read_only_bind
from tests.ui.warroom_helpers import screen, wait_for
from warroom.config.model import Config
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.commandline import CommandInput, CommandLine
from warroom.ui.widgets.header import IncidentHeader


async def test_read_only_mount_opens_read_only_with_a_badge_and_no_typing(tmp_path: Path):
    source = tmp_path / "rw"
    source.mkdir()
    with EventStore.open(source / "warroom.db") as store:
        store.declare("Checkout returns 500", 2, actor="alice")
        store.append(1, "note", {"text": "before the mount"}, actor="alice")
    before = (source / "warroom.db").read_bytes()
    with read_only_bind(source, tmp_path / "ro") as ro:
        db = ro / "warroom.db"
        app = WarRoomApp(db, Config(), actor="bob")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.store_ready.is_set(), "the store to open")
            room = screen(pilot)
            await pilot.pause()
            assert app.read_only == "read-only file system"
            assert app.store.read_only == "read-only file system"
            assert "READ-ONLY" in room.query_one(IncidentHeader).title_text
            hint = room.query_one(CommandLine).feedback_text
            assert hint.startswith("READ-ONLY") and "cannot be written" in hint
            assert "Type a note" not in hint  # the hint does not invite typing
            command = room.query_one(CommandInput)
            assert command.disabled and "READ-ONLY" in command.placeholder
            assert not isinstance(app.focused, CommandInput)
            # Typing at it records nothing and loses nothing silently: it cannot be typed into.
            await pilot.press(*"the db is down", "enter")
            await pilot.pause()
            assert command.value == ""
            assert app.return_code is None  # still open, no error exit
            assert "NOT SAVED" not in room.query_one(CommandLine).feedback_text
        assert sorted(p.name for p in ro.iterdir()) == ["warroom.db"]  # no -wal/-shm attempted
    assert (source / "warroom.db").read_bytes() == before
    with EventStore.open(source / "warroom.db") as store:
        assert [e.kind for e in store.events(1)] == ["incident.declared", "note"]


async def test_a_database_open_to_others_is_tightened_and_the_screen_says_so_once(tmp_path: Path):
    import stat

    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout returns 500", 2, actor="alice")
    db.chmod(0o664 | 0o002)  # others may read and write; the group's write stays
    app = WarRoomApp(db, Config(), actor="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.store_ready.is_set(), "the store to open")
        await pilot.pause()
        said = [n.message for n in app._notifications if "open to other users" in n.message]
        assert len(said) == 1 and str(db) in said[0] and "0666 -> 0660" in said[0]
        assert app.read_only is None
    assert stat.S_IMODE(db.stat().st_mode) == 0o660
