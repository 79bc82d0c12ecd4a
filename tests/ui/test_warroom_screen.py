"""The war room's keys, layout, live following of other writers, and the declare dialog."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import warroom_executable
from tests.ui.warroom_helpers import settle, stored, timeline_texts, wait_for
from warroom.config.model import Config
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.declare import DeclareScreen
from warroom.ui.screens.warroom import WarRoomScreen
from warroom.ui.screenshots import FROZEN_NOW, fixture_app
from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.roles import RoleBoard
from warroom.ui.widgets.timeline import Timeline


async def test_keys_focus_zoom_theme_and_palette(tmp_path: Path):
    """Esc leaves the command line, `:`/Enter return, Tab moves between panes (in key mode), `z` zooms the
    focused pane, `t` cycles the themes, and every action is in the command palette."""
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = app.screen
        timeline, roles = room.query_one(Timeline), room.query_one(RoleBoard)
        assert isinstance(app.focused, CommandInput)
        await pilot.press("escape")
        assert app.focused is timeline
        await pilot.press("z")
        assert room.maximized is timeline
        assert timeline.size.height > 30 and timeline.size.width > 110
        await pilot.press("z")
        assert room.maximized is None
        await pilot.press("tab")
        assert app.focused is roles, "Tab moves between panes"
        await pilot.press("z")
        assert room.maximized is roles
        await pilot.press("escape")
        assert room.maximized is None
        await pilot.press("colon")
        assert isinstance(app.focused, CommandInput)
        await pilot.press("escape", "enter")
        assert isinstance(app.focused, CommandInput)
        await pilot.press("tab")  # empty command line: Tab stays (only Esc leaves the command line)
        assert isinstance(app.focused, CommandInput)

        await pilot.press("escape")
        seen = {app.theme}
        for _ in range(len(app.warroom_themes)):
            await pilot.press("t")
            seen.add(app.theme)
        assert seen == set(app.warroom_themes) and app.theme == "warroom-dark"

        titles = {c.title for c in app.get_system_commands(room)}
        for title in (
            "Help: commands and keys",
            "Zoom pane",
            "Pause live updates",
            "Next theme",
            "Command line",
            "Draft status update",
            "Theme: warroom-colorblind",
            "Quit",
        ):
            assert title in titles
        pause = next(c for c in app.get_system_commands(room) if c.title == "Pause live updates")
        pause.callback()
        assert app.paused

        await pilot.press("escape", "d")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DraftScreen", "the draft screen")
        app.pop_screen()
        await wait_for(pilot, lambda: app.screen is room, "back in the war room")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "Ctrl+Q to quit")


async def test_p_pauses_the_timeline_visibly_and_resume_shows_what_was_held(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        count = timeline.event_count
        await pilot.press("escape", "p")
        assert app.paused
        assert "⏸ PAUSED" in app.screen.query_one(IncidentHeader).title_text, "PAUSED shows in the header"
        with EventStore.open(db) as store:
            store.append(1, Kind.NOTE, {"text": "written while paused"}, actor="dave")
        await wait_for(pilot, lambda: "1 new" in str(timeline.border_subtitle), "the held-events count")
        assert timeline.event_count == count, "nothing moves while paused"
        assert "PAUSED" in str(timeline.border_subtitle)
        await pilot.press("p")
        assert not app.paused and "PAUSED" not in app.screen.query_one(IncidentHeader).title_text
        assert timeline.event_count == count + 1
        assert "written while paused" in timeline_texts(pilot)[-1]


async def test_layout_at_each_size_and_live_resize(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        room = app.screen

        def shown(selector: str) -> bool:
            widget = room.query_one(selector)
            return widget.display and widget.region.area > 0

        for selector in ("#header", "#timeline", "#roles", "#command-line", "#source-summary"):
            assert shown(selector), f"{selector} fits at 80x24"
        assert not room.query_one("#signal-column").display
        assert room.query_one(RoleBoard).region.height >= 3
        assert room.query_one(Timeline).region.height >= 6

        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        for selector in ("#signal-panes", "#timeline", "#roles"):
            assert shown(selector), f"{selector} at 120x40"
        assert not room.query_one("#source-summary").display

        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert room.query_one("#incident-column").region.width > 80, "the wide layout uses the space"
        assert room.query_one(RoleBoard).region.height <= 4, "roles in two columns"

        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        too_small = room.query_one("#too-small")
        assert too_small.display and not room.query_one("#incident-column").display
        text = " ".join(str(w.render()) for w in too_small.query("Static"))
        assert "too small" in text and "SEV-1" in text and "Monitoring" in text
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert room.query_one("#incident-column").display and not too_small.display


async def test_events_from_another_process_appear(tmp_path: Path, home_env):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        result = subprocess.run(
            [str(warroom_executable()), "note", "from another ssh session", "--db", str(db), "--as", "erin"],
            env=home_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        await wait_for(
            pilot, lambda: "from another ssh session" in timeline_texts(pilot)[-1], "the other writer's note"
        )
        assert "erin" in str(app.screen.query_one(Timeline).events()[-1].actor)
        with EventStore.open(db) as store:
            store.append(1, Kind.ROLE_ASSIGNED, {"role": "Comms Lead", "person": "erin"}, actor="alice")
        await wait_for(pilot, lambda: app.incident.roles.get("Comms Lead") is not None, "the role refold")
        assert "Comms Lead" not in app.screen.query_one(RoleBoard).vacant()


async def test_declare_dialog_declares_and_opens_the_war_room(tmp_path: Path):
    db = tmp_path / "w.db"
    app = WarRoomApp(db, Config(), clock=lambda: FROZEN_NOW, actor="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DeclareScreen), "the declare dialog")
        await pilot.press(*"Payments down")
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#declare-error").content)
        assert "Pick a severity" in error
        assert not db.exists() or not stored(db)
        app.screen.query_one("#declare-severity").focus()
        await pilot.press("1")
        app.screen.query_one("#declare-impact", CommandInput.__mro__[1]).value = "all card payments fail"
        app.screen.query_one("#declare-detected-by", CommandInput.__mro__[1]).value = "user report"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, WarRoomScreen) and app.screen.state is not None, "the war room"
        )
        ev = stored(db)[0]
        assert ev.kind == Kind.DECLARED and ev.actor == "alice"
        assert ev.payload["title"] == "Payments down" and ev.payload["severity"] == 1
        assert ev.payload["impact"] == "all card payments fail" and ev.payload["detected_by"] == "user report"
        header = app.screen.query_one(IncidentHeader)
        assert "⚠ NO IC · /ic NAME" in header.state_text and header.no_ic


async def test_declare_escape_quits_without_writing(tmp_path: Path):
    db = tmp_path / "w.db"
    app = WarRoomApp(db, Config(), clock=lambda: FROZEN_NOW, actor="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DeclareScreen), "the declare dialog")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
    assert not stored(db)


async def test_opens_a_given_incident_and_refuses_a_missing_one(tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("first", 3, actor="a")
        store.declare("second", 2, actor="a")
    app = WarRoomApp(db, Config(), incident_id=1, clock=lambda: FROZEN_NOW, actor="a")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.incident.incident_id == 1 and app.incident.title == "first"
    missing = WarRoomApp(db, Config(), incident_id=9, clock=lambda: FROZEN_NOW, actor="a")
    async with missing.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert missing.return_code == 2


async def test_a_drill_is_labelled_and_nobody_as_ic_is_loud(tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("Failover practice", 3, actor="a", drill=True)
    app = WarRoomApp(db, Config(), clock=lambda: FROZEN_NOW, actor="a")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = app.screen.query_one(IncidentHeader)
        assert header.title_text.startswith(" SEV-3  DRILL  INC-1 Failover practice")
        assert header.no_ic and "⚠ NO IC" in header.state_text
        assert "VACANT" in app.screen.query_one(RoleBoard).render().plain
