"""[[metric]]: Prometheus queries in warroom.toml; every mistake named by file, line and key."""

from __future__ import annotations

from tests.unit.config.config_helpers import messages
from warroom.config.loader import parse_config
from warroom.config.metric import MetricConfig
from warroom.config.render import render_toml, summary

#: The shared example additions' entry, as a team would write it.
METRIC = """
[[metric]]
name = "api 5xx ratio"
url = "http://prometheus.internal:9090"
query = 'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))'
interval = "15s"
warn = 0.01
crit = 0.05
unit = "ratio"
"""


def test_the_example_entry_loads() -> None:
    config, problems = parse_config(METRIC, "warroom.toml", {})
    assert problems == []
    (metric,) = config.section("metric")
    assert isinstance(metric, MetricConfig)
    assert metric.name == "api 5xx ratio" and metric.interval == 15.0
    assert metric.warn == 0.01 and metric.crit == 0.05 and metric.unit == "ratio"
    assert metric.query.startswith('sum(rate(http_requests_total{job="api"')
    assert summary(config).endswith("1 metric")


def test_mistakes_name_the_line_and_key() -> None:
    text = (
        '[[metric]]\nname = "a"\nurl = "ftp://prom"\nquery = "up"\nunit = "precent"\nwarn = "high"\n\n'
        '[[metric]]\nname = "b"\nurl = "http://prom:9090"\ninterval = "soon"\nwarn = 2\ncrit = 1\nqeury = "x"\n'
    )
    found = messages(text)
    assert "warroom.toml:3: [[metric]] #1 \"a\" url: scheme 'ftp' is not supported; use http:// or https://" in found
    assert any(m.startswith('warroom.toml:5: [[metric]] #1 "a" unit:') and "did you mean 'percent'" in m for m in found)
    assert 'warroom.toml:6: [[metric]] #1 "a" warn: expected a number, got a string' in found
    assert any(m.startswith("warroom.toml:8: [[metric]] #2 \"b\": missing required key 'query'") for m in found)
    assert any(m.startswith('warroom.toml:11: [[metric]] #2 "b" interval:') for m in found)
    assert any(m.startswith('warroom.toml:13: [[metric]] #2 "b" crit: must be at least warn (2)') for m in found)
    assert any("key 'qeury' is unknown; did you mean 'query'?" in m for m in found)


def test_secrets_in_url_and_headers_are_never_shown() -> None:
    text = (
        '[[metric]]\nname = "a"\nurl = "https://${PROM_USER}:${PROM_PASS}@prom.example/"\nquery = "up"\n'
        'headers = { Authorization = "Bearer ${PROM_TOKEN}" }\n'
    )
    env = {"PROM_USER": "bob", "PROM_PASS": "hunter2-pass", "PROM_TOKEN": "s3cr3t-token"}
    config, problems = parse_config(text, "warroom.toml", env)
    assert problems == []
    shown = render_toml(config)
    assert "[[metric]]" in shown and 'query = "up"' in shown
    for value in env.values():
        assert value not in shown
    (metric,) = config.section("metric")
    assert metric.headers[0][1].reveal(env) == "Bearer s3cr3t-token"
    missing = messages(text, {})
    assert any("environment variable PROM_TOKEN is not set" in m for m in missing)


def test_the_rendered_config_loads_again() -> None:
    config, _ = parse_config(METRIC, "warroom.toml", {})
    again, problems = parse_config(render_toml(config).split("\n", 1)[1], "warroom.toml", {})
    assert problems == [] and again.section("metric") == config.section("metric")
