"""The declare dialog's IC field: one handle, checked before anything is written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input

from tests.ui.warroom_helpers import stored, wait_for
from warroom.config.model import Config
from warroom.domain.events import Kind
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.declare import DeclareScreen
from warroom.ui.screens.warroom import WarRoomScreen

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=UTC)


async def test_declare_dialog_names_the_ic_and_refuses_a_name_that_is_not_one_word(tmp_path: Path):
    db = tmp_path / "w.db"
    app = WarRoomApp(db, Config(), clock=lambda: NOW, actor="alice")
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DeclareScreen), "the declare dialog")
        dialog = app.screen
        await pilot.press(*"Payments down")
        dialog.query_one("#declare-severity").focus()
        await pilot.press("2")
        dialog.query_one("#declare-ic", Input).focus()
        await pilot.press(*"carol smith", "enter")  # Enter in the last field declares
        await pilot.pause()
        error = str(dialog.query_one("#declare-error").content)
        assert "IC name 'carol smith' refused: a name is one word of letters, digits, . _ - @" in error
        assert app.screen is dialog and app.focused is dialog.query_one("#declare-ic")
        assert not db.exists() or not stored(db), "nothing declared"
        dialog.query_one("#declare-ic", Input).value = "@carol"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, WarRoomScreen) and app.screen.state is not None, "the war room"
        )
        events = stored(db)
        assert [e.kind for e in events] == [Kind.DECLARED, Kind.ROLE_ASSIGNED]
        assert dict(events[1].payload) == {"role": "Incident Commander", "person": "carol"}
        await wait_for(pilot, lambda: app.incident.commander == "carol", "the IC on the board")
