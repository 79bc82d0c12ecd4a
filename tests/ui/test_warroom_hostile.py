"""Hostile text (Rich markup, terminal escapes) in notes, titles, actors and signal events renders
literally and changes nothing: no action runs, no link opens, the terminal title stays."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.ui.warroom_helpers import settle, submit, timeline_texts
from warroom.config.model import Config, TeamConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screenshots import FROZEN_NOW
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.timeline import PREFIX_WIDTH, Timeline

CLICK = "[@click=app.quit]x[/]"
LINK = "[link=file:///etc/passwd]passwd[/link]"
CLOSE = "[/]"
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"
OSC2 = "\x1b]2;pwned title\x07"
MOVES = "\x1b[2J\x1b[H\x1b[10;10H\x1b[31m"
HOSTILE = f"{CLICK} {LINK} {CLOSE} {OSC52}{OSC2}{MOVES}end"
LITERAL = f"{CLICK} {LINK} {CLOSE} end"


def hostile_db(path: Path) -> Path:
    # Stamped before the app's frozen clock, so what the test types (stamped by that clock) is
    # the newest row of the timeline, which keeps (at, id) order.
    at = FROZEN_NOW - timedelta(minutes=10)
    with EventStore.open(path) as store:
        inc = store.declare(f"title {HOSTILE}", 2, actor=f"mallory{OSC2}", impact=HOSTILE, at=at).incident_id
        for i, (kind, payload, actor) in enumerate(
            [
                (Kind.NOTE, {"text": f"note {HOSTILE}"}, f"[@click=app.quit]eve[/]{OSC52}"),
                (Kind.PROBE_DOWN, {"text": f"probe api DOWN: body {HOSTILE}"}, "warroom"),
                (Kind.DEPLOY, {"subject": f"git subject {HOSTILE}"}, "warroom"),
                (Kind.LOG_SPIKE, {"message": f"log line {HOSTILE}"}, "warroom"),
                (Kind.ROLE_ASSIGNED, {"role": "Incident Commander", "person": f"[b]boss[/b]{OSC2}"}, "a"),
            ],
            1,
        ):
            store.append(inc, kind, payload, actor=actor, at=at + timedelta(minutes=i))
    return path


async def test_hostile_text_renders_literally_and_changes_nothing(tmp_path: Path):
    db = hostile_db(tmp_path / "w.db")
    app = WarRoomApp(db, Config(team=TeamConfig(roster=(CLICK,))), clock=lambda: FROZEN_NOW, actor=f"{CLICK}{OSC2}")
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        room = app.screen
        texts = timeline_texts(pilot)
        assert texts[0].startswith(f"SEV-2 declared: title {LITERAL}")
        for prefix in ("note ", "probe api DOWN: body ", "git subject ", "log line "):
            assert any(t == prefix + LITERAL for t in texts), (prefix, texts)
        header = room.query_one(IncidentHeader)
        assert header.title_text == f" SEV-2  INC-1 title {LITERAL}"
        assert header.state_text.rstrip().endswith("IC [b]boss[/b]")
        assert CLICK in str(room.query_one("#command-actor").content)

        # Click the note where the links would be had the markup been parsed ("x" quits, then
        # "passwd"), and where the literal "x" is.
        timeline = room.query_one(Timeline)
        row_y = timeline.line_of(next(i for i, t in enumerate(texts) if t.startswith("note ")))
        body = PREFIX_WIDTH + len("note ")
        for x in (body, body + 2, body + 4, body + len("[@click=app.quit]")):
            await pilot.click(Timeline, offset=(x, row_y - timeline.scroll_offset.y))
        await submit(pilot, f"typed {HOSTILE}")
        await submit(pilot, f"/as {CLICK}")
        await pilot.pause()
        assert app.is_running, "no action ran"
        assert app.title == "warroom"

        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        assert "pwned title" not in svg
        assert f"INC-1 title {LITERAL}" in svg.replace("&#160;", " ")  # the header, markup and all
        assert timeline_texts(pilot)[-1].startswith("typed [@click=app.quit]x[/]")

    # What was typed is stored exactly as typed (escapes and all): display cleans, the record keeps.
    with EventStore.open(db) as store:
        last = store.events(1)[-1]
    assert last.kind == Kind.NOTE and last.payload["text"] == f"typed {HOSTILE}".strip()
