"""Only Esc leaves typing mode: resizes, the too-small view, dialogs closing, pane updates and the
terminal losing focus keep the command line focused, so prose never fires a single-key command.
Key mode shows a KEYS badge, and a letter that is not a key goes back to the command line."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.ui.warroom_helpers import feedback, settle, stored, wait_for
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.screenshots import fixture_app
from warroom.ui.widgets.commandline import CommandInput, CommandLine
from warroom.ui.widgets.timeline import Timeline


def command(app) -> CommandInput:
    return app.screen.query_one(CommandInput)


def badge(app) -> str:
    return str(app.screen.query_one("#command-actor").render())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def test_typing_after_the_too_small_view_goes_to_the_command_line(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        theme = app.theme
        posted = len([e for e in stored(db) if e.kind == Kind.COMMS_POSTED])
        await pilot.resize_terminal(50, 12)
        await wait_for(
            pilot,
            lambda: app.screen.query("#too-small") and app.screen.query_one("#too-small").display,
            "the too-small view",
        )
        await pilot.pause(0.1)
        assert isinstance(app.focused, CommandInput), "the command line keeps the focus in the too-small view"
        await type_text(pilot, "db ")
        assert "› db" in str(app.screen.query_one("#too-small-typing").render()), "typing is shown there"
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert isinstance(app.focused, CommandInput), f"focus went to {app.focused!r}"
        assert command(app).value == "db "
        command(app).value = ""
        await type_text(pilot, "dump threads")
        assert command(app).value == "dump threads"
        assert type(app.screen).__name__ == "WarRoomScreen", "d did not open the draft"
        await type_text(pilot, " the db is down")
        assert app.theme == theme, "t did not switch the theme"
        assert not app.paused
        assert "KEYS" not in badge(app)
    assert len([e for e in stored(db) if e.kind == Kind.COMMS_POSTED]) == posted, "no update was marked posted"


async def test_resizes_a_dialog_closing_pane_updates_and_losing_focus_keep_the_command_line(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for size in ((200, 60), (60, 15), (59, 14), (80, 24), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert isinstance(app.focused, CommandInput), f"after resizing to {size}: {app.focused!r}"
        # The help dialog from /help; a small terminal attaches while it is open; Esc closes it.
        command(app).value = "/help"
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the help")
        await pilot.resize_terminal(50, 12)
        await pilot.pause(0.1)
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "WarRoomScreen", "back in the war room")
        assert isinstance(app.focused, CommandInput)
        # Another process writes: the timeline grows; the terminal loses focus and gets it back.
        with EventStore.open(db) as store:
            store.append(1, Kind.NOTE, {"text": "from another shell"}, actor="dave")
        app.follower.poke()
        await wait_for(
            pilot,
            lambda: (
                "from another shell"
                in str(app.screen.query_one(Timeline).row_text(app.screen.query_one(Timeline).event_count - 1))
            ),
            "the other note",
        )
        app.post_message(events.AppBlur())
        await pilot.pause()
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert isinstance(app.focused, CommandInput)
        await type_text(pilot, "dp")
        assert command(app).value == "dp"


async def test_the_focused_command_line_disappearing_and_coming_back_keeps_it(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = app.screen
        room.maximize(room.query_one(Timeline))  # the command line is hidden while a pane fills the screen
        await pilot.pause()
        room.minimize()
        await pilot.pause()
        assert isinstance(app.focused, CommandInput), f"focus went to {app.focused!r}"


async def test_key_mode_shows_a_keys_badge_and_other_letters_go_back_to_the_command_line(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "KEYS" not in badge(app)
        await pilot.press("escape")
        assert not isinstance(app.focused, CommandInput)
        assert "KEYS" in badge(app), "the badge says KEYS in words"
        assert "KEYS" in feedback(pilot)
        # In key mode a resize does not send the person back to typing.
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not isinstance(app.focused, CommandInput) and "KEYS" in badge(app)
        # `w` is not a key: it goes to the command line, and so does what follows.
        await type_text(pilot, "we rolled back")
        assert isinstance(app.focused, CommandInput)
        assert command(app).value == "we rolled back"
        assert "KEYS" not in badge(app)


async def test_a_click_on_a_pane_is_key_mode_too(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#roles")
        await pilot.pause()
        assert not isinstance(app.focused, CommandInput)
        assert "KEYS" in badge(app)
        await pilot.press("colon")
        assert isinstance(app.focused, CommandInput) and "KEYS" not in badge(app)


async def test_tab_on_an_empty_command_line_stays_there(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, CommandInput), "only Esc leaves the command line"
        await type_text(pilot, "t")
        assert command(app).value == "t"
        assert app.screen.query_one(CommandLine) is not None
