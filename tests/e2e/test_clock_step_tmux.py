"""The wall clock steps an hour forward, then back, under the installed `warroom` in tmux
(libfaketime with an offset file rewritten mid-run; the monotonic clock left alone, as NTP
does): the header's elapsed time and update countdown keep counting elapsed time, an update
posted in the new frame resets the countdown, and each step is noted once on screen and in the
record, while record times stay the wall clock's."""

from __future__ import annotations

import glob
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, wait_store
from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux"), pytest.mark.requires("faketime")]

HOUR = timedelta(hours=1)
LIB_GLOBS = (
    "/usr/lib/*/faketime/libfaketimeMT.so.1",
    "/usr/lib*/faketime/libfaketimeMT.so.1",
    "/usr/local/lib/faketime/libfaketimeMT.so.1",
)


def libfaketime() -> str:
    found = sorted(path for pattern in LIB_GLOBS for path in glob.glob(pattern))
    assert found, "libfaketime is required (.ci/run installs the faketime package)"
    return found[0]


def faked_env(offset_file: Path) -> dict[str, str]:
    """The wall clock read from `offset_file` on every call; CLOCK_MONOTONIC left real (an NTP
    step moves only the wall clock)."""
    return {
        "LD_PRELOAD": libfaketime(),
        "FAKETIME_TIMESTAMP_FILE": str(offset_file),
        "FAKETIME_NO_CACHE": "1",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }


def header(tmux: Tmux) -> str:
    return "\n".join(tmux.screen().splitlines()[:2])


def minutes(pattern: str, text: str) -> float:
    """`next update in 9m 40s` -> 9.67 (minutes), from the first match of `pattern` (… (\\d+)m( (\\d+)s)?)."""
    found = re.search(pattern + r" (\d+)m(?: (\d+)s)?", text)
    assert found, f"{pattern!r} not in:\n{text}"
    return int(found.group(1)) + int(found.group(2) or 0) / 60


def wait_header(tmux: Tmux, check, what: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = header(tmux)
        try:
            if check(shown):
                return shown
        except AssertionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the header never showed {what}:\n{tmux.screen()}")


def clock_steps(db: Path) -> list:
    with EventStore.open(db) as store:
        return [e for e in store.events(1) if e.kind == Kind.CLOCK_STEPPED]


def test_an_ntp_step_of_an_hour_each_way_keeps_countdowns_on_elapsed_time(tmp_path: Path, home_env: dict[str, str]):
    db = tmp_path / "warroom.db"
    declared_at = datetime.now(UTC) - timedelta(minutes=5)
    with EventStore.open(db) as store:  # SEV-1: an update every 15 min, the first due in 10
        store.declare("Checkout 500s", 1, actor="ic-alice", at=declared_at)
    config = tmp_path / "warroom.toml"
    config.write_text("[resources]\nenabled = false\n")
    offset = tmp_path / "faketime.rc"
    offset.write_text("+0\n")
    faked = faked_env(offset)
    tmux = Tmux(tmp_path, {**home_env, "WARROOM_DB": str(db), "WARROOM_USER": "ic-alice"})
    try:
        exe = str(warroom_executable())
        tmux.start(["env", *(f"{k}={v}" for k, v in faked.items()), exe, "--config", str(config)])
        tmux.wait_for("INC-1 Checkout 500s")
        wait_header(tmux, lambda h: 9 < minutes("next update in", h) <= 10, "the first update due in 10 min")
        assert 5 <= minutes("elapsed", header(tmux)) < 6

        # NTP steps the wall clock an hour forward.
        offset.write_text("+1h\n")
        tmux.wait_for("clock stepped +1h 00m (NTP?); countdowns use elapsed time")
        shown = header(tmux)
        assert "OVERDUE" not in shown and "LATE" not in shown, shown
        assert 8.5 < minutes("next update in", shown) <= 10, "the countdown did not lose an hour"
        assert 5 <= minutes("elapsed", shown) < 6.5, "elapsed did not gain an hour"
        [step] = clock_steps(db)
        assert abs(step.payload["step_s"] - 3600) < 5
        assert step.at - datetime.now(UTC) > timedelta(minutes=59), "recorded at the (stepped) wall time"

        # An update posted by another process in the new frame resets the countdown.
        posted = subprocess.run(
            [exe, "draft", "--posted", "--as", "bob"],
            env={**tmux.env, **faked},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert posted.returncode == 0, posted.stderr
        with EventStore.open(db) as store:
            [update] = [e for e in store.events(1) if e.kind == Kind.COMMS_POSTED]
        assert update.at - datetime.now(UTC) > timedelta(minutes=59), "record time: the wall clock's"
        wait_header(tmux, lambda h: minutes("next update in", h) > 14.5, "a fresh 15 min countdown")

        # NTP steps it back again.
        offset.write_text("+0\n")
        tmux.wait_for("clock stepped -1h 00m (NTP?); countdowns use elapsed time")
        time.sleep(1.2)  # a tick after the step
        shown = header(tmux)
        assert "OVERDUE" not in shown and "LATE" not in shown, shown
        assert 14 < minutes("next update in", shown) <= 15, "still counting from the post"
        assert 5 <= minutes("elapsed", shown) < 7
        assert [round(e.payload["step_s"] / 60) for e in clock_steps(db)] == [60, -60], "each step recorded once"

        # The command line still takes a note, recorded at the wall clock's time.
        tmux.keys("-l", "after the clock steps")
        tmux.keys("Enter")
        note = wait_store(db, lambda e: e.kind == Kind.NOTE, "the note")
        assert note.payload["text"] == "after the clock steps"
        assert abs(note.at - datetime.now(UTC)) < timedelta(minutes=1)
        tmux.keys("C-q")
        assert tmux.exit_status() == 0
    finally:
        tmux.kill()


def test_due_and_show_read_a_recorded_step_as_elapsed_time(tmp_path: Path, run_warroom):
    """A step recorded earlier (+1h, 2 min after declaring): `warroom due` opened afterwards
    still counts the 15 min from the declaration in elapsed time: due in ~9 min, not overdue."""
    db = tmp_path / "warroom.db"
    now = datetime.now(UTC)
    declared = now - HOUR - timedelta(minutes=6)  # written in the frame before the step
    before = declared + timedelta(minutes=2)
    with EventStore.open(db) as store:
        incident = store.declare("Checkout 500s", 1, actor="ic-alice", at=declared).incident_id
        store.append(
            incident,
            Kind.CLOCK_STEPPED,
            catalogue.clock_stepped(step_s=3600, before=before, after=before + HOUR),
            actor="warroom",
            at=before + HOUR,
        )
    due = run_warroom("due", env={"WARROOM_DB": str(db)})
    assert due.returncode == 0, due.stdout + due.stderr
    assert "OVERDUE" not in due.stdout, due.stdout
    assert 8 <= minutes("next update in", due.stdout.replace("due in", "next update in")) <= 9.5, due.stdout
    shown = run_warroom("show", env={"WARROOM_DB": str(db)})
    assert "clock stepped +1h 00m (NTP?); countdowns use elapsed time" in shown.stdout
    assert "duration 6m" in shown.stdout, "6 minutes since the declaration, not 1h 06m"
