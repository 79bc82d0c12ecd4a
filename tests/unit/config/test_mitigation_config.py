"""[[mitigation]] and its older name [[action]]: one list of options, every mistake named by file, line and key."""

from __future__ import annotations

from tests.unit.config.config_helpers import messages
from warroom.config import MitigationConfig
from warroom.config.loader import parse_config
from warroom.config.render import render_toml, summary

#: The [[mitigation]] sections of the shared example additions, as a team would write them.
MITIGATIONS = """
[[mitigation]]                                      # the seed's mitigation options, run with confirmation
name = "restart worker"
kind = "restart"                                    # rollback | flag | failover | restart | block
argv = ["kubectl", "-n", "payments", "rollout", "restart", "deploy/worker"]
capture_argv = ["kubectl", "-n", "payments", "describe", "deploy/worker"]
timeout = 60

[[mitigation]]
name = "checkout flag off"
kind = "flag"
argv = ["flagctl", "set", "checkout.new_sdk", "off"]
timeout = 20
"""

#: Today's name, as the shared example config still writes it.
ACTION = """
[[action]]
name = "restart api"
kind = "restart"                                    # rollback | flag | failover | restart | block
argv = ["kubectl", "-n", "payments", "rollout", "restart", "deploy/api"]
capture_argv = ["kubectl", "-n", "payments", "describe", "deploy/api"]
timeout = 60
"""


def test_mitigation_sections_load_with_capture_and_timeout():
    config, problems = parse_config(MITIGATIONS, "warroom.toml", {})
    assert problems == []
    restart, flag = config.mitigations
    assert restart == MitigationConfig(
        name="restart worker",
        kind="restart",
        argv=("kubectl", "-n", "payments", "rollout", "restart", "deploy/worker"),
        capture_argv=("kubectl", "-n", "payments", "describe", "deploy/worker"),
        timeout=60.0,
    )
    assert (flag.name, flag.kind, flag.capture_argv, flag.timeout) == ("checkout flag off", "flag", (), 20.0)
    assert "2 mitigations" in summary(config)


def test_action_is_accepted_as_the_older_name_and_both_combine():
    config, problems = parse_config(ACTION + MITIGATIONS, "warroom.toml", {})
    assert problems == []
    assert [m.name for m in config.mitigations] == ["restart worker", "checkout flag off", "restart api"]
    assert config.mitigations[2].capture_argv[-1] == "deploy/api"
    # Shown back as [[mitigation]], and what is shown loads to the same list.
    shown = render_toml(config)
    assert "[[action]]" not in shown and shown.count("[[mitigation]]") == 3
    again, problems = parse_config(shown, "shown.toml", {})
    assert problems == [] and again.mitigations == config.mitigations


def test_a_bad_mitigation_key_names_file_line_and_key():
    text = MITIGATIONS + '\n[[mitigation]]\nname = "fail over"\nkind = "failover"\nargv = ["x"]\ncapture = ["y"]\n'
    assert messages(text) == [
        "warroom.toml:19: [[mitigation]] #3 \"fail over\": key 'capture' is unknown "
        "(known keys: name, kind, argv, capture_argv, timeout)"
    ]
    assert messages('[[mitigation]]\nname = "m"\nkind = "reboot"\nargv = ["x"]\n') == [
        "warroom.toml:3: [[mitigation]] #1 \"m\" kind: 'reboot' is not one of rollback, flag, failover, restart, block"
    ]
    assert messages('[[mitigation]]\nname = "m"\nkind = "flag"\nargv = "flagctl off"\n') == [
        'warroom.toml:4: [[mitigation]] #1 "m" argv: expected an array of strings (the command and its '
        "arguments, never a shell line), got a string"
    ]
    assert messages('[[action]]\nname = "a"\nkind = "flag"\nargv = ["x"]\ntimeout = "forever"\n') == [
        'warroom.toml:5: [[action]] #1 "a" timeout: expected a duration (seconds, or a string like 90s, 15m, 2h), '
        "got 'forever'"
    ]


def test_names_are_unique_across_mitigation_and_action():
    text = MITIGATIONS + '\n[[action]]\nname = "restart worker"\nkind = "restart"\nargv = ["x"]\n'
    assert messages(text) == [
        'warroom.toml:16: [[action]] #1 "restart worker" name: "restart worker" is already used by '
        "[[mitigation]] #1 (line 2); names must be unique ([[action]] is [[mitigation]]'s older name)"
    ]


def test_confirm_is_not_a_key_every_mitigation_asks_first():
    found = messages('[[mitigation]]\nname = "m"\nkind = "flag"\nargv = ["x"]\nconfirm = false\n')
    assert len(found) == 1 and found[0].startswith("warroom.toml:5: [[mitigation]] #1 \"m\": key 'confirm' is unknown")
