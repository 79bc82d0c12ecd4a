"""The review shows who wrote the event under its cursor: the display name and the real
`login@host` it was written from (the audit trail), whatever `--as` said."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from tests.conftest import warroom_executable
from tests.ui.review_helpers import loaded, state_text, timeline
from warroom.ui.review_app import ReviewApp

LOGIN = pwd.getpwuid(os.getuid()).pw_name
HOST = os.uname().nodename


async def test_the_cursor_event_shows_its_display_name_and_real_login(tmp_path: Path, home_env: dict[str, str]):
    db = str(tmp_path / "w.db")
    exe = str(warroom_executable())
    for args in (["declare", "api down", "--sev", "2"], ["note", "--as", "alice", "restarted api-7"]):
        assert subprocess.run([exe, "--db", db, *args], env=home_env, capture_output=True).returncode == 0
    app = ReviewApp(Path(db))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("end")
        await pilot.pause(0.2)
        assert timeline(screen).cursor_event() is not None
        assert timeline(screen).cursor_event().actor == "alice"
        assert f"selected by alice · login {LOGIN}@{HOST}" in state_text(screen)
