"""Shared fixtures: the installed `warroom` command, a private HOME, a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cpu_lock import cpu_lock

# Skips only for the reasons in tests/allowed_skips.py; `requires` tools fail when missing.
from tests.support.skip_guard import (  # noqa: F401  (pytest finds hooks by name here)
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_makereport,
    pytest_runtest_setup,
)

REPO = Path(__file__).resolve().parents[1]


def warroom_executable() -> Path:
    """The console script installed beside this interpreter (the venv's `warroom`)."""
    path = Path(sys.executable).parent / "warroom"
    if not path.exists():
        raise RuntimeError(f"warroom is not installed next to {sys.executable}: pip install -e '.[test]'")
    return path


@pytest.fixture
def home_env(tmp_path: Path) -> dict[str, str]:
    """An environment with a private HOME/XDG tree, no config and no WARROOM_* leaking in."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_") and k not in {"TMUX", "TMUX_PANE"}}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        WARROOM_USER="tester",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@pytest.fixture
def run_warroom(home_env: dict[str, str], tmp_path: Path):
    """Run the installed `warroom` with the private environment; returns CompletedProcess."""
    exe = str(warroom_executable())

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60, input: str | None = None):
        return subprocess.run(
            [exe, *args],
            env={**home_env, **(env or {})},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
        )

    return run


@pytest.fixture
def burns_cpu():
    """For a test that loads the cores: no deadline test runs meanwhile (tests/support/cpu_lock.py)."""
    with cpu_lock(exclusive=True):
        yield


@pytest.fixture
def times_deadlines():
    """For a test that times deadlines: no CPU hog runs meanwhile (tests/support/cpu_lock.py)."""
    with cpu_lock(exclusive=False):
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database file in an existing folder (warroom creates only its default folder)."""
    (tmp_path / "data").mkdir(mode=0o700, exist_ok=True)
    return tmp_path / "data" / "warroom.db"
