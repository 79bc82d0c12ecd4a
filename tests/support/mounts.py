"""Real small filesystems for the full-disk and read-only cases: a size-limited tmpfs, a
read-only bind mount. Both need `mount` (root, or a user namespace that allows it); where the
kernel refuses, the test is skipped with mount's own words (a skip listed in tests/allowed_skips.py).
A missing `mount` command is a broken machine, not a refusal: the test fails."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest


def _mount(args: list[str], what: str) -> None:
    if shutil.which("mount") is None:
        pytest.fail(f"{what}: no `mount` command on this machine (util-linux)", pytrace=False)
    r = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        reason = (r.stderr or r.stdout).strip() or f"exit {r.returncode}"
        pytest.skip(f"mount is not permitted here (uid {os.getuid()}): {what}: mount {' '.join(args)}: {reason}")


def _writable(folder: Path) -> bool:
    probe = folder / ".warroom-write-probe"
    try:
        probe.touch()
    except OSError:
        return False
    probe.unlink()
    return True


def _umount(path: Path) -> None:
    for _ in range(50):
        if subprocess.run(["umount", str(path)], capture_output=True).returncode == 0:
            return
        subprocess.run(["sleep", "0.1"])
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` (created) for the duration."""
    path.mkdir(parents=True, exist_ok=True)
    _mount(["-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)], "a size-limited tmpfs")
    try:
        yield path
    finally:
        _umount(path)


@contextlib.contextmanager
def read_only_bind(source: Path, target: Path) -> Iterator[Path]:
    """`source` bind-mounted read-only at `target` for the duration."""
    target.mkdir(parents=True, exist_ok=True)
    _mount(["--bind", "-o", "ro", str(source), str(target)], "a read-only bind mount")
    try:
        # Older util-linux binds read-write first and ignores `-o ro`: remount to make sure.
        if _writable(target):
            _mount(["-o", "remount,bind,ro", str(target)], "remounting a bind mount read-only")
        if _writable(target):
            pytest.skip("mount is not permitted here to make a bind mount read-only: it stayed writable")
        yield target
    finally:
        _umount(target)


def fill(folder: Path) -> Path:
    """Fill the filesystem holding `folder` to the last byte; returns the filler file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for block in (1 << 16, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * block)
            except OSError:
                pass
    finally:
        os.close(fd)
    assert os.statvfs(folder).f_bavail == 0, "the filesystem is not full"
    return filler
