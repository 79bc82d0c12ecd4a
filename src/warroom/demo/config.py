"""Writes the demo's `warroom.toml`: the real sources pointed at the demo world.

The file is ordinary config in the documented format, so `warroom config check`, `warroom snapshot`
and `warroom --config DIR/warroom.toml` all work on a kept demo. Poll intervals shrink with
`--speed` so a 30-second run still sees every change.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROSTER = ("alice", "bob", "carol", "dave", "erin")
EXTRA_ROLES = ("Customer Liaison",)
TEAM_NAME = "payments"


@dataclass(frozen=True)
class DemoPaths:
    """Where the world lives, for the config to point at."""

    base_url: str
    log_path: Path
    repo_path: Path
    prometheus_url: str = ""  # the demo's own Prometheus, when one is installed
    intake: str = ""  # where the `[intake]` receiver listens, when the demo runs an Alertmanager


def _q(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML accepts)."""
    return json.dumps(value, ensure_ascii=False)


def _arr(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _num(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def interval(normal: float, speed: float, floor: float) -> float:
    """A poll interval for `--speed`: `normal` at speed 1, never below `floor` seconds."""
    return round(max(floor, normal / max(speed, 1e-9)), 2)


def render_config(paths: DemoPaths, speed: float = 1.0, python: str | None = None) -> str:
    """The whole warroom.toml text for a demo world."""
    python = python or sys.executable
    base = paths.base_url.rstrip("/")
    probe_every = interval(5, speed, 0.5)
    lines = [
        "# Written by `warroom demo`: every source points at the demo world on 127.0.0.1.",
        "",
        "[team]",
        f"name = {_q(TEAM_NAME)}",
        f"status_page = {_q(base + '/status')}",
        f"channel_prefix = {_q('#incident-')}",
        f"roster = {_arr(ROSTER)}",
        f"extra_roles = {_arr(EXTRA_ROLES)}",
        "",
        "[cadence]",
        "sev1 = 15",
        "sev2 = 30",
        "sev3 = 60",
        "",
        "[[probe]]",
        f"name = {_q('api-health')}",
        f"url = {_q(base + '/health')}",
        "expect_status = [200]",
        f"expect_body = {_q('ok')}",
        "timeout = 3.0",
        f"interval = {_num(probe_every)}",
        "",
        "[[probe]]",
        f"name = {_q('checkout')}",
        f"url = {_q(base + '/api/checkout')}",
        "expect_status = [200]",
        "timeout = 3.0",
        f"interval = {_num(probe_every)}",
        "",
        "[[statuspage]]",
        f"name = {_q('payments-provider')}",
        f"url = {_q(base + '/api/v2/summary.json')}",
        f"interval = {_num(interval(15, speed, 1.0))}",
        "",
        "[[log]]",
        f"name = {_q('api')}",
        f"path = {_q(str(paths.log_path))}",
        f"pattern = {_q('error|panic|fatal')}",
        f"backfill = {_q('15m')}",
        "",
        "[[deploys]]",
        f"kind = {_q('git')}",
        f"name = {_q('api')}",
        f"repo = {_q(str(paths.repo_path))}",
        f"since = {_q('2h')}",
        f"interval = {_num(interval(10, speed, 1.0))}",
        "",
        "[resources]",
        f"mounts = {_arr(['/'])}",
        "interval = 2",
        "",
        *_metrics(paths.prometheus_url, speed),
        *_intake(paths.intake),
        "[[command]]",
        f"name = {_q('db sessions')}",
        f"argv = {_arr([python, '-m', 'warroom.demo.activity', base])}",
        f"interval = {_num(interval(5, speed, 1.0))}",
        "timeout = 5",
        "",
    ]
    return "\n".join(lines)


def _metrics(url: str, speed: float) -> list[str]:
    """`[[metric]]` queries against the demo's Prometheus (none when it is not installed)."""
    if not url:
        return []
    every = _num(interval(5, speed, 1.0))
    checkout = 'demo_http_requests_total{path="/api/checkout"'
    ratio = f'sum(rate({checkout},code=~"5.."}}[30s])) / sum(rate({checkout}}}[30s]))'
    return [
        "[[metric]]",
        f"name = {_q('checkout 5xx ratio')}",
        f"url = {_q(url)}",
        f"query = {_q(ratio)}",
        f"interval = {every}",
        "warn = 0.05",
        "crit = 0.25",
        f"unit = {_q('ratio')}",
        "",
        "[[metric]]",
        f"name = {_q('requests')}",
        f"url = {_q(url)}",
        f"query = {_q('sum by (path) (rate(demo_http_requests_total[30s]))')}",
        f"interval = {every}",
        f"unit = {_q('req/s')}",
        "",
    ]


def _intake(listen: str) -> list[str]:
    """`[intake]`: the webhook receiver the demo's Alertmanager sends to (none without one)."""
    if not listen:
        return []
    return ["[intake]", f"listen = {_q(listen)}", ""]


def write_config(directory: Path, paths: DemoPaths, speed: float = 1.0) -> Path:
    """Write `directory/warroom.toml` (mode 0600, like the database) and return its path."""
    target = Path(directory) / "warroom.toml"
    target.write_text(render_config(paths, speed), encoding="utf-8")
    target.chmod(0o600)
    return target
