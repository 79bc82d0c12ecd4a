"""`warroom resolve` shows the probes, the error rate and whether metrics recovered before it
resolves, and asks again when a probe is down or the resolver is not the IC."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.support.http_server import TestHTTPServer


def _timeline(run_warroom, env=None) -> list[dict]:
    return json.loads(run_warroom("show", "--json", env=env).stdout)["timeline"]


def _record_a_probe_down(run_warroom, tmp_path) -> dict[str, str]:
    """A real probe that answers 503 and a log with errors, recorded by `warroom record`."""
    log = tmp_path / "app.log"
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    lines = [
        f"{minute - timedelta(minutes=k):%Y-%m-%dT%H:%M:%SZ} ERROR db timeout" for k in range(1, 8) for _ in range(k)
    ]
    log.write_text("\n".join(sorted(lines)) + "\n")
    with TestHTTPServer() as srv:
        srv.fail("/health", 503)
        cfg = tmp_path / "warroom.toml"
        cfg.write_text(
            f'[[probe]]\nname = "api"\nurl = "{srv.url("/health")}"\ninterval = 0.2\nfail_threshold = 1\n\n'
            f'[[log]]\nname = "app"\npath = "{log}"\nbackfill = "1h"\ninterval = 0.5\n'
        )
        env = {"WARROOM_CONFIG": str(cfg)}
        assert run_warroom("declare", "Checkout 503s", "--sev", "2", "--ic", "alice", env=env).returncode == 0
        recorded = run_warroom("record", "--duration", "1.5", env=env)
        assert "probe api DOWN" in recorded.stdout, recorded.stdout + recorded.stderr
    return env


def test_a_probe_down_asks_again_and_no_answer_resolves_nothing(run_warroom, tmp_path):
    env = _record_a_probe_down(run_warroom, tmp_path)
    r = run_warroom("resolve", "looks fine", "--as", "alice", env=env)  # stdin is empty: EOF
    assert r.returncode == 1
    assert "Probes: api DOWN" in r.stdout
    assert "Error rate: " in r.stdout and "/min now" in r.stdout
    assert "Metrics recovered: not yet" in r.stdout
    assert "Resolve anyway? probe api down [y/N]" in r.stdout
    assert "not resolved" in r.stderr and "--yes" in r.stderr and "Traceback" not in r.stderr
    no = run_warroom("resolve", "looks fine", "--as", "alice", env=env, input="n\n")
    assert no.returncode == 1
    assert not [e for e in _timeline(run_warroom, env) if e["kind"] == "incident.resolved"]

    yes = run_warroom("resolve", "looks fine", "--as", "alice", env=env, input="y\n")
    assert yes.returncode == 0, yes.stderr
    assert "INC-1 resolved after" in yes.stdout
    resolved = [e for e in _timeline(run_warroom, env) if e["kind"] == "incident.resolved"]
    assert len(resolved) == 1
    assert resolved[0]["payload"]["overrode"] == ["probe api down"]
    assert resolved[0]["payload"]["resolved_by"] == "alice"
    shown = run_warroom("show", env=env).stdout
    assert "resolved: looks fine · by alice, overriding: probe api down" in shown


def test_someone_who_is_not_the_ic_is_asked_again_and_yes_flag_resolves_anyway(run_warroom):
    assert run_warroom("declare", "Checkout 503s", "--sev", "2", "--ic", "alice").returncode == 0
    asked = run_warroom("resolve", "done", "--as", "bob")
    assert asked.returncode == 1
    assert "Resolving as bob; IC: alice" in asked.stdout
    assert "Resolve anyway? not the IC (IC is alice) [y/N]" in asked.stdout
    r = run_warroom("resolve", "done", "--as", "bob", "--yes")
    assert r.returncode == 0, r.stderr
    assert "[y/N]" not in r.stdout
    resolved = next(e for e in _timeline(run_warroom) if e["kind"] == "incident.resolved")
    assert resolved["actor"] == "bob"
    assert resolved["payload"]["overrode"] == ["not the IC (IC is alice)"]
    assert resolved["payload"]["resolved_by"] == "bob"


def test_the_ic_with_every_check_passing_resolves_without_a_question(run_warroom):
    assert run_warroom("declare", "Checkout 503s", "--sev", "2", "--ic", "tester").returncode == 0
    r = run_warroom("resolve", "done")
    assert r.returncode == 0, r.stderr
    assert "[y/N]" not in r.stdout and "Resolving as tester; IC: tester" in r.stdout
    resolved = next(e for e in _timeline(run_warroom) if e["kind"] == "incident.resolved")
    assert resolved["actor"] == "tester" and resolved["payload"] == {"text": "done"}  # nothing overridden
