"""`warroom review`'s screen (Pilot, real database files): opening a resolved incident read-only,
the `/` filter, `[`/`]` milestones, date lines across midnight, the scrubber's state at a moment,
a database another process is still writing, and nothing written by the review."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.support.incident_builder import at
from tests.support.review_db import checkout_incident
from tests.ui.review_helpers import file_stamp, loaded, review_app, review_db, shown_kinds, state_text, timeline
from warroom.domain.events import Event, Kind
from warroom.store.sync import EventStore


async def test_opens_a_resolved_incident_at_its_end_with_no_config(tmp_path: Path):
    db = review_db(tmp_path)
    app = review_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        header = str(screen.query_one("#review-header").render())
        assert "REVIEW INC-1 · Checkout returning 500s" in header and "read-only" in header
        text = state_text(screen)
        assert "SEV-1 · Resolved" in text and "Incident Commander: alice" in text
        assert len(timeline(screen).events()) == len(checkout_incident().events)


async def test_filter_by_kind_actor_and_text_and_esc_clears_it(tmp_path: Path):
    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash")
        await pilot.press(*"kind:mitigation")
        await pilot.pause()
        assert shown_kinds(screen) == [Kind.MITIGATED]
        assert "filter: kind:mitigation (1 of 15)" in str(timeline(screen).border_title)
        # The prompt is typing mode: `s`, `q`, `[` are letters there, not keys.
        await pilot.press("ctrl+u", *"actor:bob pool")
        await pilot.pause()
        assert [e.payload["text"] for e in timeline(screen).events()] == ["pool exhausted on payments-db"]
        await pilot.press("ctrl+u", *'kind:note "unclosed')
        await pilot.pause()
        assert "unclosed quote" in str(app.screen.query_one("#filter-message").render())
        assert shown_kinds(screen) == [Kind.NOTE] * 2, "an unreadable filter leaves the view as it was"
        await pilot.press("escape")  # leaves the prompt, keeping the filter
        await pilot.pause()
        assert app.screen is screen and shown_kinds(screen) == [Kind.NOTE] * 2
        await pilot.press("escape")  # in the timeline: clears it
        await pilot.pause()
        assert len(timeline(screen).events()) == 15


async def test_the_timeline_title_counts_the_whole_record_once_it_is_read(tmp_path: Path):
    inc = checkout_incident()
    for i in range(400):  # more than the first frame's newest rows
        inc.note(10 + i * 0.1, f"checked the pool again ({i})", actor="bob")
    app = review_app(review_db(tmp_path, inc.events), clock_minutes=200)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert len(timeline(screen).events()) == len(inc.events)
        assert f"Timeline (UTC) · {len(inc.events):,} events" == str(timeline(screen).border_title)


async def test_the_filter_line_shows_what_is_typed(tmp_path: Path):
    from textual.widgets import Input

    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"actor:bob")
        await pilot.pause()
        line = app.screen.query_one("#filter-input", Input)
        assert line.has_focus and line.value == "actor:bob"
        assert line.content_region.height == 1, "the typed filter has a line to show on"
        assert line.content_region.bottom <= 24


async def test_a_long_timeline_is_filtered_when_typing_pauses_not_at_every_key(tmp_path: Path, monkeypatch):
    from warroom.ui.widgets import filter_prompt

    monkeypatch.setattr(filter_prompt, "LARGE_TIMELINE", 5)  # the 15 events stand for 100,000
    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"kind:note")
        await pilot.pause()
        assert app.screen.query_one("#filter-input").value == "kind:note"  # every key kept
        assert len(timeline(screen).events()) == 15, "no pass over the timeline while typing"
        await pilot.pause(filter_prompt.TYPING_PAUSE + 0.2)
        assert shown_kinds(screen) == [Kind.NOTE] * 2
        await pilot.press("ctrl+u", *"kind:mitigation", "escape")  # Esc before the pause: applied as typed
        await pilot.pause()
        assert app.screen is screen and shown_kinds(screen) == [Kind.MITIGATED]


async def test_s_hides_and_shows_system_events(tmp_path: Path):
    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert not {Kind.PROBE_DOWN, Kind.PROBE_UP, Kind.DEPLOY} & set(shown_kinds(screen))
        assert Kind.NOTE in shown_kinds(screen)
        await pilot.press("s")
        await pilot.pause()
        assert Kind.PROBE_DOWN in shown_kinds(screen)


async def test_brackets_jump_between_milestones(tmp_path: Path):
    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert screen.cursor == at(60)
        await pilot.press("left_square_bracket")
        assert screen.cursor == at(30)  # mitigated
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.cursor == at(5)  # acknowledged at 6, then the raise to SEV-1 at 5
        await pilot.press("right_square_bracket")
        assert screen.cursor == at(6)
        await pilot.press("home", "right_square_bracket")
        assert screen.cursor == at(0)  # the declaration (home is the deploy before it)
        await pilot.pause()
        tl = timeline(screen)
        assert tl.events()[tl.cursor_row].kind == Kind.DECLARED, "the timeline's lit row is the milestone"


async def test_up_and_down_step_event_by_event_and_the_scrubber_follows(tmp_path: Path):
    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        tl = timeline(screen)
        await pilot.press("home")
        await pilot.press("down", "down", "down")  # 03:00 declared, 03:01 ic, 03:01 tech
        await pilot.pause()
        assert screen.cursor == at(1.5)
        assert tl.events()[tl.cursor_row].kind == Kind.ROLE_ASSIGNED
        assert "Tech Lead: bob" in state_text(screen)
        await pilot.press("up")
        await pilot.pause()
        assert screen.cursor == at(1) and "Tech Lead" not in state_text(screen)


async def test_the_state_counts_the_events_up_to_the_moment_in_words(tmp_path: Path):
    events = [e for e in checkout_incident().events if e.kind != Kind.DEPLOY]  # the declaration first
    app = review_app(review_db(tmp_path, events))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("home")
        await pilot.pause()
        assert state_text(screen).endswith("\n1 event up to here") or "\n1 event up to here\n" in state_text(screen)
        await pilot.press("end")
        await pilot.pause()
        assert f"\n{len(events)} events up to here" in state_text(screen)


async def test_the_scrubber_shows_the_state_as_it_stood(tmp_path: Path):
    app = review_app(review_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("home")  # 02:56, the deploy
        await pilot.press(*["right"] * 8)  # 03:04
        await pilot.pause()
        assert screen.cursor == at(4)
        assert "SEV-3 · Investigating" in state_text(screen)
        assert "probe api ▼ down" in state_text(screen)
        await pilot.press("right")
        await pilot.pause()
        assert "SEV-1 · Investigating" in state_text(screen)
        # SEV-1 updates every 15 minutes; posted at 03:08, the next was due 03:23 and came 03:33.
        await pilot.press("shift+right", "shift+right")  # 03:25
        await pilot.pause()
        text = state_text(screen)
        assert "update OVERDUE by 2m" in text
        assert "coach: update overdue" in text
        await pilot.press("shift+right")  # 03:35, after the post
        await pilot.pause()
        assert "OVERDUE" not in state_text(screen)
        await pilot.press("end")
        await pilot.pause()
        assert "SEV-1 · Resolved" in state_text(screen)


async def test_a_date_line_wherever_a_row_is_on_another_day(tmp_path: Path):
    late = timedelta(hours=20, minutes=55)  # declared 23:55 on the 26th; the rest after midnight
    events = [
        Event(e.incident_id, e.at + late, e.kind, e.actor, e.payload, id=e.id) for e in checkout_incident().events
    ]
    app = review_app(review_db(tmp_path, events))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        tl = timeline(screen)
        texts = [tl.row_text(i) for i in range(tl.event_count)]
        dated = [t for t in texts if t.startswith("──")]
        assert len(dated) == 2
        assert texts[0].startswith("── Thu 26 Nov 2026 (UTC) ──")
        first_after = next(i for i, e in enumerate(tl.events()) if e.at.day == 27)
        assert texts[first_after].startswith("── Fri 27 Nov 2026 (UTC) ──")
        assert not texts[first_after + 1].startswith("──")


@pytest.mark.usefixtures("times_deadlines")  # a one-second deadline: no CPU hog beside it
async def test_a_database_another_process_writes_shows_new_events(tmp_path: Path, home_env: dict[str, str]):
    db = review_db(tmp_path)
    app = review_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        subprocess.run(
            [str(warroom_executable()), "--db", str(db), "note", "seen from the review", "--incident", "1"],
            env=home_env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        started = time.monotonic()
        for _ in range(300):
            texts = [timeline(screen).row_text(i) for i in range(timeline(screen).event_count)]
            if any("seen from the review" in t for t in texts):
                break
            await pilot.pause(0.02)
        else:
            raise AssertionError("the other process's note never appeared")
        assert time.monotonic() - started < 1.5
        assert screen.record.index.events[-1].kind == Kind.NOTE


async def test_reviewing_writes_nothing(tmp_path: Path):
    db = review_db(tmp_path)
    with EventStore.open(db) as store:
        before = len(store.events(1))
        leases = store._read("SELECT COUNT(*) FROM recorder_leases")[0][0]
    stamp = file_stamp(db)
    app = review_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("home", "right", "right_square_bracket", "s", "slash", *"kind:note", "escape", "end")
        await pilot.pause(1.0)  # the follower polls meanwhile
    assert file_stamp(db) == stamp, "the database file was changed"
    with EventStore.open(db) as store:
        assert len(store.events(1)) == before
        assert store._read("SELECT COUNT(*) FROM recorder_leases")[0][0] == leases
        assert store._read("SELECT COUNT(*) FROM samples")[0][0] == 72
