"""The demo's warroom.toml is real config: the real loader reads it, every source kind is there."""

from __future__ import annotations

import sys

from warroom.config.loader import load_config
from warroom.demo.config import DemoPaths, write_config


def test_written_config_loads_and_points_every_source_at_the_world(tmp_path) -> None:
    paths = DemoPaths("http://127.0.0.1:4567", tmp_path / "logs" / "api.log", tmp_path / "repo")
    cfg = load_config(write_config(tmp_path, paths, speed=1))
    assert [p.url.reveal() for p in cfg.probes] == [
        "http://127.0.0.1:4567/health",
        "http://127.0.0.1:4567/api/checkout",
    ]
    assert cfg.statuspages[0].url.reveal() == "http://127.0.0.1:4567/api/v2/summary.json"
    assert cfg.logs[0].path == str(paths.log_path) and cfg.logs[0].backfill == 900
    assert cfg.deploys[0].kind == "git" and cfg.deploys[0].repo == str(paths.repo_path)
    assert cfg.resources is not None and cfg.resources.mounts == ("/",)
    assert cfg.commands[0].argv[0] == sys.executable
    assert len(cfg.team.roster) >= 4 and cfg.team.extra_roles
    assert (tmp_path / "warroom.toml").stat().st_mode & 0o077 == 0


def test_poll_intervals_shrink_with_speed(tmp_path) -> None:
    paths = DemoPaths("http://127.0.0.1:1", tmp_path / "a.log", tmp_path / "repo")
    slow = load_config(write_config(tmp_path, paths, speed=1))
    fast = load_config(write_config(tmp_path, paths, speed=20))
    assert slow.probes[0].interval == 5 and fast.probes[0].interval == 0.5
    assert fast.deploys[0].interval < slow.deploys[0].interval
    assert fast.probes[0].timeout > 2.0  # longer than the slowest 503, so the pane shows the status
