"""RowList, the rows every signal pane shows: repainted in place, and quiet once taken down."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from warroom.ui.widgets.pane_base import RowList


class RowsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RowList()


async def test_rows_repaint_in_place_and_extra_rows_go() -> None:
    app = RowsApp()
    async with app.run_test() as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([Content("✔ UP api"), Content("✔ UP search")])
        await pilot.pause()
        first = list(rows.query(Static))
        rows.set_rows([Content("✖ DOWN api")])
        await pilot.pause()
        assert rows.texts == ["✖ DOWN api"]
        assert list(rows.query(Static)) == first[:1], "the same row widget, repainted, not a new one"


async def test_a_last_update_after_the_pane_is_gone_is_dropped() -> None:
    """Quitting takes the panes down while a poll or a tick may still be on its way: that used to
    raise MountError, and the war room exited with status 1 and a traceback instead of cleanly."""
    app = RowsApp()
    async with app.run_test() as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([Content("✔ UP api")])
        await pilot.pause()
        await rows.remove()
        rows.set_rows([Content("✔ UP api"), Content("✔ UP search")])
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert rows.texts == ["✔ UP api"], "nothing is mounted into a pane that is gone"
