"""Older events merged under a timeline that opened with the newest ones: every event once, in
order, the reader's view kept, and the `↶ added` marks as if all had been there from the start."""

from __future__ import annotations

from tests.ui.test_timeline_order import TimelineApp, note
from warroom.ui.widgets.timeline import Timeline, sort_key
from warroom.ui.widgets.timeline_history import add_history, history_rows


def incident(n: int):
    """n notes a second apart; every 50th written 20 minutes after the fact (back-dated)."""
    return [
        note(i, i - 1200 if i % 50 == 0 and i > 1300 else i, f"note {i}", recorded_seconds=i) for i in range(1, n + 1)
    ]


async def test_a_reader_scrolled_back_keeps_their_line_and_then_scrolls_to_the_first_event() -> None:
    events = incident(3000)
    app = TimelineApp()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(events[-300:])
        await pilot.pause()
        timeline.scroll_to(y=100, animate=False, immediate=True)
        await pilot.pause()
        on_top = timeline.events()[100]
        add_history(timeline, history_rows(events[:-300], timeline))
        await pilot.pause()
        assert timeline.events()[timeline.scroll_offset.y] is on_top  # the same line at the top
        assert [e.id for e in timeline.events()] == [e.id for e in sorted(events, key=sort_key)]
        timeline.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert timeline.scroll_offset.y == 0 and timeline.row_text(0).endswith("note 1")


async def test_the_marks_and_order_match_a_timeline_given_everything_at_once() -> None:
    events = incident(2000)
    app = TimelineApp()
    async with app.run_test(size=(100, 30)) as pilot:
        whole = app.query_one(Timeline)
        whole.add_events(events)
        await pilot.pause()
        expected = [whole.row_text(i) for i in range(whole.event_count)]
        whole.clear()
        whole.add_events(events[-151:])  # the newest first, from a back-dated one: it sorts
        await pilot.pause()  # before older events, and its mark needs the older ones to decide
        add_history(whole, history_rows(events[:-151], whole))
        await pilot.pause()
        assert [whole.row_text(i) for i in range(whole.event_count)] == expected
        assert whole.is_vertical_scroll_end  # a reader at the bottom stays there
        assert any("(added" in line for line in expected)  # the marks were there to get right


async def test_older_events_go_through_the_slash_filter_and_stay_for_when_it_is_cleared() -> None:
    events = incident(600)
    app = TimelineApp()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(events[-100:])
        timeline.set_filter('"note 5"')  # typed before the older history arrived
        await pilot.pause()
        add_history(timeline, history_rows(events[:-100], timeline))
        await pilot.pause()
        assert {e.id for e in timeline.events()} == {e.id for e in events if "note 5" in e.payload["text"]}
        assert 5 in {e.id for e in timeline.events()}, "an older event matching the filter is shown"
        timeline.set_filter("")
        await pilot.pause()
        assert [e.id for e in timeline.events()] == [e.id for e in sorted(events, key=sort_key)]
