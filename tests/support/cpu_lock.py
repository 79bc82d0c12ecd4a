"""Keep tests that load every core apart from tests that time deadlines.

A test that spins a CPU hog (a `while True` process, a process pool) on one xdist worker would
starve a deadline test on the other one of the two cores, and the deadline test would fail for
the machine's sake, not the code's. Rather than widen those deadlines (which would check less),
the two kinds take one lock file: hogs exclusively, deadline tests shared, so they never overlap
while deadline tests still run beside each other and beside everything else.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[2]


def lock_path() -> Path:
    """One lock file per checkout, shared by every xdist worker (and every run) of it."""
    digest = hashlib.sha1(str(REPO).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"warroom-tests-cpu-{digest}.lock"


@contextlib.contextmanager
def cpu_lock(exclusive: bool, path: Path | None = None) -> Iterator[None]:
    """Hold the lock (exclusive for a CPU hog, shared for a deadline test) for the duration."""
    fd = os.open(path or lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock
