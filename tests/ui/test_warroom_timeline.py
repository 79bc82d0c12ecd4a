"""The timeline: order, columns, dimmed system events, wrapping, 100,000 events, no jumping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import ComposeResult

from warroom.domain.events import Event, Kind
from warroom.ui.app import ThemedApp
from warroom.ui.widgets.timeline import Timeline, describe, wrap_cells

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def note(i: int, text: str | None = None, actor: str = "alice") -> Event:
    return Event(1, T0 + timedelta(seconds=i), Kind.NOTE, actor, {"text": text or f"note {i}"}, id=i + 1)


class TimelineApp(ThemedApp):
    def compose(self) -> ComposeResult:
        yield Timeline()


def line(timeline: Timeline, y: int) -> str:
    return timeline.render_line(y).text


async def test_newest_at_the_bottom_with_time_kind_and_actor():
    app = TimelineApp()
    async with app.run_test(size=(80, 10)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(
            [
                note(0, "first"),
                Event(1, T0 + timedelta(seconds=65), Kind.PROBE_DOWN, "warroom", {"text": "probe api DOWN: 503"}, id=2),
                Event(
                    1,
                    T0 + timedelta(seconds=70),
                    Kind.SEVERITY,
                    "bob",
                    {"from": 2, "to": 1, "reason": "spreading"},
                    id=3,
                ),
            ]
        )
        await pilot.pause()
        assert line(timeline, 0).startswith("14:00:00 NOTE      alice      first")
        assert line(timeline, 1).startswith("14:01:05 PROBE ▼   warroom    probe api DOWN: 503")
        assert line(timeline, 2).startswith("14:01:10 SEV       bob        SEV-2 → SEV-1 (raised): spreading")
        probe = timeline.render_line(1)
        human = timeline.render_line(0)
        body_style = lambda strip: next(s.style for s in strip if "probe" in s.text or "first" in s.text)  # noqa: E731
        assert body_style(probe).color != body_style(human).color, "system events are dimmed"


async def test_long_text_wraps_under_its_column():
    app = TimelineApp()
    async with app.run_test(size=(60, 10)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events([note(0, "word " * 20), note(1, "after")])
        await pilot.pause()
        assert timeline.line_count > 2
        second = line(timeline, 1)
        # 60 columns: the compact prefix (`14:00 • bob      `), the text in the column after it.
        assert line(timeline, 0).startswith("14:00 • "), line(timeline, 0)
        assert second.startswith(" " * 17 + "word"), second
        assert "after" in line(timeline, timeline.line_count - 1)
        assert timeline.row_text(0) == ("word " * 20).strip()


async def test_reading_back_is_not_interrupted_by_new_events():
    app = TimelineApp()
    async with app.run_test(size=(80, 12)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(note(i) for i in range(100))
        await pilot.pause()
        assert timeline.is_vertical_scroll_end, "opens at the newest events"
        timeline.scroll_to(y=20, animate=False)
        await pilot.pause()
        timeline.add_events(note(i) for i in range(100, 110))
        await pilot.pause()
        assert timeline.scroll_offset.y == 20, "a reader scrolled back stays where they were"
        timeline.scroll_end(animate=False)
        await pilot.pause()
        timeline.add_events([note(110, "newest")])
        await pilot.pause()
        assert timeline.is_vertical_scroll_end
        assert "newest" in line(timeline, timeline.scrollable_content_region.height - 1)
        await pilot.resize_terminal(80, 7)  # the pane gets shorter (a taller header, a split)
        await pilot.pause()
        assert "newest" in line(timeline, timeline.scrollable_content_region.height - 1)


async def test_a_hundred_thousand_events_scroll_to_any_point():
    app = TimelineApp()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(note(i) for i in range(100_000))
        await pilot.pause()
        assert timeline.event_count == 100_000 and timeline.line_count == 100_000
        timeline.scroll_home(animate=False)
        await pilot.pause()
        assert "note 0" in line(timeline, 0)
        timeline.scroll_to(y=54_321, animate=False)
        await pilot.pause()
        assert "note 54321" in line(timeline, 0)
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert timeline.line_count == 100_000


def test_describe_is_total_and_plain():
    assert describe(Event(1, T0, "future.kind", "x", {"weird": [1, 2]})) == '{"weird": [1, 2]}'
    assert describe(Event(1, T0, Kind.ROLE_ASSIGNED, "a", {"role": "Scribe", "person": "dave"})) == "dave is Scribe"
    assert (
        describe(Event(1, T0, Kind.STATUS, "a", {"from": "Investigating", "to": "Identified", "text": ""}))
        == "Investigating → Identified"
    )
    assert describe(Event(1, T0, Kind.SEVERITY, "a", {"from": "x", "to": None})).startswith("SEV-x")


def test_wrap_cells_handles_wide_characters_and_long_words():
    assert wrap_cells("ab cd ef", 5) == ["ab cd", "ef"]
    assert wrap_cells("x" * 12, 5) == ["xxxxx", "xxxxx", "xx"]
    lines = wrap_cells("障害が発生しました 障害", 6)
    assert all(sum(2 for _ in row) <= 6 for row in lines)
