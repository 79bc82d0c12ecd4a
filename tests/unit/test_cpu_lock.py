"""CPU hog tests and deadline tests never overlap across xdist workers (tests/support/cpu_lock.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.cpu_lock import cpu_lock

REPO = Path(__file__).resolve().parents[2]

HOG = """
import sys, time
from pathlib import Path
from tests.support.cpu_lock import cpu_lock
with cpu_lock(exclusive=True, path=Path(sys.argv[1])):
    print("hog holds the lock", flush=True)
    sys.stdin.readline()
"""


def test_a_deadline_test_waits_while_a_hog_in_another_process_holds_the_lock(tmp_path: Path):
    lock = tmp_path / "cpu.lock"
    hog = subprocess.Popen(
        [sys.executable, "-c", HOG, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    entered = threading.Event()

    def deadline_test() -> None:
        with cpu_lock(exclusive=False, path=lock):
            entered.set()

    try:
        assert hog.stdout.readline() == "hog holds the lock\n"
        waiter = threading.Thread(target=deadline_test, daemon=True)
        waiter.start()
        assert not entered.wait(0.5), "the deadline test ran beside the hog"
        hog.stdin.write("done\n")
        hog.stdin.flush()
        assert entered.wait(10), "the deadline test never ran after the hog"
        waiter.join(5)
    finally:
        hog.kill()
        hog.wait()


def test_deadline_tests_share_the_lock_with_each_other(tmp_path: Path):
    lock = tmp_path / "cpu.lock"
    with cpu_lock(exclusive=False, path=lock):
        started = time.monotonic()
        done = threading.Event()

        def other_deadline_test() -> None:
            with cpu_lock(exclusive=False, path=lock):
                done.set()

        threading.Thread(target=other_deadline_test, daemon=True).start()
        assert done.wait(5) and time.monotonic() - started < 1, "deadline tests on two workers both run"
