"""`warroom config show` and the check summary: what a user sees of their config."""

from __future__ import annotations

import dataclasses
import tomllib

from tests.unit.config.config_helpers import EXAMPLE, EXAMPLE_ENV
from warroom.config.loader import defaults, load_config, parse_config
from warroom.config.render import render_toml, summary


def test_summary_counts_every_kind_of_source():
    config = load_config(EXAMPLE, EXAMPLE_ENV)
    assert summary(config) == (
        "2 probes, 1 status page, 2 logs, 2 deploy sources, resources on, 1 command, 2 mitigations, 1 notify"
    )
    off = dataclasses.replace(defaults(), resources=None)
    assert summary(off) == (
        "0 probes, 0 status pages, 0 logs, 0 deploy sources, resources off, 0 commands, 0 mitigations, 0 notify"
    )


def test_show_output_is_toml_that_loads_back_to_the_same_config():
    config = load_config(EXAMPLE, EXAMPLE_ENV)
    shown = render_toml(config)
    again, problems = parse_config(shown, "shown.toml", EXAMPLE_ENV)
    assert problems == []
    assert dataclasses.replace(again, path=None) == dataclasses.replace(config, path=None)
    # Defaults are spelled out, so the user sees what is really in effect.
    data = tomllib.loads(shown)
    assert data["probe"][1]["expect_status"] == ["200-399"]
    assert data["cadence"]["sev4"] is False
    assert data["resources"]["disk_threshold"] == 95.0


def test_show_of_no_file_is_the_defaults():
    shown = render_toml(defaults())
    assert shown.startswith("# effective warroom config (no config file found: all defaults)")
    again, problems = parse_config(shown, "shown.toml", {})
    assert problems == [] and again == defaults()


def test_show_redacts_literal_credentials_and_shows_env_references_by_name():
    text = """
[[probe]]
name = "api"
url = "https://admin:hunter2pass@api.example.com/health?token=qqq111zzz"
headers = { Authorization = "Bearer LITERALtoken987", X-Api-Key = "rawkey555", X-Trace = "${TRACE_ID}" }

[[action]]
name = "flag off"
kind = "flag"
argv = ["curl", "-H", "Authorization: Bearer argvTOKEN4242", "https://flags.example.com"]

[[notify]]
kind = "slack"
url = "https://hooks.slack.com/services/T0AAA/B0BBB/hookSECRET77"
"""
    env = {"TRACE_ID": "trace-value-31337"}
    config, problems = parse_config(text, "warroom.toml", env)
    assert problems == []
    shown = render_toml(config)
    for secret in (
        "hunter2pass",
        "qqq111zzz",
        "LITERALtoken987",
        "rawkey555",
        "argvTOKEN4242",
        "hookSECRET77",
        "trace-value-31337",
    ):
        assert secret not in shown, secret
    assert '"${TRACE_ID}"' in shown
    assert "https://***@api.example.com/health?token=***" in shown
