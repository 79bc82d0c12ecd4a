"""The deploys pane against real git repositories: newest first, the ones just before detection
marked with their exact rollback, hostile subjects literal, a missing repo shown with its command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ui.test_panes_support import PanesApp, git_repo, pane_text, wait_for
from warroom.config.model import Config, DeploysConfig
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import fold
from warroom.ui.widgets.deploys import DeploysPane

HOSTILE = "[@click=app.quit]x[/] fix \x1b]52;c;aGk=\x07 [link=file:///etc/passwd]y[/link]"


def rows(app: PanesApp) -> list[str]:
    return app.query_one(DeploysPane).row_list.texts


def incident_detected_at(at: datetime):
    declared = Event(
        1, at, Kind.DECLARED, "alice", {"title": "checkout 500s", "severity": 1, "detected_at": format_ts(at)}, id=1
    )
    return fold([declared])


async def test_newest_first_with_suspects_before_detection_marked(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    detected = now - timedelta(minutes=10)
    repo = git_repo(
        tmp_path / "api",
        [
            ((now - timedelta(minutes=100)).isoformat(), "dave", "Old change"),
            ((now - timedelta(minutes=30)).isoformat(), "alice", "Bump pool size"),
            ((now - timedelta(minutes=15)).isoformat(), "mallory", HOSTILE),
            ((now - timedelta(minutes=2)).isoformat(), "bob", "Hotfix after detection"),
        ],
    )
    app = PanesApp(Config(deploys=(DeploysConfig("api", "git", repo=str(repo), since=7200, interval=0.2),)))
    async with app.run_test(size=(160, 30)) as pilot:
        app.incident = incident_detected_at(detected)
        pane = app.query_one(DeploysPane)
        await wait_for(pilot, lambda: pane.wanted_rows() == 8, "the deploys and the suspects' rollbacks")
        # 30 rows of room: the other deploys' rollbacks show too (detail rows).
        await wait_for(pilot, lambda: len(rows(app)) == pane.most_rows() == 10, "every row and detail")
        text = rows(app)
        hotfix, hotfix_rollback, hostile, rollback1, command1, bump, rollback2, command2, old, old_rollback = text
        assert hotfix_rollback.strip().startswith("↶ rollback: git revert --no-edit ")
        assert old_rollback.strip().startswith("↶ rollback: git revert --no-edit ")
        assert "Hotfix after detection" in hotfix and not hotfix.startswith("◆")
        assert hostile.startswith("◆") and "5m before detection" in hostile
        assert "[@click=app.quit]x[/] fix" in hostile and "[link=file:///etc/passwd]y[/link]" in hostile
        assert "\x1b" not in hostile and "\x07" not in hostile
        # A suspect is offered in the mitigation screen's words, with its exact command.
        assert rollback1.strip().startswith("↶ Roll back api ")
        assert rollback1.strip().endswith("(deployed 5 min before detection) · m runs it")
        assert command1.strip().startswith("$ git revert --no-edit ")
        assert bump.startswith("◆") and "alice" in bump and "Bump pool size" in bump and "20m before detection" in bump
        assert rollback2.strip().startswith("↶ Roll back api ")
        assert "(deployed 20 min before detection)" in rollback2 and command2.strip().startswith("$ git revert ")
        assert "Old change" in old and not old.startswith("◆"), "100 minutes before is outside the window"
        assert app.is_running


async def test_three_hours_in_the_suspects_are_still_listed(tmp_path: Path) -> None:
    """`since = 1h`, but the incident was detected three hours ago: the deploy ten minutes
    before detection stays on screen, marked, at once (not after the next 10-minute poll)."""
    now = datetime.now(UTC).replace(microsecond=0)
    detected = now - timedelta(hours=3)
    repo = git_repo(
        tmp_path / "api",
        [
            ((detected - timedelta(hours=2)).isoformat(), "dave", "Long before"),
            ((detected - timedelta(minutes=10)).isoformat(), "alice", "Bump pool size"),
            ((now - timedelta(minutes=5)).isoformat(), "bob", "Hotfix"),
        ],
    )
    app = PanesApp(Config(deploys=(DeploysConfig("api", "git", repo=str(repo), since=3600, interval=600),)))
    async with app.run_test(size=(160, 30)) as pilot:
        app.incident = incident_detected_at(detected)
        await wait_for(pilot, lambda: any("Bump pool size" in r for r in rows(app)), "the suspect")
        suspect = next(r for r in rows(app) if "Bump pool size" in r)
        assert suspect.startswith("◆") and "10m before detection" in suspect
        assert not any("Long before" in r for r in rows(app)), "older than the suspects' window"


async def test_a_missing_repository_shows_the_failing_command(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    app = PanesApp(Config(deploys=(DeploysConfig("api", "git", repo=str(gone), interval=0.1),)))
    async with app.run_test(size=(200, 20)) as pilot:
        await wait_for(pilot, lambda: rows(app) and rows(app)[0].startswith("✖ ERROR"), "the error")
        await wait_for(pilot, lambda: any("STALE" in r or "FAILING" in r for r in rows(app)), "stale")
        error = rows(app)[0]
        assert error.startswith("✖ ERROR api: ") and f"git -C {gone} log" in error and "ago" in error
        assert "FAILING · no result yet · retry in" in rows(app)[1]


async def test_no_deploys_configured_says_how(tmp_path: Path) -> None:
    app = PanesApp(Config())
    async with app.run_test(size=(120, 40)):
        text = pane_text(app, "pane-deploys")
        assert "Deploys · not configured" in text and "[[deploys]]" in text and 'kind = "git"' in text


async def test_rows_that_do_not_fit_wait_for_zoom(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    repo = git_repo(
        tmp_path / "api", [((now - timedelta(minutes=n)).isoformat(), "alice", f"Change {n}") for n in range(30, 0, -1)]
    )
    app = PanesApp(Config(deploys=(DeploysConfig("api", "git", repo=str(repo), since=7200, interval=5),)))
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(DeploysPane)
        await wait_for(pilot, lambda: pane.wanted_rows() == 30, "the deploys")
        await pilot.pause(0.1)
        shown = rows(app)
        assert 3 <= len(shown) < 30 and "Change 1" in shown[0], "newest first, as many as fit"
        assert not any("rollback" in r for r in shown), "no room to spare: deploys before details"
        app.screen.maximize(pane)
        await wait_for(pilot, lambda: len(rows(app)) == 60, "every deploy and its rollback when zoomed")
        assert "Change 30" in rows(app)[-2] and "↶ rollback: " in rows(app)[-1]
        app.screen.minimize()
        await wait_for(pilot, lambda: len(rows(app)) == len(shown), "back to what fits")
