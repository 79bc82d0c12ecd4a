"""`warroom snapshot` of a log bigger than its `backfill_max_mb`: the installed command says how
much of the window it counted, in text and in `--json`, instead of a quiet undercount."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

MIB = 1024 * 1024


def write_recent_log(path: Path, size: int, minutes: float) -> int:
    """`size` bytes of 100-byte lines over the last `minutes`; returns how many match."""
    now = datetime.now(UTC)
    n = size // 100
    matching = 0
    with path.open("w") as fh:
        for k in range(n):
            t = now - timedelta(minutes=minutes) + timedelta(seconds=minutes * 60 * k / n)
            level = "ERROR" if k % 10 == 0 else "INFO "
            matching += level == "ERROR"
            fh.write(f"{t:%Y-%m-%dT%H:%M:%S.%f}Z {level} order {k:08d} failed on shard {k % 5}".ljust(99) + "\n")
    return matching


def test_snapshot_says_the_cap_cut_the_window_in_text_and_json(tmp_path: Path, run_warroom) -> None:
    log = tmp_path / "app.log"
    matching = write_recent_log(log, int(2.5 * MIB), minutes=10)
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(f'[[log]]\nname = "app"\npath = "{log}"\nbackfill = "30m"\nbackfill_max_mb = 1\n')
    env = {"WARROOM_CONFIG": str(cfg)}
    text = run_warroom("snapshot", "--only", "log", env=env)
    assert text.returncode == 0, text.stderr
    line = next(x for x in text.stdout.splitlines() if x.startswith("backfill:"))
    assert "counted the last 1 MiB of 2.5 MiB of" in line and "of the 30m window" in line
    assert "backfill_max_mb = 1" in line and " UTC, " in line
    as_json = run_warroom("snapshot", "--only", "log", "--json", env=env)
    (item,) = json.loads(as_json.stdout)
    snap = item["snapshot"]
    assert 0 < snap["total"] < matching  # undercounted, and it says so:
    backfill = snap["backfill"]
    assert backfill["complete"] is False
    (cut,) = backfill["cut"]
    assert cut["counted_bytes"] == MIB and cut["file_bytes"] == log.stat().st_size
    assert cut["cut_by"] == "backfill_max_mb" and 180 <= cut["covered_seconds"] <= 300  # ~4 of the 10 minutes


def test_snapshot_within_the_cap_says_the_whole_window_was_counted(tmp_path: Path, run_warroom) -> None:
    log = tmp_path / "app.log"
    matching = write_recent_log(log, 200_000, minutes=10)
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(f'[[log]]\nname = "app"\npath = "{log}"\nbackfill = "30m"\nbackfill_max_mb = 1\n')
    env = {"WARROOM_CONFIG": str(cfg)}
    out = run_warroom("snapshot", "--only", "log", env=env).stdout
    assert f"total {matching} ({matching} from the backfill window)" in out
    assert "backfill: the whole 30m window counted (195 KiB read)" in out and "cut" not in out
    snap = json.loads(run_warroom("snapshot", "--only", "log", "--json", env=env).stdout)[0]["snapshot"]
    assert snap["total"] == matching and snap["backfill"]["complete"] is True and snap["backfill"]["cut"] == []


def test_config_check_refuses_a_bad_cap_with_file_line_and_key(tmp_path: Path, run_warroom) -> None:
    cfg = tmp_path / "warroom.toml"
    cfg.write_text('[[log]]\nname = "app"\npath = "/var/log/app.log"\nbackfill_max_mb = -5\n')
    result = run_warroom("config", "check", str(cfg))
    assert result.returncode == 1
    assert 'warroom.toml:4: [[log]] #1 "app" backfill_max_mb: must be at least 1, got -5' in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
