"""The timeline in time order: back-dated events land at their place, marked, without moving the view."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import ComposeResult

from tests.ui.test_panes_support import wait_for
from tests.ui.warroom_helpers import settle, timeline_texts
from warroom.config.model import Config
from warroom.domain.events import Event, Kind
from warroom.store.sync import EventStore
from warroom.ui.app import ThemedApp, WarRoomApp
from warroom.ui.widgets.timeline import Timeline

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def note(id_: int, at_seconds: float, text: str, recorded_seconds: float | None = None) -> Event:
    recorded = T0 + timedelta(seconds=recorded_seconds if recorded_seconds is not None else at_seconds)
    return Event(
        1, T0 + timedelta(seconds=at_seconds), Kind.NOTE, "alice", {"text": text}, id=id_, recorded_at=recorded
    )


class TimelineApp(ThemedApp):
    def compose(self) -> ComposeResult:
        yield Timeline()


def bodies(timeline: Timeline) -> list[str]:
    return [str(e.payload["text"]) for e in timeline.events()]


async def test_back_dated_event_is_inserted_at_its_time_and_marked() -> None:
    app = TimelineApp()
    async with app.run_test(size=(90, 12)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events([note(1, 0, "declared"), note(2, 600, "ten minutes in"), note(3, 900, "fifteen")])
        # Recorded at +20m, dated +5m (`warroom note --at -15m`): it belongs between the first two.
        timeline.add_events([note(4, 300, "saw errors at five", recorded_seconds=1200)])
        await pilot.pause()
        assert bodies(timeline) == ["declared", "saw errors at five", "ten minutes in", "fifteen"]
        row = timeline.render_line(1).text
        assert row.startswith("14:05:00↶NOTE ") and "saw errors at five (added 14:20)" in row
        assert timeline.render_line(2).text.startswith("14:10:00 NOTE "), "others keep a plain space"
        # Same second, later id: after, not before (like `warroom show`), and not marked.
        timeline.add_events([note(5, 900, "also fifteen", recorded_seconds=901)])
        await pilot.pause()
        assert bodies(timeline)[-2:] == ["fifteen", "also fifteen"]
        assert "(added" not in timeline.row_text(4)


async def test_small_clock_skew_between_writers_is_ordered_but_not_marked() -> None:
    app = TimelineApp()
    async with app.run_test(size=(90, 12)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events([note(1, 0, "a"), note(2, 62, "b")])
        timeline.add_events([note(3, 60, "probe seen 2s earlier", recorded_seconds=63)])
        await pilot.pause()
        assert bodies(timeline) == ["a", "probe seen 2s earlier", "b"]
        assert timeline.render_line(1).text.startswith("14:01:00 NOTE ")


async def test_first_load_of_an_unordered_record_is_sorted_with_marks() -> None:
    app = TimelineApp()
    async with app.run_test(size=(90, 12)) as pilot:
        timeline = app.query_one(Timeline)
        # id order as the store gives it; 40 back-dated events force the one-pass merge.
        events = [note(i + 1, 3600 + i * 10, f"live {i}") for i in range(60)]
        events += [note(61 + i, i * 10, f"deploy {i}", recorded_seconds=7200) for i in range(40)]
        timeline.add_events(events)
        await pilot.pause()
        shown = timeline.events()
        assert [e.at for e in shown] == sorted(e.at for e in events)
        assert timeline.row_text(0).endswith("deploy 0 (added 16:00)")
        assert timeline.is_vertical_scroll_end and "live 59" in timeline.render_line(11).text


async def test_a_reader_scrolled_back_keeps_their_view_when_rows_are_inserted_above() -> None:
    app = TimelineApp()
    async with app.run_test(size=(90, 12)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(note(i + 1, i * 60, f"note {i}") for i in range(200))
        await pilot.pause()
        timeline.scroll_to(y=100, animate=False)
        await pilot.pause()
        before = [timeline.render_line(y).text for y in range(5)]
        assert "note 100" in before[0]
        # Three back-dated events land above the view, one inside it, one below it.
        timeline.add_events(
            [
                note(201, 5 * 60 + 30, "above 1", recorded_seconds=20_000),
                note(202, 6 * 60 + 30, "above 2", recorded_seconds=20_000),
                note(203, 7 * 60 + 30, "above 3", recorded_seconds=20_000),
                note(204, 102 * 60 + 30, "inside", recorded_seconds=20_000),
                note(205, 150 * 60 + 30, "below", recorded_seconds=20_000),
            ]
        )
        await pilot.pause()
        after = [timeline.render_line(y).text for y in range(5)]
        assert after[:3] == before[:3], "the line the reader was on stays at the top"
        assert "inside" in after[3]
        assert not timeline.is_vertical_scroll_end
        # At the bottom, a back-dated insert keeps the reader at the bottom (newest still shown).
        timeline.scroll_end(animate=False)
        await pilot.pause()
        timeline.add_events([note(206, 9 * 60 + 1, "old news", recorded_seconds=20_000)])
        await pilot.pause()
        assert timeline.is_vertical_scroll_end
        assert "note 199" in timeline.render_line(timeline.scrollable_content_region.height - 1).text


async def test_inserted_wrapped_rows_shift_the_lines_below_them() -> None:
    app = TimelineApp()
    async with app.run_test(size=(60, 12)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events([note(1, 0, "first"), note(2, 600, "last")])
        timeline.add_events([note(3, 300, "word " * 20, recorded_seconds=900)])
        await pilot.pause()
        assert timeline.line_count > 3
        assert timeline.line_of(2) == timeline.line_count - 1
        assert "last" in timeline.render_line(timeline.line_of(2)).text
        assert timeline.render_line(timeline.line_of(1) + 1).text.startswith(
            " " * 17 + "word"
        )  # the compact prefix at 60


def _warroom(db: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "warroom", "--db", str(db), *args], check=True, capture_output=True, timeout=60
    )


async def test_a_back_dated_note_from_another_process_lands_in_time_order(tmp_path: Path) -> None:
    db = tmp_path / "warroom.db"
    now = datetime.now(UTC)
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=now - timedelta(minutes=30))
        store.append(1, Kind.NOTE, {"text": "twenty minutes ago"}, actor="bob", at=now - timedelta(minutes=20))
        store.append(1, Kind.NOTE, {"text": "two minutes ago"}, actor="bob", at=now - timedelta(minutes=2))
    app = WarRoomApp(db, Config(), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Another SSH session: `warroom note --at -10m ...` (a real process, the installed CLI's code).
        await asyncio.to_thread(_warroom, db, "note", "--at", "-10m", "errors began about here")
        await wait_for(pilot, lambda: any("errors began" in t for t in timeline_texts(pilot)), "the back-dated note")
        texts = timeline_texts(pilot)
        order = [
            next(i for i, t in enumerate(texts) if part in t)
            for part in ("twenty minutes ago", "errors began about here", "two minutes ago")
        ]
        assert order == sorted(order), texts
        marked = texts[order[1]]
        assert "(added " in marked
