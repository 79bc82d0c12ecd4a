"""On the screen: `/feature` and the declare dialog's Feature field name what customers see
affected, and the external draft says it (the internal title never reaches customers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input

from tests.ui.warroom_helpers import settle, stored, submit, timeline_texts, wait_for
from warroom.config.model import Config
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.declare import DeclareScreen
from warroom.ui.screens.draft import DraftScreen
from warroom.ui.screens.warroom import WarRoomScreen

NOW = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)
TITLE = "Checkout returns 500 from pg-primary-3"


async def external_draft(pilot) -> str:
    """Open the draft screen as `d` does and pick the external audience (Esc, then `2`)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.wapp.store_ready.is_set(), "the database")
    app.screen.action_draft()
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, DraftScreen) and app.screen.query("#draft-editor") and app.screen.text,
        "the draft screen",
    )
    await pilot.press("escape", "2")  # the draft opens in typing mode: Esc for its keys
    await wait_for(pilot, lambda: app.screen.audience == "external", "the external draft")
    await pilot.pause()
    return app.screen.text


async def test_slash_feature_fills_the_external_drafts_blank(tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare(TITLE, 2, actor="alice", at=NOW - timedelta(minutes=10))
    app = WarRoomApp(db, Config(), clock=lambda: NOW, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        message = await submit(pilot, "/feature Checkout")
        assert "feature: Checkout" in message
        ev = stored(db)[-1]
        assert (ev.kind, ev.actor, dict(ev.payload)) == (Kind.FEATURE_SET, "carol", {"text": "Checkout"})
        await wait_for(pilot, lambda: app.incident.feature == "Checkout", "the refold")
        await wait_for(
            pilot,
            lambda: any("affected feature: Checkout" in t for t in timeline_texts(pilot)),
            "the feature in the timeline",
        )
        text = await external_draft(pilot)
        assert text.splitlines()[0] == "[Investigating] We are aware of an issue affecting Checkout."
        assert "pg-primary-3" not in text


async def test_declare_dialog_feature_field_is_recorded_and_drafted(tmp_path: Path):
    db = tmp_path / "w.db"
    app = WarRoomApp(db, Config(), clock=lambda: NOW, actor="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DeclareScreen), "the declare dialog")
        dialog = app.screen
        await pilot.press(*TITLE)
        dialog.query_one("#declare-severity").focus()
        await pilot.press("2")
        dialog.query_one("#declare-impact", Input).focus()
        await pilot.press(*"EU card payments fail")
        await pilot.press("enter")
        assert app.focused is dialog.query_one("#declare-feature", Input), "Enter on Impact moves to Feature"
        dialog.query_one("#declare-feature", Input).value = "x" * 200
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Feature: the feature is 200 characters" in str(dialog.query_one("#declare-error").content)
        assert app.screen is dialog and (not db.exists() or not stored(db)), "nothing declared, nothing lost"
        assert dialog.query_one("#declare-title", Input).value == TITLE
        dialog.query_one("#declare-feature", Input).value = ""
        await pilot.press(*"Checkout")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, WarRoomScreen) and app.screen.state is not None, "the war room"
        )
        declared = stored(db)[0]
        assert declared.kind == Kind.DECLARED and declared.payload["feature"] == "Checkout"
        assert app.incident.feature == "Checkout"
        text = await external_draft(pilot)
        assert text.splitlines()[0] == "[Investigating] We are aware of an issue affecting Checkout."
