"""The mitigation options: suspect deploys ranked before detection, then the config's entries in
the playbook's order; names that `warroom mitigate NAME` finds. Frozen clock, pure domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.config.model import MitigationConfig
from warroom.domain import catalogue
from warroom.domain.deploy_rules import Deploy
from warroom.domain.events import Event, Kind
from warroom.domain.mitigation import (
    KIND_WORDS,
    MITIGATION_KINDS,
    NO_ROLLBACK,
    find_option,
    gap_text,
    mitigation_options,
    rollback_offer,
)

DETECTED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def deploy(short: str, minutes: float, *, source: str = "api", argv: tuple[str, ...] = ("git", "revert")) -> Deploy:
    return Deploy(
        source=source,
        ident=short + "f" * (40 - len(short)),
        short=short,
        at=DETECTED - timedelta(minutes=minutes),
        subject="change",
        rollback_argv=argv,
        rollback_command=" ".join(argv),
        rollback_cwd="/srv/api" if argv else None,
    )


CONFIGURED = (
    MitigationConfig(name="block bots", kind="block", argv=("waf", "add", "rule")),
    MitigationConfig(
        name="restart worker", kind="restart", argv=("kubectl", "rollout", "restart"), capture_argv=("ps",)
    ),
    MitigationConfig(name="checkout flag off", kind="flag", argv=("flagctl", "off"), timeout=20),
    MitigationConfig(name="fail over eu", kind="failover", argv=("dns", "switch")),
    MitigationConfig(name="undo config", kind="rollback", argv=("cfg", "undo")),
    MitigationConfig(name="search flag off", kind="flag", argv=("flagctl", "off", "search")),
)


def test_the_seed_table_in_its_order_and_words():
    assert MITIGATION_KINDS == ("rollback", "flag", "failover", "restart", "block")
    assert [KIND_WORDS[k] for k in MITIGATION_KINDS] == [
        ("Roll back the last deploy", "Roll back. Now. Root-cause from the rolled-back diff."),
        ("Flip a feature flag", "Flip it off"),
        ("Failover to a healthy region", "Failover"),
        ("Scale up / restart degraded service", "Do it (capture state first if possible)"),
        ("Block a bad request pattern at the edge", "WAF/rate-limit rule"),
    ]


def test_suspects_come_first_nearest_first_then_config_in_the_seed_order():
    deploys = [deploy("aaaaaaa", 25), deploy("bbbbbbb", 45), deploy("ccccccc", 3), deploy("ddddddd", -2)]
    options = mitigation_options(CONFIGURED, deploys, DETECTED)
    assert [o.name for o in options] == [
        "rollback api ccccccc",  # 3 min before detection
        "rollback api aaaaaaa",  # 25 min; 45 min is outside the window, -2 min is after detection
        "undo config",
        "checkout flag off",
        "search flag off",
        "fail over eu",
        "restart worker",
        "block bots",
    ]
    first = options[0]
    assert first.title == "Roll back api ccccccc (deployed 3 min before detection)"
    assert (first.origin, first.kind, first.argv, first.cwd) == ("suspect", "rollback", ("git", "revert"), "/srv/api")
    assert first.runnable and first.advice == "Roll back. Now. Root-cause from the rolled-back diff."
    restart = find_option(options, "restart worker")
    assert restart is not None and restart.capture_argv == ("ps",) and restart.origin == "config"
    assert restart.title == "restart worker" and restart.command_line == "kubectl rollout restart"


def test_suspect_rollbacks_appear_with_no_config_and_without_detection_nothing_is_suspect():
    options = mitigation_options((), [deploy("aaaaaaa", 12)], DETECTED)
    assert [o.title for o in options] == ["Roll back api aaaaaaa (deployed 12 min before detection)"]
    assert mitigation_options((), [deploy("aaaaaaa", 12)], None) == []


def test_a_suspect_without_a_rollback_is_listed_but_not_runnable():
    (option,) = mitigation_options((), [deploy("aaaaaaa", 5, argv=())], DETECTED)
    assert not option.runnable and option.not_runnable == NO_ROLLBACK


def test_a_kubernetes_revision_names_its_deployment():
    rev = Deploy(
        source="prod",
        ident="api:6",
        short="rev 6",
        at=DETECTED - timedelta(minutes=7, seconds=40),
        ref="api",
        revision=6,
        rollback_argv=("kubectl", "rollout", "undo", "deployment/api", "--to-revision=5"),
    )
    (option,) = mitigation_options((), [rev], DETECTED)
    assert option.name == "rollback api rev 6"
    assert option.title == "Roll back api rev 6 (deployed 8 min before detection)"
    assert option.command == "kubectl rollout undo deployment/api --to-revision=5"


def test_gaps_read_in_minutes_or_seconds():
    assert [gap_text(s) for s in (0, 40, 59.4, 60, 89, 90, 12 * 60 + 20, 125 * 60)] == [
        "0 s",
        "40 s",
        "59 s",
        "1 min",
        "1 min",
        "2 min",
        "12 min",
        "2 h 5 min",
    ]
    assert (
        rollback_offer(deploy("aaaaaaa", 40 / 60), DETECTED) == "Roll back api aaaaaaa (deployed 40 s before detection)"
    )
    assert rollback_offer(deploy("aaaaaaa", 0), DETECTED) == "Roll back api aaaaaaa (deployed at detection)"


def test_find_option_by_name_any_case_or_by_sha():
    deploys = [deploy("a1b2c3d", 5), deploy("a1b9999", 9)]
    options = mitigation_options(CONFIGURED, deploys, DETECTED)
    assert find_option(options, "Restart   WORKER").name == "restart worker"  # type: ignore[union-attr]
    assert find_option(options, "ROLLBACK api a1b2c3d").name == "rollback api a1b2c3d"  # type: ignore[union-attr]
    assert find_option(options, "a1b2c3d").name == "rollback api a1b2c3d"  # type: ignore[union-attr]
    assert find_option(options, "rollback a1b9").name == "rollback api a1b9999"  # type: ignore[union-attr]
    assert find_option(options, "a1b2c3d" + "f" * 33).name == "rollback api a1b2c3d"  # type: ignore[union-attr]
    assert find_option(options, "a1b") is None  # too short to be a prefix (and two match)
    assert find_option(options, "nothing") is None and find_option(options, "  ") is None


def test_an_ambiguous_sha_prefix_finds_nothing():
    options = mitigation_options((), [deploy("a1b2c3d", 5), deploy("a1b2fff", 9)], DETECTED)
    assert find_option(options, "a1b2") is None
    assert find_option(options, "a1b2c") is not None


def test_the_mitigation_event_reads_as_the_command_and_how_it_ended():
    def words(**fields) -> str:
        base = dict(kind="rollback", name="rollback api a1b2c3d", argv=["kubectl", "rollout", "undo", "deploy/api"])
        payload = catalogue.mitigation_run(**{**base, "exit_code": 0, "duration_s": 1.23, "output": "", **fields})
        return catalogue.long_text(Event(1, DETECTED, Kind.MITIGATION, "bob", payload))

    assert words() == 'mitigation rollback "rollback api a1b2c3d": $ kubectl rollout undo deploy/api → exit 0 in 1.2s'
    assert words(exit_code=3).endswith("→ exit 3 in 1.2s")
    assert words(exit_code=None, timed_out=True, duration_s=60.0).endswith("→ timed out in 60.0s")
    assert words(exit_code=None, interrupted=True, error="interrupted").endswith("→ interrupted in 1.2s")
    assert words(exit_code=None, error="command not found: kubectl").endswith(
        "→ could not start: command not found: kubectl"
    )
    assert words(capture_argv=["kubectl", "describe"], capture_output="x", capture_exit_code=0).endswith(
        "exit 0 in 1.2s · state captured first"
    )
