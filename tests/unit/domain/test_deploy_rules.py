"""New deploys become one timeline event each; opening a war room does not flood the timeline."""

from datetime import UTC, datetime, timedelta, timezone

from warroom.domain.deploy_rules import Deploy, DeployTracker, deploys_before, newest_first
from warroom.domain.events import Kind

NOW = datetime(2026, 11, 26, 3, 30, tzinfo=UTC)


def git(sha: str, minutes_ago: float, subject: str = "Bump pool size", author: str = "alice") -> Deploy:
    return Deploy(
        source="api",
        ident=sha,
        short=sha[:7],
        at=NOW - timedelta(minutes=minutes_ago),
        subject=subject,
        author=author,
        ref="main",
        rollback_argv=("git", "-C", "/srv/repos/api", "revert", "--no-edit", sha),
        rollback_command=f"git revert --no-edit {sha}",
        rollback_cwd="/srv/repos/api",
    )


def rev(deployment: str, n: int, minutes_ago: float) -> Deploy:
    cmd = f"kubectl rollout undo deploy/{deployment} --to-revision={n - 1} -n payments"
    return Deploy(
        source="prod",
        ident=f"{deployment}:{n}",
        short=f"rev {n}",
        at=NOW - timedelta(minutes=minutes_ago),
        ref=deployment,
        image=f"registry/{deployment}:1.{n}.0",
        revision=n,
        rollback_argv=tuple(cmd.split()),
        rollback_command=cmd,
    )


SHA_A = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
SHA_B = "b2c3d4e5f60718293a4b5c6d7e8f901234567890"
SHA_C = "c3d4e5f60718293a4b5c6d7e8f90123456789012"


def test_first_look_records_only_deploys_from_the_last_30_minutes():
    tracker = DeployTracker()
    events = tracker.observe([git(SHA_A, 10), git(SHA_B, 45), git(SHA_C, 100)], NOW)
    assert [e.payload["ident"] for e in events] == [SHA_A]


def test_event_text_kind_time_and_natural_dedupe_key():
    [event] = DeployTracker().observe([git(SHA_A, 10)], NOW)
    assert event.kind == Kind.DEPLOY
    assert event.text == (f"deploy api a1b2c3d by alice: Bump pool size (rollback: git revert --no-edit {SHA_A})")
    assert event.at == NOW - timedelta(minutes=10)  # when it happened, not when we looked
    assert event.dedupe_key == f"deploy:api:{SHA_A}"
    assert event.payload["rollback_argv"] == ["git", "-C", "/srv/repos/api", "revert", "--no-edit", SHA_A]


def test_two_processes_produce_the_same_key_for_the_same_deploy():
    one, two = DeployTracker(), DeployTracker()
    later = NOW + timedelta(minutes=5)
    [a] = one.observe([git(SHA_A, 5)], NOW)
    [b] = two.observe([git(SHA_A, 5)], later)  # the same deploy, seen later by another process
    assert a.dedupe_key == b.dedupe_key == f"deploy:api:{SHA_A}"
    assert a.at == b.at  # dated when it happened, so both rows would agree


def test_after_the_baseline_every_new_deploy_is_recorded_once_whatever_its_age():
    tracker = DeployTracker()
    assert tracker.observe([git(SHA_B, 120)], NOW) == []
    later = NOW + timedelta(minutes=1)
    # a commit pushed late: authored long ago, but new to us
    events = tracker.observe([git(SHA_A, 90), git(SHA_B, 120)], later)
    assert [e.payload["ident"] for e in events] == [SHA_A]
    assert tracker.observe([git(SHA_A, 90), git(SHA_B, 120)], later) == []


def test_a_failed_or_empty_look_does_not_make_history_new_again():
    tracker = DeployTracker()
    tracker.observe([git(SHA_B, 120), git(SHA_C, 130)], NOW)
    assert tracker.observe([], NOW + timedelta(seconds=30)) == []
    assert tracker.observe([git(SHA_B, 120), git(SHA_C, 130)], NOW + timedelta(seconds=60)) == []


def test_first_look_that_failed_does_not_turn_the_next_into_a_flood():
    tracker = DeployTracker()
    assert tracker.observe([], NOW) == []  # git was missing
    events = tracker.observe([git(SHA_A, 5), git(SHA_B, 120), git(SHA_C, 130)], NOW + timedelta(minutes=1))
    assert [e.payload["ident"] for e in events] == [SHA_A]


def test_baseline_is_per_kubernetes_deployment():
    tracker = DeployTracker()
    assert tracker.observe([rev("api", 5, 200), rev("api", 6, 100)], NOW) == []
    # "worker" failed on the first look and appears now: its history is a baseline too
    later = NOW + timedelta(minutes=1)
    events = tracker.observe([rev("api", 6, 100), rev("api", 7, 0), rev("worker", 3, 300)], later)
    assert [e.text for e in events] == [
        "deploy prod deploy/api rev 7: image registry/api:1.7.0 "
        "(rollback: kubectl rollout undo deploy/api --to-revision=6 -n payments)"
    ]
    assert events[0].dedupe_key == "deploy:prod:api:7"


def test_events_come_out_oldest_first_and_never_in_the_future():
    tracker = DeployTracker()
    events = tracker.observe([git(SHA_A, 2), git(SHA_B, 20), git(SHA_C, -5)], NOW)
    assert [e.payload["ident"] for e in events] == [SHA_B, SHA_A, SHA_C]
    assert events[-1].at == NOW  # a clock-skewed commit from "the future" is dated now


def test_deploys_before_detection_marks_the_usual_suspects():
    deploys = [git(SHA_A, 5), git(SHA_B, 31), git(SHA_C, 32)]  # B: exactly 30 min before
    detected = NOW - timedelta(minutes=1)
    suspects = deploys_before(deploys, detected)
    assert [d.ident for d in suspects] == [SHA_A, SHA_B]
    assert [d.ident for d in deploys_before(deploys, detected, timedelta(minutes=10))] == [SHA_A]
    assert deploys_before(deploys, NOW - timedelta(minutes=40)) == []


def test_newest_first_sorts_by_time_across_zones():
    east = Deploy("api", "x", "x", datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=9))))  # 03:00Z
    west = Deploy("api", "y", "y", datetime(2026, 11, 25, 22, 30, tzinfo=timezone(timedelta(hours=-5))))  # 03:30Z
    assert [d.ident for d in newest_first([east, west])] == ["y", "x"]
