"""Command panes with real subprocesses: output, exit code, duration, age; failures and hostile output."""

from __future__ import annotations

import sys
from datetime import UTC

from tests.ui.test_panes_support import PanesApp, pane_text, wait_for
from warroom.config.model import CommandConfig, Config
from warroom.ui.widgets.commands import CommandPane

HOSTILE = (
    "print('pid|state|query');"
    "print('4711|active|[@click=app.quit]UPDATE orders[/]');"
    "print('\\x1b]52;c;cHduZWQ=\\x07\\x1b[31mred\\x1b[0m [link=file:///etc/passwd]x[/link]')"
)


def output(app: PanesApp, pane_id: str) -> str:
    return str(app.query_one(f"#{pane_id} .command-output").render())


async def test_output_exit_code_and_age_with_hostile_text_literal() -> None:
    config = Config(
        commands=(
            CommandConfig("long queries", (sys.executable, "-c", HOSTILE), interval=0.2),
            CommandConfig("grep nothing", ("sh", "-c", "exit 1"), interval=0.2),
        )
    )
    app = PanesApp(config)
    async with app.run_test(size=(160, 40)) as pilot:
        ok = app.query_one("#pane-command-0", CommandPane)
        await wait_for(
            pilot,
            lambda: ok.updates and "4711" in output(app, "pane-command-0") and len(ok.row_list.texts) == 2,
            "the output, and the $ line once the height is shared out",
        )
        assert ok.border_title == "long queries"
        head, command = ok.row_list.texts
        assert head.startswith("✔ exit 0 in ") and "ago" in head and "every 0.2s" in head
        assert command.startswith("$ ") and "-c" in command
        shown = output(app, "pane-command-0")
        assert shown.splitlines()[0] == "pid|state|query"
        assert "4711|active|[@click=app.quit]UPDATE orders[/]" in shown
        assert "red [link=file:///etc/passwd]x[/link]" in shown and "\x1b" not in shown and "\x07" not in shown
        one = app.query_one("#pane-command-1", CommandPane)
        await wait_for(pilot, lambda: one.updates, "the second command")
        await pilot.pause()
        assert one.row_list.texts[0].startswith("▲ exit 1 in "), "a non-zero exit is output, not an error"
        assert output(app, "pane-command-1") == "(no output)"
        assert app.is_running


async def test_a_command_that_cannot_run_shows_its_error_and_goes_stale() -> None:
    config = Config(commands=(CommandConfig("psql", ("warroom-no-such-psql", "-c", "select 1"), interval=0.05),))
    app = PanesApp(config)
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one("#pane-command-0", CommandPane)
        await wait_for(pilot, lambda: pane.updates and pane.updates["command:psql"].failures >= 2, "two failures")
        await pilot.pause()
        head = pane.row_list.texts[0]
        assert head.startswith("✖ ") and "warroom-no-such-psql" in head and "ago" in head
        assert "FAILING · no result yet · retry in" in head


async def test_a_command_killed_at_its_timeout_says_so() -> None:
    config = Config(commands=(CommandConfig("hang", ("sleep", "30"), interval=5, timeout=0.3),))
    app = PanesApp(config)
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one("#pane-command-0", CommandPane)
        await wait_for(pilot, lambda: pane.updates, "the timeout")
        await pilot.pause()
        assert "timed out" in pane.row_list.texts[0]


async def test_no_commands_configured_shows_an_example() -> None:
    app = PanesApp(Config())
    async with app.run_test(size=(120, 40)):
        text = pane_text(app, "pane-commands")
        assert "Commands · not configured" in text and "[[command]]" in text and "pg_stat_activity" in text


async def test_a_pane_title_from_config_is_literal_not_markup() -> None:
    from textual.content import Content

    name = "[@click=app.quit]q[/] [eu]"
    app = PanesApp(Config(commands=(CommandConfig(name, ("true",), interval=5),)))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one("#pane-command-0", CommandPane)
        await wait_for(pilot, lambda: pane.updates, "the run")
        assert Content.from_markup(pane.border_title).plain == name
        assert app.is_running


async def test_a_run_that_hangs_past_its_time_is_shown_late(tmp_path) -> None:
    from datetime import datetime, timedelta

    marker = tmp_path / "ran"
    script = f"if [ -e {marker} ]; then sleep 30; fi; touch {marker}; echo ok"
    now = [datetime(2025, 3, 4, 14, 0, tzinfo=UTC)]
    app = PanesApp(
        Config(commands=(CommandConfig("stuck", ("sh", "-c", script), interval=0.05, timeout=60),)),
        clock=lambda: now[0],
    )
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one("#pane-command-0", CommandPane)
        await wait_for(pilot, lambda: pane.updates, "the first run")
        await wait_for(pilot, lambda: marker.exists(), "the second run to start (and hang)")
        now[0] += timedelta(seconds=25)
        pane.tick(now[0])
        head = pane.row_list.texts[0]
        assert head.startswith("✔ exit 0") and "25s ago" in head and "LATE · no new result for 25s" in head
