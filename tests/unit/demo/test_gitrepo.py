"""The demo's deploy repo: real git, realistic past times, a real revert, no git config needed."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.demo.gitrepo import DemoRepo
from warroom.demo.story import HISTORY, HOTFIX_FILES, HOTFIX_SUBJECT

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
pytestmark = pytest.mark.requires("git")


def bare_env(tmp_path: Path) -> dict[str, str]:
    """A machine where nobody ever configured git: empty HOME, no XDG config, no identity."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    keep = {"PATH", "LANG", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    return env


def git_log(repo: Path) -> list[list[str]]:
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "--all", "--format=%H%x1f%an%x1f%cI%x1f%s"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    return [line.split("\x1f") for line in out.stdout.splitlines()]


def test_history_lands_at_realistic_past_times_without_any_git_config(tmp_path) -> None:
    repo = DemoRepo(tmp_path / "repo", environ=bare_env(tmp_path))
    shas = repo.init(HISTORY, NOW)
    assert repo.error is None
    assert len(shas) == len(HISTORY)
    log = git_log(repo.path)
    times = [datetime.fromisoformat(t) for _, _, t, _ in log]
    assert len(times) == len(HISTORY)
    assert all(NOW - timedelta(hours=2) < t < NOW for t in times)  # within `since = "2h"`
    newest = log[0]
    assert NOW - times[0] == timedelta(minutes=8)  # one lands minutes before the failure
    assert newest[1] == "dave" and "payments SDK" in newest[3]
    assert {a for _, a, _, _ in log} <= {"alice", "bob", "carol", "dave", "erin"}


def test_live_deploy_and_real_revert(tmp_path) -> None:
    repo = DemoRepo(tmp_path / "repo", environ=bare_env(tmp_path))
    repo.init(HISTORY, NOW)
    before = (repo.path / "checkout/retry.yaml").read_text()
    bad = repo.commit(HOTFIX_SUBJECT, "dave", NOW + timedelta(minutes=1), HOTFIX_FILES)
    assert bad and (repo.path / "checkout/retry.yaml").read_text() != before
    revert = repo.revert(bad, "bob", NOW + timedelta(minutes=4))
    assert revert and revert != bad
    log = git_log(repo.path)
    assert log[0][0] == revert and log[0][1] == "bob" and log[0][3] == f'Revert "{HOTFIX_SUBJECT}"'
    assert log[1][0] == bad
    assert (repo.path / "checkout/retry.yaml").read_text() == before  # the rollback undid the change


def test_without_git_every_call_reports_the_error(tmp_path) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = bare_env(tmp_path) | {"PATH": str(empty_bin)}
    repo = DemoRepo(tmp_path / "repo", environ=env)
    assert not repo.available
    assert repo.init(HISTORY, NOW) == []
    assert "command not found: git" in (repo.error or "")
    assert repo.commit(HOTFIX_SUBJECT, "dave", NOW, HOTFIX_FILES) is None
    assert repo.revert("0" * 40, "bob", NOW) is None
