"""The runbook screen against a real database file: search, rendering, ticks seen by a second app,
`[runbooks] paths` runbooks and broken files, and a read-only screen that cannot tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Markdown, Static

from tests.ui.warroom_helpers import settle, stored, submit, timeline_texts, wait_for
from warroom.config.model import Config, RunbooksConfig, UIConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.runbooks import RunbookScreen, SearchInput
from warroom.ui.screens.warroom import WarRoomScreen
from warroom.ui.widgets.runbook_view import ChecklistRow, RunbookView

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=UTC)
FIRST_5XX_ITEM = "`warroom check https://example.com/health --expect 200` and try the failing path yourself."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
    return path


def app_for(db: Path, config: Config | None = None, actor: str = "carol") -> WarRoomApp:
    return WarRoomApp(db, config or Config(), clock=lambda: NOW, actor=actor)


async def open_runbooks(pilot, line: str = "/runbook") -> RunbookScreen:
    app = pilot.app
    await submit(pilot, line)
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, RunbookScreen) and app.screen.library is not None and app.screen.view.book,
        "the runbook screen to load",
    )
    await pilot.pause()
    return app.screen


def rows(screen: RunbookScreen) -> list[ChecklistRow]:
    return screen.view.rows


def static_text(screen: RunbookScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_r_in_key_mode_opens_the_runbooks_and_typing_searches_best_match_first(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "r")  # key mode, then r
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen), "the runbook screen")
        screen = app.screen
        await wait_for(pilot, lambda: screen.library is not None and screen.view.book is not None, "the runbooks")
        assert isinstance(app.focused, SearchInput), "it opens in typing mode: the search box has the focus"
        assert len(screen.matches) == len(screen.library.books) >= 11
        # Every word typed is a search word: `disk` (a title word) puts "Disk full" first.
        await pilot.press(*"disk")
        await wait_for(pilot, lambda: screen.matches and screen.matches[0].title == "Disk full", "Disk full first")
        await wait_for(pilot, lambda: screen.view.book is screen.matches[0], "the best match shown")
        # Front-matter words find runbooks too: a probe name, an alert name.
        screen.search_box.value = "too-many-connections"
        await wait_for(pilot, lambda: [b.title for b in screen.matches] == ["Database connections exhausted"], "alert")
        screen.search_box.value = "payments"
        await wait_for(pilot, lambda: screen.matches[0].title == "Third-party dependency outage", "probe/service")
        # Space and Enter in the search box are text: nothing is ticked.
        screen.search_box.value = ""
        await pilot.press(*"5xx rate", "enter")
        await pilot.pause()
        assert screen.search_box.value == "5xx rate"
        assert screen.matches[0].title == "High 5xx rate"
        assert [e.kind for e in stored(db)] == [Kind.DECLARED]
        # Tab does not leave the box either; only Esc does.
        await pilot.press("tab")
        assert isinstance(app.focused, SearchInput)
        await pilot.press("escape")
        assert not isinstance(app.focused, SearchInput)
        # In key mode a letter that is no key goes back into the search box, not lost.
        await pilot.press("q")
        assert isinstance(app.focused, SearchInput) and screen.search_box.value == "5xx rateq"
        await pilot.press("escape")
        await pilot.press("escape")  # key mode: back to the war room
        await wait_for(pilot, lambda: isinstance(app.screen, WarRoomScreen), "the war room again")


async def test_slash_runbook_query_renders_the_markdown_and_its_checklist(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_runbooks(pilot, "/runbook 5xx")
        assert screen.search_box.value == "5xx"
        assert screen.matches[0].title == "High 5xx rate"
        view = screen.query_one(RunbookView)
        assert view.book is not None and view.book.file == "high-5xx-rate.md"
        meta = str(view.query_one("#runbook-meta", Static).render())
        assert "alerts: high-5xx-rate" in meta and "probes: health, api" in meta and "shipped with warroom" in meta
        markdown = view.query(Markdown)
        assert markdown, "the body renders as markdown"
        assert "# High 5xx rate" in markdown.first()._markdown
        items = [row.item.text for row in rows(screen)]
        assert len(items) == 10 and items[0] == FIRST_5XX_ITEM
        assert all(not row.checked for row in rows(screen))
        assert str(rows(screen)[0].render()).startswith("☐ warroom check")  # backticks styled, not shown
        title = static_text(screen, "#runbook-title")
        assert "“5xx”" in title and "of 11" in title


async def test_tick_is_an_event_and_a_second_app_on_the_same_file_sees_it_within_a_second(db: Path):
    first, second = app_for(db, actor="carol"), app_for(db, actor="dave")
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        await settle(one)
        await settle(two)
        screen_one = await open_runbooks(one, "/runbook 5xx")
        screen_two = await open_runbooks(two, "/runbook high 5xx")
        await one.press("escape", "tab")  # key mode: the list, then the first checklist item
        assert first.focused is rows(screen_one)[0]
        await one.press("space")
        await wait_for(one, lambda: rows(screen_one)[0].checked, "the tick on the first screen")
        (event,) = [e for e in stored(db) if e.kind == Kind.RUNBOOK_CHECKED]
        assert event.actor == "carol"
        assert dict(event.payload) == {
            "runbook": "High 5xx rate",
            "file": "high-5xx-rate.md",
            "item": FIRST_5XX_ITEM,
            "checked": True,
        }
        assert "saved #" in static_text(screen_one, "#runbook-status")
        # The other process's screen reads it from the record within a second.
        started = datetime.now(UTC)
        await wait_for(two, lambda: rows(screen_two)[0].checked, "the tick on the second app", tries=60)
        assert (datetime.now(UTC) - started).total_seconds() < 1.2
        assert str(rows(screen_two)[0].render()).startswith("☑")
        assert "1/10 ☑" in str(screen_two.option_list.get_option_at_index(0).prompt)
        # Unticking from the second app (Enter this time) shows on the first.
        screen_two.set_focus(rows(screen_two)[0])
        await two.press("enter")
        await wait_for(one, lambda: not rows(screen_one)[0].checked, "the untick on the first app", tries=60)
        assert [e.payload["checked"] for e in stored(db) if e.kind == Kind.RUNBOOK_CHECKED] == [True, False]
        # The war room's timeline words.
        await one.press("escape")
        await wait_for(one, lambda: isinstance(first.screen, WarRoomScreen), "back in the war room")
        await wait_for(
            one,
            lambda: any('"High 5xx rate": ☐ `warroom check' in t for t in timeline_texts(one)),
            "the untick in the timeline",
        )
        assert any('"High 5xx rate": ☑ `warroom check' in t for t in timeline_texts(one))


async def test_a_click_ticks_an_item(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_runbooks(pilot, "/runbook disk full")
        target = rows(screen)[0]
        await pilot.click(target)
        await wait_for(pilot, lambda: target.checked, "the clicked item ticked")
        (event,) = [e for e in stored(db) if e.kind == Kind.RUNBOOK_CHECKED]
        assert event.payload["file"] == "disk-full.md" and event.payload["item"] == target.item.text


async def test_a_read_only_screen_cannot_tick_and_says_why(db: Path):
    app = app_for(db, Config(ui=UIConfig(readonly=True)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "r")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, RunbookScreen) and app.screen.view.book is not None,
            "the runbook screen",
        )
        screen = app.screen
        assert "ticks are off" in static_text(screen, "#runbook-status")
        await pilot.press("escape", "tab", "space")
        await pilot.pause(0.3)
        status = static_text(screen, "#runbook-status")
        assert "read-only screen (ui.readonly = true)" in status
        assert not rows(screen)[0].checked
        assert [e.kind for e in stored(db)] == [Kind.DECLARED]


async def test_runbooks_paths_add_a_team_runbook_replace_a_shipped_one_and_report_a_broken_file(
    db: Path, tmp_path: Path
):
    team = tmp_path / "team-runbooks"
    team.mkdir()
    (team / "queue-backlog.md").write_text(
        "---\ntitle: Queue backlog\nalerts: [queue-backlog-high]\nservices: [worker]\n---\n"
        "# Queue backlog\n\n- [ ] Scale the workers\n",
        encoding="utf-8",
    )
    (team / "disk-full.md").write_text(
        "---\ntitle: Disk full (ours)\nalerts: [disk-full]\n---\n# Ours\n\n- [ ] Page storage\n", encoding="utf-8"
    )
    (team / "broken.md").write_text("---\ntitle: Broken\nalerts: [a\n---\nbody\n", encoding="utf-8")
    config = Config(runbooks=RunbooksConfig(paths=(str(team), str(tmp_path / "absent"))))
    app = app_for(db, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_runbooks(pilot, "/runbook queue")
        assert screen.matches[0].title == "Queue backlog"
        assert screen.view.book is not None and screen.view.book.origin == str(team)
        assert f"from {team}" in str(screen.option_list.get_option_at_index(0).prompt)
        assert [r.item.text for r in rows(screen)] == ["Scale the workers"]
        problems = static_text(screen, "#runbook-problems")
        assert "2 runbook problems" in problems
        assert f"{team / 'broken.md'}: line 3: unclosed list for `alerts`" in problems
        assert f"{tmp_path / 'absent'}" in problems and "does not exist" in problems
        screen.search_box.value = "disk"
        await wait_for(pilot, lambda: screen.matches and screen.matches[0].title == "Disk full (ours)", "ours")
        assert "Disk full" not in [b.title for b in screen.matches]  # the shipped one is replaced
        await wait_for(pilot, lambda: screen.view.book is screen.matches[0], "ours shown")
        meta = str(screen.view.query_one("#runbook-meta", Static).render())
        assert "replaces" in meta and "disk-full.md" in meta


async def test_the_palette_offers_the_runbooks(db: Path):
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Runbooks" in commands
        commands["Runbooks"].callback()
        await wait_for(pilot, lambda: isinstance(app.screen, RunbookScreen), "the runbook screen")
        # Esc at once, while the files may still be being read: back to the room, no error.
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, WarRoomScreen), "the war room again")
        await pilot.pause(0.3)
        assert app.return_code is None


async def test_a_read_only_database_cannot_tick_and_says_why(tmp_path: Path):
    from tests.support.mounts import read_only_bind

    source = tmp_path / "rw"
    source.mkdir()
    with EventStore.open(source / "warroom.db") as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
    with read_only_bind(source, tmp_path / "ro") as ro:
        app = app_for(ro / "warroom.db")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.store_ready.is_set(), "the store to open")
            await pilot.press("r")  # the read-only room is in key mode already
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, RunbookScreen) and app.screen.view.book is not None,
                "the runbook screen",
            )
            screen = app.screen
            await pilot.press("escape", "tab", "space")
            await pilot.pause(0.3)
            status = static_text(screen, "#runbook-status")
            assert "READ-ONLY" in status and "cannot be written (read-only file system)" in status
            assert not rows(screen)[0].checked
    with EventStore.open(source / "warroom.db") as store:
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED]
