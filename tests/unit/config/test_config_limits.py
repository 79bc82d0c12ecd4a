"""Numbers in warroom.toml that cannot be meant (nan, inf, negative, absurd, port 99999) are
refused with file:line: [section] key, instead of a traceback or a command that never returns."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import warroom_executable
from tests.unit.config.config_helpers import messages

PROBE = '[[probe]]\nname = "api"\nurl = "http://127.0.0.1:8080/health"\n'


@pytest.mark.parametrize(
    "toml,expected",
    [
        (
            '[resources]\ninterval = "99999999999d"\n',
            "warroom.toml:2: [resources] interval: must be at most 1 day, got '99999999999d'",
        ),
        (
            "[resources]\ninterval = nan\n",
            "warroom.toml:2: [resources] interval: must be a finite number of seconds, got nan",
        ),
        (
            "[resources]\ndisk_threshold = nan\n",
            "warroom.toml:2: [resources] disk_threshold: must be a finite number, got nan",
        ),
        ("[resources]\ntop = 99999999999\n", "warroom.toml:2: [resources] top: must be at most 1000, got 99999999999"),
        (
            PROBE + "timeout = 1e308\n",
            'warroom.toml:4: [[probe]] #1 "api" timeout: must be at most 300 s, got 1e+308 s',
        ),
        (
            PROBE + "timeout = inf\n",
            'warroom.toml:4: [[probe]] #1 "api" timeout: must be a finite number of seconds, got inf',
        ),
        (PROBE + 'interval = "2d"\n', "warroom.toml:4: [[probe]] #1 \"api\" interval: must be at most 1 day, got '2d'"),
        (
            PROBE + "fail_threshold = 99999999999\n",
            'warroom.toml:4: [[probe]] #1 "api" fail_threshold: must be at most 1000, got 99999999999',
        ),
        (
            '[[probe]]\nname = "api"\nurl = "http://127.0.0.1:99999/health"\n',
            'warroom.toml:3: [[probe]] #1 "api" url: has a bad port (use 1-65535)',
        ),
        (
            '[[log]]\nname = "app"\npath = "/var/log/app.log"\nspike_factor = inf\n',
            'warroom.toml:4: [[log]] #1 "app" spike_factor: must be a finite number, got inf',
        ),
        (
            '[[deploys]]\nname = "git"\nkind = "git"\nrepo = "."\nsince = "400d"\n',
            "warroom.toml:5: [[deploys]] #1 \"git\" since: must be at most 30 days, got '400d'",
        ),
        (
            "[cadence]\nsev1 = 99999999999999\n",
            "warroom.toml:2: [cadence] sev1: must be at most 10080 minutes (a week), got 99999999999999",
        ),
    ],
)
def test_absurd_numbers_are_refused_with_file_line_and_key(toml, expected):
    assert messages(toml) == [expected]


def test_the_bounds_themselves_load_and_one_past_them_does_not():
    text = PROBE + 'timeout = 300\ninterval = "1d"\n[resources]\ninterval = "24h"\n[cadence]\nsev4 = 10080\n'
    assert messages(text) == []
    assert messages(PROBE + "timeout = 300.5\n") == [
        'warroom.toml:4: [[probe]] #1 "api" timeout: must be at most 300 s, got 300.5 s'
    ]


def test_config_check_and_snapshot_say_so_in_one_line_each(tmp_path, home_env):
    """The installed command: `timeout = 1e308` made `snapshot` hang; now it stops at once."""
    config = tmp_path / "warroom.toml"
    config.write_text(PROBE + "timeout = 1e308\n", encoding="utf-8")
    for argv in (["config", "check", str(config)], ["--config", str(config), "snapshot"]):
        done = subprocess.run(
            [str(warroom_executable()), *argv], env=home_env, cwd=tmp_path, capture_output=True, text=True, timeout=30
        )
        assert done.returncode != 0
        assert "Traceback" not in done.stderr
        assert 'warroom.toml:4: [[probe]] #1 "api" timeout: must be at most 300 s' in done.stdout + done.stderr
