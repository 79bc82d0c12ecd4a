"""`/resolve` shows the probes, the error rate and metrics recovered before asking, and asks
AGAIN (a second dialog saying why, Cancel focused) when a probe is down or the resolver is not the IC."""

from __future__ import annotations

from pathlib import Path

from tests.support.http_server import TestHTTPServer
from tests.ui.warroom_helpers import feedback, screen, settle, stored, wait_for
from warroom.config.model import Config, ProbeConfig, Secret, TeamConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.poller import Poller
from warroom.ui.screens.confirm import ConfirmScreen
from warroom.ui.widgets.commandline import CommandInput


def _declare(db: Path, ic: str | None = None) -> None:
    with EventStore.open(db) as store:
        ev = store.declare("Checkout 500s", 2, actor="alice")
        if ic:
            from warroom.domain import catalogue

            store.append(
                ev.incident_id, Kind.ROLE_ASSIGNED, catalogue.role_assigned("Incident Commander", ic), actor="alice"
            )


def _said(dialog: ConfirmScreen) -> str:
    return " ".join(str(w.render()) for w in dialog.query("Static"))


async def _ask_to_resolve(pilot, app) -> ConfirmScreen:
    room = screen(pilot)
    room.query_one(CommandInput).value = "/resolve metrics normal"
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
    return app.screen


async def test_a_probe_down_asks_again_and_records_what_was_overridden(tmp_path: Path) -> None:
    db = tmp_path / "warroom.db"
    _declare(db, ic="carol")
    with TestHTTPServer() as srv:
        srv.fail("/health", 503)
        config = Config(
            team=TeamConfig(roster=("alice", "carol")),
            probes=(ProbeConfig("api", Secret(srv.url("/health")), interval=0.1, fail_threshold=1),),
        )
        app = WarRoomApp(db, config, actor="carol")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await wait_for(pilot, lambda: Poller.for_app(app) is not None, "the poller")
            await wait_for(pilot, lambda: Poller.for_app(app).probe_views() not in (None, []), "the probe's state")
            first = await _ask_to_resolve(pilot, app)
            said = _said(first)
            assert "Probes: api DOWN" in said and "Metrics recovered: not yet" in said
            assert "Resolving as carol; IC: carol" in said
            await pilot.press("tab", "enter")  # Resolve on the first question...
            await wait_for(pilot, lambda: app.screen is not first and isinstance(app.screen, ConfirmScreen), "again")
            again = app.screen
            assert "Resolve anyway? probe api down" in _said(again)
            assert app.focused is again.query_one("#cancel"), "Cancel has the focus again"
            await pilot.press("enter")  # ...and Cancel on the second: nothing is recorded
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "back on the war room")
            assert "not resolved" in feedback(pilot)
            assert not [e for e in stored(db) if e.kind == Kind.RESOLVED]

            await _ask_to_resolve(pilot, app)
            await pilot.press("tab", "enter")
            await wait_for(pilot, lambda: "Resolve anyway" in _said(app.screen), "the second question")
            await pilot.press("tab", "enter")
            await wait_for(pilot, lambda: stored(db)[-1].kind == Kind.RESOLVED, "the resolve event")
    payload = dict(stored(db)[-1].payload)
    assert payload == {"text": "metrics normal", "resolved_by": "carol", "overrode": ["probe api down"]}


async def test_not_the_ic_asks_again_saying_who_is(tmp_path: Path) -> None:
    db = tmp_path / "warroom.db"
    _declare(db, ic="alice")
    app = WarRoomApp(db, Config(team=TeamConfig(roster=("alice", "carol"))), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = await _ask_to_resolve(pilot, app)
        assert "Resolving as carol; IC: alice" in _said(first)
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: app.screen is not first and isinstance(app.screen, ConfirmScreen), "again")
        again = app.screen
        assert "Resolve anyway? not the IC (IC is alice)" in _said(again)
        assert app.focused is again.query_one("#cancel")
        await pilot.press(*"yes y")  # no letter confirms
        assert app.screen is again
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: stored(db)[-1].kind == Kind.RESOLVED, "the resolve event")
    resolved = stored(db)[-1]
    assert resolved.actor == "carol"
    assert dict(resolved.payload)["overrode"] == ["not the IC (IC is alice)"]
