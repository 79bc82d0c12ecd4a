"""IC handoff in the war room: `/handoff bob` shows a pending handoff on the role board and in the
header, and only bob's `/ack` (here, or `warroom ack --as bob` in another process) makes him IC."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.ui.warroom_helpers import screen, settle, stored, submit, timeline_texts, wait_for
from warroom.config.model import Config, TeamConfig
from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.roles import IC
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.roles import RoleBoard

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=UTC)
CONFIG = Config(team=TeamConfig(roster=("alice", "bob", "carol")))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
        store.append(1, Kind.ROLE_ASSIGNED, catalogue.role_assigned(IC, "alice"), actor="alice", at=NOW)
    return path


def board(pilot) -> str:
    """The role board as drawn (its IC cell first)."""
    return str(screen(pilot).query_one(RoleBoard).render())


def header(pilot) -> str:
    return screen(pilot).query_one(IncidentHeader).shown_text


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_handoff_is_pending_until_bob_acks_then_bob_is_ic(db: Path, size):
    app = WarRoomApp(db, CONFIG, clock=lambda: NOW, actor="alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        said = await submit(pilot, "/handoff bob")
        assert "alice stays IC until bob acknowledges with /ack" in said
        await wait_for(pilot, lambda: app.incident.handoff is not None, "the proposal's refold")
        await pilot.pause()
        assert "alice → bob" in board(pilot) and "pending" in board(pilot)
        assert "IC alice → bob" in header(pilot)
        assert app.incident.commander == "alice"

        said = await submit(pilot, "/ack")  # alice's ack acknowledges the incident, not the handoff
        assert "handoff to bob is pending: bob acknowledges with /ack" in said
        assert app.incident.commander == "alice" and app.incident.handoff is not None

        await submit(pilot, "/as bob")
        said = await submit(pilot, "/ack")
        assert "bob is IC now: IC alice → bob" in said
        await wait_for(pilot, lambda: app.incident.commander == "bob", "bob as IC")
        await pilot.pause()
        assert app.incident.handoff is None
        shown = board(pilot)
        assert "bob" in shown and "pending" not in shown and "alice" not in shown
        assert "IC bob" in header(pilot) and "pending" not in header(pilot)
        await wait_for(pilot, lambda: any(t.endswith("IC alice → bob") for t in timeline_texts(pilot)), "timeline")
        accepted = stored(db)[-1]
        assert (accepted.kind, accepted.actor) == (Kind.HANDOFF_ACCEPTED, "bob")
        assert dict(accepted.payload) == {"from": "alice", "to": "bob"}


async def test_bobs_ack_of_an_unacknowledged_incident_acknowledges_it_too_and_ic_cancels(db: Path):
    app = WarRoomApp(db, CONFIG, clock=lambda: NOW, actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "/handoff carol")
        said = await submit(pilot, "/ic alice")
        assert "the pending handoff to carol is cancelled" in said
        await wait_for(pilot, lambda: app.incident.handoff is None, "the cancel")
        await pilot.pause()
        assert "pending" not in board(pilot)

        await submit(pilot, "/handoff bob")
        await submit(pilot, "/as bob")
        said = await submit(pilot, "/ack")
        assert "incident acknowledged too" in said
        await wait_for(pilot, lambda: app.incident.commander == "bob", "bob as IC")
        assert app.incident.milestones.acknowledged == NOW
        assert [e.kind for e in stored(db)[-2:]] == [Kind.ACKNOWLEDGED, Kind.HANDOFF_ACCEPTED]


async def test_nobody_ic_refuses_handoff_and_keeps_the_line(tmp_path: Path):
    path = tmp_path / "w.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
    app = WarRoomApp(path, CONFIG, clock=lambda: NOW, actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = await submit(pilot, "/handoff bob")
        assert "nobody is IC" in said and "/ic bob" in said
        assert screen(pilot).query_one("CommandInput").value == "/handoff bob"
        assert [e.kind for e in stored(path)] == [Kind.DECLARED]


@pytest.mark.usefixtures("times_deadlines")  # a one-second deadline: no CPU hog beside it
async def test_an_accept_from_another_process_shows_within_a_second(db: Path, home_env):
    app = WarRoomApp(db, CONFIG, clock=lambda: NOW, actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "/handoff bob")
        await wait_for(pilot, lambda: "pending" in board(pilot), "the pending handoff on the board")
        result = subprocess.run(
            [str(warroom_executable()), "ack", "--db", str(db), "--as", "bob"],
            env=home_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        assert "bob is IC now: IC alice → bob" in result.stdout
        written = time.monotonic()
        await wait_for(pilot, lambda: app.incident.commander == "bob" and "pending" not in board(pilot), "bob")
        assert time.monotonic() - written < 1.0, "another process's accept shows within a second"
        assert "IC bob" in header(pilot)
