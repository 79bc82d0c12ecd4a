"""Deploys from a real git repository with commits at chosen times, zones and branches."""

import os
import subprocess
from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.config.model import DeploysConfig
from warroom.domain.deploy_rules import DeployTracker
from warroom.runner import run_argv
from warroom.sources.deploys import DeploysSource

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path):
    """No global or system git config; identities come from the environment."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_COMMITTER_NAME", "ci")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.com")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "ci")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ci@example.com")


def git(repo, *args, env=None):
    full = dict(os.environ, **(env or {}))
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=full).stdout


def commit(repo, subject, author, authored, committed=None, filename=None):
    """A commit with a file change, authored and committed at the given aware times."""
    # one file per commit, so any single commit reverts cleanly
    name = filename or "".join(c for c in subject if c.isalnum())[:20] + ".txt"
    with (repo / name).open("a") as f:
        f.write(subject + "\n")
    git(repo, "add", "-A")
    env = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": f"{author}@example.com",
        "GIT_AUTHOR_DATE": authored.isoformat(),
        "GIT_COMMITTER_DATE": (committed or authored).isoformat(),
    }
    git(repo, "commit", "-q", "-m", subject, env=env)
    return git(repo, "rev-parse", "HEAD").strip()


def zone(hours):
    return timezone(timedelta(hours=hours))


@pytest.fixture
def repo(tmp_path):
    """main: old (3h ago), tokyo (-90m, +09:00), then feat branched: berlin... and a merge."""
    r = tmp_path / "api"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    shas = {}
    shas["old"] = commit(r, "Initial import", "alice", NOW - timedelta(hours=3))
    shas["tokyo"] = commit(r, "Bump pool size", "bob", (NOW - timedelta(minutes=90)).astimezone(zone(9)))
    git(r, "checkout", "-q", "-b", "feat")
    # committed before the main commit below, but later in time
    shas["ny"] = commit(
        r, "Retry on 503", "carol", (NOW - timedelta(minutes=10)).astimezone(zone(-5)), filename="f.txt"
    )
    git(r, "checkout", "-q", "main")
    shas["utc"] = commit(r, "Tune GC", "dave", NOW - timedelta(minutes=60))
    # rebased: authored 5 hours ago, landed 20 minutes ago
    shas["rebased"] = commit(r, "Old idea, landed now", "erin", NOW - timedelta(hours=5), NOW - timedelta(minutes=20))
    env = {
        "GIT_AUTHOR_NAME": "frank",
        "GIT_AUTHOR_EMAIL": "f@example.com",
        "GIT_AUTHOR_DATE": (NOW - timedelta(minutes=5)).isoformat(),
        "GIT_COMMITTER_DATE": (NOW - timedelta(minutes=5)).isoformat(),
    }
    git(r, "merge", "-q", "--no-ff", "-m", "Merge feat", "feat", env=env)
    shas["merge"] = git(r, "rev-parse", "HEAD").strip()
    return r, shas


def source(repo_path, since=7200.0):
    return DeploysSource(DeploysConfig(name="api", kind="git", repo=str(repo_path), since=since))


async def test_commits_on_all_refs_sorted_by_time_within_the_window(repo):
    path, shas = repo
    snap = await source(path).collect(NOW)
    assert snap.error is None
    order = ["merge", "ny", "rebased", "utc", "tokyo"]  # "old" is outside the 2h window
    assert [d.ident for d in snap.deploys] == [shas[k] for k in order]
    by = {d.ident: d for d in snap.deploys}
    tokyo = by[shas["tokyo"]]
    assert tokyo.at == NOW - timedelta(minutes=90) and tokyo.at.tzinfo == UTC
    assert by[shas["ny"]].at == NOW - timedelta(minutes=10)
    assert (tokyo.short, tokyo.author, tokyo.subject) == (shas["tokyo"][:7], "bob", "Bump pool size")
    # dated when it landed (committer time), not when it was first written
    assert by[shas["rebased"]].at == NOW - timedelta(minutes=20)
    assert by[shas["utc"]].ref == "main"  # a ref the commit is on (git log --source)
    assert by[shas["ny"]].ref in {"main", "feat"}


async def test_window_is_respected(repo):
    path, shas = repo
    snap = await source(path, since=30 * 60).collect(NOW)
    assert [d.ident for d in snap.deploys] == [shas["merge"], shas["ny"], shas["rebased"]]
    assert "last 30m" in snap.as_text()


async def test_a_long_incident_keeps_its_suspects_past_the_window(repo):
    """Detected 60 minutes before NOW, the incident's suspects are the deploys 30 minutes before
    that. Three hours in, `since = 2h` alone would have dropped them; reaching back keeps them."""
    path, shas = repo
    src = source(path, since=30 * 60)
    detected = NOW - timedelta(minutes=60)
    assert src.reach_back(detected - timedelta(minutes=30)) is True, "wider: poll again now"
    assert src.reach_back(detected - timedelta(minutes=30)) is False, "unchanged: nothing to redo"
    snap = await src.collect(NOW)
    # "utc" (-60m) and "tokyo" (-90m) are the suspects; "old" (-3h) is still outside.
    assert [d.ident for d in snap.deploys][-2:] == [shas["utc"], shas["tokyo"]]
    assert "last 90m" in snap.as_text()
    three_hours_on = NOW + timedelta(hours=3)
    later = await src.collect(three_hours_on)
    assert shas["tokyo"] in [d.ident for d in later.deploys], "still listed three hours on"
    assert src.reach_back(None) is False and src.window(NOW) == 30 * 60, "no incident: just since"


async def test_rollback_command_is_exact_and_works(repo):
    path, shas = repo
    snap = await source(path).collect(NOW)
    by = {d.ident: d for d in snap.deploys}
    utc_commit = by[shas["utc"]]
    assert utc_commit.rollback_command == f"git revert --no-edit {shas['utc']}"
    assert utc_commit.rollback_argv == ("git", "-C", str(path), "revert", "--no-edit", shas["utc"])
    merge = by[shas["merge"]]
    assert merge.rollback_command == f"git revert --no-edit -m 1 {shas['merge']}"  # a merge needs a mainline
    # the offered commands really roll back, in the repo, without an editor
    for d in (merge, utc_commit):
        result = await run_argv(d.rollback_argv, timeout=20, env=dict(os.environ, GIT_EDITOR="false"))
        assert result.ok, result.describe_failure()
    assert git(path, "log", "-2", "--format=%s").splitlines() == ['Revert "Tune GC"', 'Revert "Merge feat"']
    assert not (path / "f.txt").exists()  # the merge's change is gone


async def test_a_new_commit_appears_and_is_recorded_once(repo):
    path, shas = repo
    src = source(path)
    tracker = DeployTracker()
    first = tracker.observe((await src.collect(NOW)).deploys, NOW)
    # baseline: only what landed in the last 30 minutes
    assert [e.payload["ident"] for e in first] == [shas["rebased"], shas["ny"], shas["merge"]]
    later = NOW + timedelta(minutes=1)
    new = commit(path, "Raise timeout", "alice", later)
    events = tracker.observe((await src.collect(later)).deploys, later)
    assert [e.text for e in events] == [
        f"deploy api {new[:7]} by alice: Raise timeout (rollback: git revert --no-edit {new})"
    ]
    assert events[0].dedupe_key == f"deploy:api:{new}"
    assert tracker.observe((await src.collect(later)).deploys, later) == []


async def test_hostile_subject_is_cleaned_and_markup_stays_literal(tmp_path):
    r = tmp_path / "r"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    sha = commit(r, "Fix \x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]x[/bold] [@click=app.quit]q[/]", "mallory", NOW)
    snap = await source(r).collect(NOW)
    [d] = snap.deploys
    assert d.ident == sha
    assert d.subject == "Fix red [bold]x[/bold] [@click=app.quit]q[/]"
    assert "\x1b" not in snap.as_text()


async def test_not_a_git_repository_shows_the_failing_command(tmp_path):
    snap = await source(tmp_path).collect(NOW)
    assert snap.deploys == ()
    assert snap.error.startswith(f"git -C {tmp_path} log --all")
    assert "not a git repository" in snap.error
    assert "\n" not in snap.error
    assert snap.error in snap.as_text()


async def test_missing_repo_shows_the_failing_command(tmp_path):
    snap = await source(tmp_path / "gone").collect(NOW)
    assert snap.error.startswith(f"git -C {tmp_path / 'gone'} log")
    assert "cannot change to" in snap.error


async def test_missing_git_binary_shows_the_failing_command(repo, monkeypatch, tmp_path):
    path, _ = repo
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    snap = await source(path).collect(NOW)
    assert snap.error.startswith(f"git -C {path} log --all")
    assert snap.error.endswith(": command not found: git")
    assert snap.deploys == ()


async def test_empty_repository_is_not_an_error(tmp_path):
    r = tmp_path / "empty"
    r.mkdir()
    git(r, "init", "-q")
    snap = await source(r).collect(NOW)
    assert (snap.error, snap.deploys) == (None, ())
    assert "no deploys" in snap.as_text()


async def test_source_identity_and_text(repo):
    path, shas = repo
    src = source(path)
    assert (src.key, src.kind, src.interval) == ("deploys:api", "deploys", 30.0)
    text = (await src.collect(NOW)).as_text()
    assert text.splitlines()[0] == "deploys api (git, last 2h) at 2026-11-26 12:00:00 UTC"
    assert f"{shas['utc'][:7]}  2026-11-26 11:00:00 UTC  main  dave  Tune GC" in text
    assert f"    rollback: git revert --no-edit {shas['utc']}" in text
