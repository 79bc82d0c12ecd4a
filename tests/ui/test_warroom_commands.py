"""Every slash command typed into the war room ends up as the right event in the real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ui.warroom_helpers import feedback, screen, settle, stored, submit, timeline_texts, wait_for
from warroom.config.model import Config, TeamConfig, UIConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.confirm import ConfirmScreen
from warroom.ui.screens.help import HelpScreen
from warroom.ui.widgets.commandline import CommandInput, CommandLine
from warroom.ui.widgets.header import HeaderLine, IncidentHeader
from warroom.ui.widgets.roles import RoleBoard

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=UTC)
CONFIG = Config(team=TeamConfig(roster=("alice", "bob", "carol"), extra_roles=("Deputy",)))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
    return path


def app_for(db: Path, config: Config = CONFIG) -> WarRoomApp:
    return WarRoomApp(db, config, clock=lambda: NOW, actor="carol")


def last(db: Path):
    return stored(db)[-1]


async def test_plain_text_is_a_note_saved_before_it_says_saved(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, CommandInput), "the command line has focus when the screen opens"
        await pilot.press(*"db at 95% cpu")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "saved" in feedback(pilot), "the save feedback")
        ev = last(db)
        assert (ev.kind, ev.actor, dict(ev.payload)) == (Kind.NOTE, "carol", {"text": "db at 95% cpu"})
        assert f"saved #{ev.id}" in feedback(pilot)
        assert app.screen.query_one(CommandInput).value == ""
        await wait_for(
            pilot, lambda: any("db at 95% cpu" in t for t in timeline_texts(pilot)), "the note in the timeline"
        )


async def test_sev_changes_severity_and_header(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "raised" in await submit(pilot, "/sev 1 most EU checkouts failing")
        ev = last(db)
        assert ev.kind == Kind.SEVERITY
        assert dict(ev.payload) == {"from": 2, "to": 1, "reason": "most EU checkouts failing"}
        await wait_for(pilot, lambda: app.incident.severity == 1, "the refold")
        title = app.screen.query_one("#incident-title", HeaderLine).content
        assert title.plain.startswith(" SEV-1 ") and "$wr-sev1" in str(title.spans[0].style)


async def test_status_role_ic_ack_mitigated(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "/status identified bad deploy 4f2a91c")
        assert dict(last(db).payload) == {"from": "Investigating", "to": "Identified", "text": "bad deploy 4f2a91c"}
        await submit(pilot, "/ic alice")
        assert (last(db).kind, dict(last(db).payload)) == (
            Kind.ROLE_ASSIGNED,
            {"role": "Incident Commander", "person": "alice"},
        )
        await submit(pilot, "/role comms bob")
        assert dict(last(db).payload) == {"role": "Comms Lead", "person": "bob"}
        await submit(pilot, "/role deputy carol")
        assert dict(last(db).payload) == {"role": "Deputy", "person": "carol"}
        await submit(pilot, "/ack")
        assert (last(db).kind, dict(last(db).payload)) == (Kind.ACKNOWLEDGED, {})
        await submit(pilot, "/mitigated rolled back to revision 41")
        assert (last(db).kind, dict(last(db).payload)) == (Kind.MITIGATED, {"text": "rolled back to revision 41"})
        await wait_for(pilot, lambda: app.incident.commander == "alice", "the refold")
        assert "IC alice" in app.screen.query_one(IncidentHeader).state_text
        assert app.screen.query_one(RoleBoard).vacant() == ["Tech Lead", "Scribe"]


async def test_resolve_asks_first_and_cancel_writes_nothing(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = screen(pilot)
        room.query_one(CommandInput).value = "/resolve metrics normal"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        dialog = app.screen
        said = " ".join(str(w.render()) for w in dialog.query("Static"))
        # Exactly what will happen: the incident, the text, who, and that it closes.
        assert "Resolve INC-1?" in said and "INC-1 · SEV-2 · Investigating · Checkout 500s" in said
        assert "Resolution: metrics normal" in said and "resolved by carol" in said
        assert app.focused is dialog.query_one("#cancel"), "Cancel has the focus"
        # No letter typed in prose confirms: y, n and the rest of a sentence do nothing.
        await pilot.press(*"yes y n")
        assert app.screen is dialog and last(db).kind == Kind.DECLARED
        await pilot.press("enter")  # Enter on the focused Cancel cancels
        await wait_for(pilot, lambda: app.screen is room, "back on the war room")
        assert last(db).kind == Kind.DECLARED
        assert "not resolved" in feedback(pilot)
        command = room.query_one(CommandInput)
        assert command.value == "" and command.history[-1] == "/resolve metrics normal"
        command.value = "/resolve metrics normal"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.press("escape")  # Esc cancels too
        await wait_for(pilot, lambda: app.screen is room, "back on the war room")
        assert last(db).kind == Kind.DECLARED
        command.value = "/resolve metrics normal"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.press("tab", "enter")  # moving to Resolve and pressing it is the deliberate yes
        await wait_for(pilot, lambda: last(db).kind == Kind.RESOLVED, "the resolve event")
        assert dict(last(db).payload) == {"text": "metrics normal"}
        await wait_for(pilot, lambda: not app.incident.is_open, "the refold")
        assert "✓ Resolved" in app.screen.query_one(IncidentHeader).state_text


async def test_an_unchanged_command_clears_the_line_so_the_next_is_not_glued_on(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = screen(pilot)
        command = room.query_one(CommandInput)
        for _ in range(2):
            await pilot.press(*"/role comms carol", "enter")
            await wait_for(pilot, lambda: not room._busy and command.value == "", "the line consumed")
        assert "carol is already Comms Lead" in feedback(pilot)
        await pilot.press(*"/ack", "enter")
        await wait_for(pilot, lambda: last(db).kind == Kind.ACKNOWLEDGED, "the ack")
        roles = [dict(e.payload) for e in stored(db) if e.kind == Kind.ROLE_ASSIGNED]
        assert roles == [{"role": "Comms Lead", "person": "carol"}], "carol stays carol, recorded once"
        assert command.history[-2:] == ["/role comms carol", "/ack"]


@pytest.mark.parametrize(
    "first, again, message",
    [
        ("/sev 1", "/sev 1", "already SEV-1: nothing recorded"),
        ("/status identified", "/status identified", "already Identified: nothing recorded"),
        ("/ack", "/ack", "already acknowledged at 14:10:00 UTC"),
        ("/ic alice", "/ic @alice", "alice is already Incident Commander"),
    ],
)
async def test_a_command_that_changes_nothing_is_a_message_not_kept_input(db: Path, first, again, message):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, first)
        count = len(stored(db))
        said = await submit(pilot, again)
        assert message in said
        command = screen(pilot).query_one(CommandInput)
        assert command.value == "" and command.history[-1] == again
        assert not screen(pilot).query_one(CommandLine).has_class("-error")
        assert len(stored(db)) == count, "nothing recorded"


async def test_a_name_that_is_not_one_handle_is_refused_and_kept_to_fix(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = await submit(pilot, "/role comms carol/ack")
        assert "'carol/ack' refused: a name is one word of letters, digits, . _ - @" in said
        assert screen(pilot).query_one(CommandInput).value == "/role comms carol/ack"
        assert "refused" in await submit(pilot, "/as bob smith")
        assert app.actor == "carol" and len(stored(db)) == 1


async def test_as_changes_who_is_typing(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "bob" in await submit(pilot, "/as bob")
        assert "bob" in str(app.screen.query_one("#command-actor").content)
        await submit(pilot, "bob's note")
        assert last(db).actor == "bob"


async def test_invalid_command_keeps_the_text_and_writes_nothing(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        message = await submit(pilot, "/sev 9")
        assert "unknown severity" in message
        assert app.screen.query_one(CommandInput).value == "/sev 9"
        assert app.screen.query_one(CommandLine).has_class("-error")
        assert len(stored(db)) == 1


async def test_pin_of_an_unknown_pane_says_so_and_keeps_the_text(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "no pane named api" in await submit(pilot, "/pin api")
        assert app.screen.query_one(CommandInput).value == "/pin api"
        assert len(stored(db)) == 1


async def test_help_command_and_key(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "/help")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "help to close")
        await pilot.press("escape")  # leave the command line
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen from ?")


async def test_store_locked_shows_error_and_keeps_text(db: Path):
    import sqlite3

    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.store._run(lambda raw: raw.execute("PRAGMA busy_timeout=200"))  # fail fast, not in 5 s
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            message = await submit(pilot, "written while locked")
            assert "NOT SAVED" in message and "locked" in message.lower()
            assert app.screen.query_one(CommandInput).value == "written while locked"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert "saved" in await submit(pilot, app.screen.query_one(CommandInput).value)
        assert dict(last(db).payload) == {"text": "written while locked"}


async def test_readonly_screen_writes_nothing(db: Path):
    app = app_for(db, Config(ui=UIConfig(readonly=True)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "read-only" in await submit(pilot, "a note")
        assert len(stored(db)) == 1


async def test_tab_completion_and_history(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        command = app.screen.query_one(CommandInput)
        await pilot.press("slash", "i", "tab")
        assert command.value == "/ic "
        await pilot.press("a", "l", "tab")
        assert command.value == "/ic alice "
        await pilot.press("enter")
        await wait_for(pilot, lambda: last(db).kind == Kind.ROLE_ASSIGNED, "the role event")
        await submit(pilot, "second line")
        await pilot.press("up")
        assert command.value == "second line"
        await pilot.press("up")
        assert command.value.strip() == "/ic alice"
        await pilot.press("down", "down")
        assert command.value == ""
