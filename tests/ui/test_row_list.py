"""RowList, the rows every signal pane shows: repainted in place, and quiet once taken down; the
selected row (`Pick`) that `y` copies."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from warroom.ui.widgets.pane_base import Pick, RowList, SourcePane
from warroom.ui.widgets.selection import Copyable


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


class _Items(SourcePane):
    """A pane whose rows are picks, in the order given."""

    TITLE = "Items"

    def __init__(self) -> None:
        from warroom.sources.registry import SourceInfo

        super().__init__([SourceInfo("x:items", "x", "items", 1.0)])
        self.items = ["b", "c"]

    def rows(self, now):
        return [Pick(Content(f"item {i}"), Copyable(i, f"item {i}"), i) for i in self.items]


class ItemsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield _Items()


async def test_the_selection_follows_its_item_when_rows_move_and_shows_only_while_focused() -> None:
    from datetime import UTC, datetime

    app = ItemsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(_Items)
        now = datetime(2025, 3, 4, tzinfo=UTC)
        pane.redraw(now)
        await pilot.pause()
        assert pane.copy_item() == Copyable("b", "item b"), "the first row until one is chosen"
        pane.focus()
        await pilot.press("down")
        assert pane.copy_item() == Copyable("c", "item c")
        pane.items = ["a", "b", "c"]  # a new item arrives above
        pane.styles.height = 5
        await pilot.pause()
        pane.redraw(now)
        await pilot.pause()
        assert pane.copy_item() == Copyable("c", "item c"), "still the same item, not the same index"
        lines = list(pane.row_list.query(Static))
        assert "reverse" in str(lines[2].visual.spans) and "reverse" not in str(lines[0].visual.spans)
        pane.blur()
        await pilot.pause()
        await pilot.pause()
        assert all("reverse" not in str(row.visual.spans) for row in pane.row_list.query(Static))
