"""The demo's deploy history: a real git repository with commits at realistic past times.

Works on a machine with no git configuration at all: the user's and the system's config are
ignored (`GIT_CONFIG_GLOBAL=/dev/null`, `GIT_CONFIG_NOSYSTEM=1`) and author and committer come from
the environment of each call. When `git` is not installed, every method reports the failure in
`error` and returns None; the demo goes on and the deploys pane shows what failed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from warroom.runner import run_argv_sync

GIT_TIMEOUT = 10.0


@dataclass(frozen=True)
class PastDeploy:
    """One commit of the history written at start: `minutes_ago` before the world started."""

    minutes_ago: float
    author: str
    subject: str
    path: str
    content: str


class DemoRepo:
    """A repository under `path` driven through `git` with a clean, config-free environment."""

    def __init__(self, path: Path, *, environ: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        self._base_env = dict(os.environ if environ is None else environ)
        self.error: str | None = None

    @property
    def available(self) -> bool:
        return shutil.which("git", path=self._base_env.get("PATH")) is not None

    def env(self, author: str, at: datetime) -> dict[str, str]:
        """The environment for one git call: no user/system config, this author, this time."""
        env = dict(self._base_env)
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S%z")
        email = f"{author}@example.com"
        env.update(
            {
                "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_AUTHOR_NAME": author,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_NAME": author,
                "GIT_COMMITTER_EMAIL": email,
                "GIT_COMMITTER_DATE": stamp,
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_EDITOR": "true",
                "GIT_PAGER": "cat",
                "LC_ALL": "C",
            }
        )
        return env

    def _git(self, *args: str, author: str = "deploy-bot", at: datetime | None = None) -> str | None:
        """Run one git command in the repo; its stdout, or None with `error` set."""
        when = at or datetime.now().astimezone()
        result = run_argv_sync(["git", "-C", str(self.path), *args], timeout=GIT_TIMEOUT, env=self.env(author, when))
        if not result.ok:
            self.error = result.describe_failure()
            return None
        return result.stdout.decode("utf-8", "replace").strip()

    def init(self, history: list[PastDeploy], now: datetime) -> list[str]:
        """Create the repository and commit `history` (oldest first); returns the commit shas."""
        self.path.mkdir(parents=True, exist_ok=True)
        if self._git("init", "-q", "-b", "main") is None:
            return []
        shas: list[str] = []
        for deploy in sorted(history, key=lambda d: -d.minutes_ago):
            sha = self.commit(
                deploy.subject,
                deploy.author,
                now - timedelta(minutes=deploy.minutes_ago),
                {deploy.path: deploy.content},
            )
            if sha is None:
                break
            shas.append(sha)
        return shas

    def commit(self, subject: str, author: str, at: datetime, files: dict[str, str]) -> str | None:
        """Write `files`, commit them as `author` at `at`; the new sha or None."""
        for rel, content in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if self._git("add", "--", *files, author=author, at=at) is None:
            return None
        if self._git("commit", "-q", "--no-verify", "-m", subject, author=author, at=at) is None:
            return None
        return self.head(author, at)

    def revert(self, sha: str, author: str, at: datetime) -> str | None:
        """The rollback, for real: `git revert --no-edit SHA`; the revert commit's sha or None."""
        if self._git("revert", "--no-edit", sha, author=author, at=at) is None:
            return None
        return self.head(author, at)

    def head(self, author: str = "deploy-bot", at: datetime | None = None) -> str | None:
        return self._git("rev-parse", "HEAD", author=author, at=at)

    def log(self) -> list[tuple[str, str, str, str]]:
        """(sha, author, ISO time, subject) per commit, newest first, as the deploys source reads it."""
        out = self._git("log", "--all", "--format=%H%x1f%an%x1f%aI%x1f%s")
        if not out:
            return []
        return [tuple(line.split("\x1f", 3)) for line in out.splitlines()]  # type: ignore[misc]
