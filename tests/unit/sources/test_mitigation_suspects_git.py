"""Suspect ranking against a real git repository: the commits that landed in the 30 minutes before
detection are offered as rollbacks, nearest first, with the exact `git revert` that undoes each,
and running that rollback really reverts the commit."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.mitigation import find_option, mitigation_options
from warroom.runner import run_argv_sync
from warroom.sources.deploys_git import collect_git

NOW = datetime.now(UTC).replace(microsecond=0)
DETECTED = NOW - timedelta(minutes=2)


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "ci")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "ci@example.com")


def git(repo, *args, env=None):
    full = dict(os.environ, **(env or {}))
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=full).stdout


def commit(repo, name, subject, at):
    (repo / name).write_text(subject + "\n")
    git(repo, "add", "-A")
    stamp = at.isoformat()
    git(repo, "commit", "-q", "-m", subject, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    return git(repo, "rev-parse", "HEAD").strip()


async def test_commits_before_detection_are_suspects_nearest_first(tmp_path):
    repo = tmp_path / "api"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "base.txt", "Initial import", DETECTED - timedelta(hours=2))
    pool = commit(repo, "pool.txt", "Bump pool size", DETECTED - timedelta(minutes=25))
    retry = commit(repo, "retry.txt", "Retry on 503", DETECTED - timedelta(minutes=12))
    commit(repo, "late.txt", "After detection", DETECTED + timedelta(seconds=30))

    deploys, error, _ = await collect_git("api", str(repo), 3 * 3600, NOW, timeout=10)
    assert error is None and len(deploys) == 4
    options = mitigation_options((), deploys, DETECTED)
    assert [o.title for o in options] == [
        f"Roll back api {retry[:7]} (deployed 12 min before detection)",
        f"Roll back api {pool[:7]} (deployed 25 min before detection)",
    ]
    nearest = options[0]
    assert nearest.name == f"rollback api {retry[:7]}"
    assert nearest.argv == ("git", "-C", str(repo), "revert", "--no-edit", retry)
    assert nearest.command == f"git revert --no-edit {retry}" and nearest.cwd == str(repo)
    assert find_option(options, retry[:7]) is nearest

    # The offered command is exact: run, it reverts that commit and nothing else.
    result = run_argv_sync(nearest.argv, timeout=20)
    assert result.ok, result.describe_failure()
    assert not (repo / "retry.txt").exists() and (repo / "pool.txt").exists() and (repo / "late.txt").exists()
    assert git(repo, "log", "-1", "--format=%s").strip() == 'Revert "Retry on 503"'
