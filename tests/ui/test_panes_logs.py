"""Log error panes against real files and a real (missing) command: rate, total, top messages,
hostile lines kept literal, errors and the empty state."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_panes_support import PanesApp, pane_text, wait_for
from warroom.config.model import Config, LogConfig
from warroom.ui.widgets.logs import LogPane

HOSTILE_LINES = [
    "ERROR [@click=app.quit]boom[/] user 42",
    "ERROR [link=file:///etc/passwd]click[/link] user 43",
    "ERROR \x1b]52;c;cHduZWQ=\x07copied \x1b]2;pwned title\x07 \x1b[2J\x1b[H cursor games",
    "fatal: [/] unbalanced",
]


def rows(app: PanesApp) -> list[str]:
    return app.query_one(LogPane).row_list.texts


async def test_counts_and_top_messages_from_a_followed_file(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    app = PanesApp(Config(logs=(LogConfig("api", path=str(log), interval=0.05),)))
    async with app.run_test(size=(140, 30)) as pilot:
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: pane.updates, "the first count")
        with log.open("a") as fh:
            for n in range(30):
                fh.write(f"2025-03-04T14:00:{n:02d}Z ERROR db timeout after {5000 + n}ms on conn {n}\n")
            fh.write("INFO all good\n")
            for line in HOSTILE_LINES:
                fh.write(line + "\n")
        await wait_for(
            pilot,
            lambda: "34 total" in rows(app)[0] and len(rows(app)) >= pane.wanted_rows(),
            "34 matching lines counted, every row on screen",
        )
        text = rows(app)
        assert pane.border_title == "Log errors · api"
        assert "34 this min" in text[0] and "15m" in text[0]
        assert text[1].startswith("following ")
        # The biggest group first, shown by its newest example, counted like `uniq -c`.
        assert text[2].split()[0] == "30" and "ERROR db timeout after 5029ms on conn 29" in text[2]
        shown = "\n".join(text)
        assert "ERROR [@click=app.quit]boom[/] user 42" in shown
        assert "[link=file:///etc/passwd]click[/link]" in shown
        assert "copied" in shown and "cursor games" in shown and "fatal: [/] unbalanced" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "pwned title" not in shown
        assert app.is_running


async def test_a_file_that_does_not_exist_yet_is_waited_for(tmp_path: Path) -> None:
    missing = tmp_path / "later.log"
    app = PanesApp(Config(logs=(LogConfig("later", path=str(missing), interval=0.05),)))
    async with app.run_test(size=(120, 20)) as pilot:
        await wait_for(pilot, lambda: len(rows(app)) > 1, "a status line")
        assert "waiting" in rows(app)[1] and str(missing) in rows(app)[1]
        assert "no lines matching error|panic|fatal yet" in rows(app)[2]


async def test_a_failing_log_command_shows_its_error(tmp_path: Path) -> None:
    config = Config(logs=(LogConfig("pods", argv=("warroom-no-such-kubectl", "logs", "-f"), interval=0.05),))
    app = PanesApp(config)
    async with app.run_test(size=(140, 20)) as pilot:
        await wait_for(pilot, lambda: any(r.startswith("✖ ") for r in rows(app)), "the error")
        error = next(r for r in rows(app) if r.startswith("✖ "))
        assert "warroom-no-such-kubectl" in error


async def test_no_logs_configured_says_how_to_follow_one() -> None:
    app = PanesApp(Config())
    async with app.run_test(size=(120, 40)):
        text = pane_text(app, "pane-logs")
        assert "Log errors · not configured" in text
        assert "[[log]]" in text and 'path = "/var/log/api/*.log"' in text and "journalctl" in text


def write_recent_log(path: Path, size: int, minutes: float) -> None:
    """`size` bytes of 100-byte timestamped lines over the last `minutes`, every 10th an ERROR."""
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    n = size // 100
    with path.open("w") as fh:
        for k in range(n):
            t = now - timedelta(minutes=minutes) + timedelta(seconds=minutes * 60 * k / n)
            level = "ERROR" if k % 10 == 0 else "INFO "
            fh.write(f"{t:%Y-%m-%dT%H:%M:%S.%f}Z {level} order {k:08d} failed".ljust(99) + "\n")


async def test_a_backfill_cut_by_its_cap_says_how_much_of_the_window_it_counted(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    write_recent_log(log, int(2.5 * 1024 * 1024), minutes=10)
    config = Config(logs=(LogConfig("api", path=str(log), interval=0.05, backfill=1800, backfill_max_mb=1),))
    app = PanesApp(config)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: any("backfill cut" in r for r in rows(app)), "the coverage line")
        line = next(r for r in rows(app) if "backfill cut" in r)
        assert "backfill cut at 1 MiB: the last 1 MiB of 2.5 MiB of big.log counted, from " in line
        assert " UTC (" in line and " of 30m)" in line
        assert app.is_running


async def test_a_backfill_within_its_cap_adds_no_warning_to_the_pane(tmp_path: Path) -> None:
    log = tmp_path / "small.log"
    write_recent_log(log, 100_000, minutes=10)
    config = Config(logs=(LogConfig("api", path=str(log), interval=0.05, backfill=1800, backfill_max_mb=1),))
    app = PanesApp(config)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: "100 total" in rows(app)[0], "the backfill's 100 lines")
        assert not any(r.startswith("backfill") for r in rows(app)), rows(app)
