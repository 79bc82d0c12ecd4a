"""Tall terminals: room left after every pane's rows goes to detail rows (processes, rollbacks,
long log lines, probe requests), so 200x60 shows more instead of blank rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.content import Content

from tests.support.http_server import TestHTTPServer
from tests.ui.test_panes_support import PanesApp, wait_for
from tests.ui.warroom_helpers import settle
from warroom.config.model import CommandConfig, Config, LogConfig, ProbeConfig, ResourcesConfig, Secret
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.logs import LogPane, continuation
from warroom.ui.widgets.pane_base import Detail, SourcePane, pick_rows
from warroom.ui.widgets.panes import SignalPanes, grow_heights
from warroom.ui.widgets.resources import ResourcesPane


def test_grow_heights_shares_what_is_left_by_what_each_pane_has_to_show() -> None:
    assert grow_heights(30, [5, 8, 6], [5, 8, 6]) == [5, 8, 6], "nothing more to show: nothing grows"
    assert grow_heights(30, [5, 8, 6], [9, 20, 6]) == [9, 15, 6]
    assert sum(grow_heights(30, [5, 8, 6], [40, 40, 40])) == 30
    assert grow_heights(10, [5, 8], [9, 9]) == [5, 8], "no room left: unchanged"


def test_pick_rows_keeps_order_and_drops_details_first() -> None:
    a, b, c = Content("a"), Content("b"), Content("c")
    rows = [a, Detail(Content("a1")), Detail(Content("a2")), b, Detail(Content("b1")), c]
    assert [x.plain for x in pick_rows(rows, None)] == ["a", "a1", "a2", "b", "b1", "c"]
    assert [x.plain for x in pick_rows(rows, 3)] == ["a", "b", "c"]
    assert [x.plain for x in pick_rows(rows, 4)] == ["a", "a1", "b", "c"]
    assert [x.plain for x in pick_rows(rows, 2)] == ["a", "b"], "too short: cut at the end"


def test_a_long_log_line_continues_where_the_ellipsis_cut_it() -> None:
    text = "ERROR payment call failed after 5 retries: upstream timeout after 1937ms order_id=770696"
    rest = continuation(text, 40)
    assert text[:39] + "".join(rest) == text
    assert continuation(text, 100) == []
    assert continuation("x" * 200, 40)[-1].endswith("…"), "at most two more rows, marked when cut"


async def test_resources_show_a_process_table_only_when_there_is_room() -> None:
    config = Config(resources=ResourcesConfig(interval=0.3))
    app = PanesApp(config)
    async with app.run_test(size=(120, 50)) as pilot:
        pane = app.query_one(ResourcesPane)
        await wait_for(pilot, lambda: any("PID" in r for r in pane.row_list.texts), "the process table")
        texts = pane.row_list.texts
        header = next(i for i, r in enumerate(texts) if "PID" in r and "CPU%" in r and "RSS" in r)
        assert texts[header - 1].startswith("RSS "), "the table follows the one-line summaries"
        assert len(texts) > header + 1 and texts[header + 1].split()[0].isdigit()
        assert pane.most_rows() > pane.wanted_rows()
    short = PanesApp(config)
    async with short.run_test(size=(120, 24)) as pilot:
        pane = short.query_one(ResourcesPane)
        await wait_for(pilot, lambda: any(r.startswith("RSS") for r in pane.row_list.texts), "a sample")
        await pilot.pause(0.1)
        assert not any("PID" in r for r in pane.row_list.texts), "no room to spare: summaries only"


async def test_at_200x60_the_panes_use_the_height(tmp_path: Path) -> None:
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=datetime.now(UTC) - timedelta(minutes=5))
    log = tmp_path / "api.log"
    log.write_text("")
    with TestHTTPServer() as srv:
        config = Config(
            probes=(
                ProbeConfig("api", Secret(srv.url("/ok")), interval=0.2),
                ProbeConfig("search", Secret(srv.url("/503")), interval=0.2),
            ),
            logs=(LogConfig("api", path=str(log), interval=0.2),),
            resources=ResourcesConfig(interval=0.5),
            commands=(CommandConfig("uptime", ("uptime",), interval=0.5),),
        )
        app = WarRoomApp(db, config, actor="carol")
        async with app.run_test(size=(200, 60)) as pilot:
            await settle(pilot)
            await wait_for(
                pilot,
                lambda: "log:api" in app.screen.query_one(SignalPanes).by_key["log:api"].updates,
                "the log follower",
            )
            with log.open("a") as fh:
                for n in range(12):
                    fh.write(f"ERROR kind{chr(97 + n)} failed: " + "detail " * 30 + f"req {n}\n")
            room = app.screen.query_one(SignalPanes)
            logs = room.query_one(LogPane)
            await wait_for(
                pilot,
                lambda: logs.updates["log:api"].snapshot.total >= 12 and room.query_one(ResourcesPane).updates,
                "every source's results",
            )
            await pilot.pause(0.5)

            def column_used(column) -> bool:
                panes = [p for p in column.children if isinstance(p, SourcePane)]
                blank = column.region.height - sum(p.outer_size.height for p in panes)
                # Either the column is full, or every pane already shows everything it has.
                return blank <= 1 or all(p.size.height >= p.most_rows() for p in panes)

            columns = list(room.query(".pane-column"))
            in_columns = [p for c in columns for p in c.children if isinstance(p, SourcePane)]
            assert len(in_columns) == len(room.query(SourcePane)) == 5, "every pane is in a column checked below"
            await wait_for(pilot, lambda: all(column_used(c) for c in columns), "panes using the height")
            shown = "\n".join(t for p in room.query(SourcePane) if p.configured for t in p.row_list.texts)
            assert "↳ GET" in shown, "probe requests shown with the room"
            assert any(r.startswith(" " * 7) and "detail" in r for r in logs.row_list.texts), "long log lines continue"
