"""`/pin PANE` typed in the real war room records what the pane shows as `evidence.pinned`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.http_server import TestHTTPServer
from tests.ui.test_panes_support import wait_for
from tests.ui.warroom_helpers import settle, stored, submit, timeline_texts
from warroom.config.model import CommandConfig, Config, LogConfig, ProbeConfig, Secret
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.panes import SignalPanes

SCRIPT = "print('pid|state|query'); print('4711|active|[b]UPDATE orders[/b] \\x1b]2;t\\x07')"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=datetime.now(UTC) - timedelta(minutes=5))
    return path


def panes(pilot) -> SignalPanes:
    return pilot.app.screen.query_one(SignalPanes)


async def test_pin_a_command_pane_records_command_exit_code_time_and_output(db: Path) -> None:
    config = Config(commands=(CommandConfig("long queries", (sys.executable, "-c", SCRIPT), interval=0.2),))
    app = WarRoomApp(db, config, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: panes(pilot).by_key["command:long queries"].updates, "the command's output")
        assert "pinned command long queries to the timeline" in await submit(pilot, "/pin long queries")
        await wait_for(pilot, lambda: stored(db)[-1].kind == Kind.EVIDENCE, "the evidence event")
        ev = stored(db)[-1]
        assert ev.actor == "carol"
        p = ev.payload
        assert p["pane"] == "long queries" and p["source_kind"] == "command" and p["exit_code"] == 0
        assert p["command"].startswith(sys.executable + " -c ")
        assert "4711|active|[b]UPDATE orders[/b]" in p["output"] and "\x1b" not in p["output"]
        assert p["text"].startswith('pinned command "long queries" (exit 0 at ')
        await wait_for(pilot, lambda: any("pinned command" in t for t in timeline_texts(pilot)), "the timeline line")


async def test_pin_a_probe_and_a_log_sharing_a_name_pins_both(db: Path, tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    with TestHTTPServer() as srv:
        config = Config(
            probes=(ProbeConfig("api", Secret(srv.url("/503")), interval=0.1),),
            logs=(LogConfig("api", path=str(log), interval=0.1),),
        )
        app = WarRoomApp(db, config, actor="dave")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            # The signal panes mount after the first frame; the log is followed from its end
            # (no backfill), so the error line is written only once the follower has started.
            await wait_for(pilot, lambda: "log:api" in panes(pilot).by_key["log:api"].updates, "the log follower")
            log.write_text("ERROR upstream reset\n")
            room = panes(pilot)
            # Two failures in a row: the pane says DOWN (flap-damped), which the pin must keep.
            await wait_for(
                pilot,
                lambda: (
                    room.by_key["probe:api"].state_of("probe:api").value == "down"
                    and "1 total" in room.by_key["log:api"].row_list.texts[0]
                ),
                "both results",
            )
            await submit(pilot, "/pin api")
            await wait_for(pilot, lambda: len([e for e in stored(db) if e.kind == Kind.EVIDENCE]) == 2, "two pins")
            by_kind = {e.payload["source_kind"]: e.payload for e in stored(db) if e.kind == Kind.EVIDENCE}
            assert set(by_kind) == {"probe", "log"}
            probe = by_kind["probe"]["output"]
            assert "status=503" in probe and "state: DOWN" in probe and "body: server error" in probe
            assert "total 1" in by_kind["log"]["output"] and "ERROR upstream reset" in by_kind["log"]["output"]


async def test_pin_before_any_result_says_there_is_nothing_yet(db: Path) -> None:
    config = Config(commands=(CommandConfig("slow", ("sleep", "5"), interval=60, timeout=10),))
    app = WarRoomApp(db, config, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "nothing to pin yet" in await submit(pilot, "/pin slow")
        assert all(e.kind != Kind.EVIDENCE for e in stored(db))
