"""On the war room screen: a followed command that prints its `${TOKEN}` shows and pins `***`,
and a note holding bidi controls reads on the timeline exactly as it is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ui.test_panes_support import wait_for
from tests.ui.warroom_helpers import settle, stored, submit, timeline_texts
from warroom.config.model import Config, LogConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.panes import SignalPanes

SECRET = "Pk4-pane-secret-VALUE-90210"

LEAKY = """#!/bin/sh
if [ "$1" = "$TOKEN" ]; then echo "error: login refused for $1"; else echo "error: argv not expanded: $1"; fi
echo "error: environment says $TOKEN"
sleep 60
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=datetime.now(UTC) - timedelta(minutes=5))
    return path


async def test_the_log_pane_and_a_pin_never_hold_the_token(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TOKEN", SECRET)
    script = tmp_path / "leaky.sh"
    script.write_text(LEAKY)
    script.chmod(0o755)
    config = Config(logs=(LogConfig("api", argv=(str(script), "${TOKEN}"), interval=0.1),))
    app = WarRoomApp(db, config, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        # The signal panes mount after the first frame: look them up each time.
        def log_rows() -> list[str]:
            found = pilot.app.screen.query(SignalPanes)
            pane = found.first().by_key.get("log:api") if found else None
            return pane.row_list.texts if pane is not None else []

        # The count can reach 2 a frame before the second line's row is drawn: wait for both.
        await wait_for(
            pilot,
            lambda: "2 total" in " ".join(log_rows()) and "environment says" in " ".join(log_rows()),
            "both lines counted and shown",
        )
        shown = "\n".join(log_rows())
        assert SECRET not in shown
        assert "error: login refused for ***" in shown and "error: environment says ***" in shown
        assert "pinned" in await submit(pilot, "/pin api")
        await wait_for(pilot, lambda: any(e.kind == Kind.EVIDENCE for e in stored(db)), "the evidence event")
        assert all(SECRET not in t for t in timeline_texts(pilot))
    evidence = next(e for e in stored(db) if e.kind == Kind.EVIDENCE)
    assert "login refused for ***" in evidence.payload["output"]
    assert SECRET.encode() not in db.read_bytes()
    assert all(SECRET.encode() not in p.read_bytes() for p in db.parent.glob("warroom.db*"))


async def test_a_bidi_override_in_a_note_is_shown_escaped_on_the_timeline(db: Path) -> None:
    note = "refund user \u202e0001 tnuocca\u202c done\u200b"
    app = WarRoomApp(db, Config(resources=None), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, note)  # typed (pasted) into the command line: a note
        await wait_for(pilot, lambda: any("refund user" in t for t in timeline_texts(pilot)), "the note")
        line = next(t for t in timeline_texts(pilot) if "refund user" in t)
        assert "refund user <U+202E>0001 tnuocca<U+202C> done<U+200B>" in line
        assert not set(line) & {"\u202e", "\u202c", "\u200b"}
    assert any(e.payload.get("text") == note for e in stored(db))  # stored exactly as typed


async def test_the_draft_editor_shows_a_bidi_override_in_the_title_escaped(tmp_path: Path) -> None:
    from tests.ui.test_draft_screen import T0, Clock, DraftApp, config
    from warroom.store.aio import AsyncEventStore
    from warroom.ui.screens.draft import DraftScreen

    store = await AsyncEventStore.open(tmp_path / "data" / "warroom.db")
    ev = await store.declare("Checkout \u202e005 snruter", 2, actor="alice", at=T0)
    app = DraftApp(store, config(), Clock(T0 + timedelta(minutes=5)), await store.incident(ev.incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DraftScreen)
        assert "Checkout <U+202E>005 snruter" in screen.text and "\u202e" not in screen.text
    await store.close()
