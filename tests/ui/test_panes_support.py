"""Helpers for the signal pane tests: a tiny app hosting SignalPanes, waiting, real git repos."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.reactive import var

from warroom.config.model import Config
from warroom.ui.widgets.panes import SignalPanes, SourceSummary


async def wait_for(pilot: Any, condition: Callable[[], Any], what: str, seconds: float = 15.0) -> None:
    """Let the app run until `condition()` holds, for at most `seconds` of wall time (a loaded
    machine gets the same deadline, not fewer chances); fails naming `what`, never hangs.

    A widget not mounted yet (a query that finds nothing, an empty row list) is "not yet".
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return
        except (LookupError, NoMatches):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")
        await pilot.pause(0.02)


async def all_rows_shown(pilot: Any, pane: Any) -> None:
    """Wait until the pane shows every ordinary row it has (the height is shared out a frame
    later); detail rows may follow when there is room."""
    await wait_for(pilot, lambda: len(pane.row_list.texts) >= pane.wanted_rows(), f"every row of {pane.id}")


class PanesApp(App[None]):
    """The signal panes and the summary alone, each in a slot of its own like the war room's."""

    #: Like the war room app: the folded incident on screen (deploys before detection are marked).
    incident: var[Any] = var(None, always_update=True)

    def __init__(
        self,
        config: Config,
        *,
        store: Any = None,
        incident_id: int | None = None,
        clock: Callable[[], datetime] | None = None,
        summary: bool = False,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.incident_id = incident_id
        self.actor = "carol"
        self.summary = summary
        if clock is not None:
            self.clock = clock
        self.feedback: list[tuple[str, bool]] = []

    def compose(self) -> ComposeResult:
        with Container(id="signal-panes"):
            yield SignalPanes()
        if self.summary:
            with Container(id="source-summary"):
                yield SourceSummary()

    def on_signal_panes_command_feedback(self, message: Any) -> None:
        self.feedback.append((message.text, message.error))


def pane_text(app: App, pane_id: str) -> str:
    """Everything a pane shows, as plain text: its title, its rows and any output block."""
    pane = app.query_one(f"#{pane_id}")
    parts = [str(pane.border_title or ""), str(pane.border_subtitle or "")]
    for static in pane.query("Static"):
        parts.append(str(static.render()))
    return "\n".join(parts)


def git_repo(path: Path, commits: list[tuple[str, str, str]]) -> Path:
    """A real repository with commits (ISO time, author, subject) made at those times."""
    path.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(path)}

    def git(*args: str, **extra: str) -> None:
        subprocess.run(["git", *args], cwd=path, env={**env, **extra}, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    for n, (when, author, subject) in enumerate(commits):
        (path / "file.txt").write_text(f"{n}\n")
        git("add", "file.txt")
        git(
            "commit",
            "-q",
            "-m",
            subject,
            GIT_AUTHOR_NAME=author,
            GIT_AUTHOR_EMAIL=f"{author}@example.com",
            GIT_COMMITTER_NAME=author,
            GIT_COMMITTER_EMAIL=f"{author}@example.com",
            GIT_AUTHOR_DATE=when,
            GIT_COMMITTER_DATE=when,
        )
    return path
