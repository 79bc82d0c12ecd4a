"""Command panes: a `[[command]]`'s argv run every interval, like `watch`.

Each run gives a `CommandOutput`: the exit code, how long it took, stdout (escape sequences and
control characters stripped, newlines kept, the first `MAX_LINES` lines kept, like the top of a
`watch` screen), the tail of stderr, and an error when it could not run or was killed at its
timeout (the whole process group is killed). Secrets never get through: the value of every
`${ENV}` the config uses is replaced by `***` in the raw bytes (`warroom.runner`), and
credential-shaped text (URL passwords, tokens) in each line. A non-zero exit is output, not an
error: `grep` finding nothing exits 1. The UI computes the age from `taken_at` (when the run
started).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime

from warroom.config.model import CommandConfig
from warroom.domain.events import format_ts, utc
from warroom.redact import redact_text
from warroom.runner import run_argv
from warroom.sanitize import clean

MAX_LINES = 200
LINE_CAP = 1000
STDERR_TAIL = 5


def _text(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    lines = clean(text, cap=None, keep_newlines=True).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [redact_text(line if len(line) <= LINE_CAP else line[: LINE_CAP - 1] + "…") for line in lines]


@dataclass(frozen=True)
class CommandOutput:
    """One run of a command pane."""

    name: str
    command_line: str
    taken_at: datetime
    exit_code: int | None = None  # None: never ran or killed at the timeout
    duration: float = 0.0
    stdout: str = ""  # cleaned, newlines kept, at most MAX_LINES lines
    more_lines: int = 0  # stdout lines not kept
    stderr_tail: str = ""  # last STDERR_TAIL lines of stderr, cleaned
    error: str | None = None  # "command not found: psql", "timed out after 5s"

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit_code == 0

    def status(self) -> str:
        """`exit 0 in 0.12s`, `exit 2 in 0.30s`, `timed out after 5s`, `command not found: psql`."""
        if self.error:
            return self.error
        return f"exit {self.exit_code} in {self.duration:.2f}s"

    def as_text(self) -> str:
        """What the pane shows, as plain text: the command, its status and time, the output."""
        lines = [f"$ {self.command_line}", f"{self.status()} at {utc(self.taken_at):%Y-%m-%d %H:%M:%S} UTC"]
        if self.stdout:
            lines.append(self.stdout)
        if self.more_lines:
            lines.append(f"[… {self.more_lines} more line{'s' if self.more_lines != 1 else ''}]")
        if self.stderr_tail:
            lines += ["stderr:", self.stderr_tail]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "command_line": self.command_line,
            "taken_at": format_ts(self.taken_at),
            "exit_code": self.exit_code,
            "duration": round(self.duration, 3),
            "stdout": self.stdout,
            "more_lines": self.more_lines,
            "stderr_tail": self.stderr_tail,
            "error": self.error,
        }


class CommandSource:
    """A `[[command]]` section as a source: key `command:<name>`, kind `command`."""

    kind = "command"

    def __init__(self, config: CommandConfig) -> None:
        self.config = cfg = config
        self.key = f"command:{cfg.name}"
        self.interval = cfg.interval
        self.command_line = clean(shlex.join(cfg.argv), cap=500)

    async def collect(self, now: datetime) -> CommandOutput:
        """Run the command once (killed at the timeout). Never raises."""
        now = utc(now)
        try:
            result = await run_argv(self.config.argv, timeout=self.config.timeout)
        except Exception as exc:  # never take the app down
            return CommandOutput(self.config.name, self.command_line, now, error=f"{type(exc).__name__}: {exc}")
        out = _text(result.stdout)
        err = _text(result.stderr)
        return CommandOutput(
            name=self.config.name,
            command_line=self.command_line,
            taken_at=now,
            exit_code=result.exit_code,
            duration=result.duration,
            stdout="\n".join(out[:MAX_LINES]),
            more_lines=max(0, len(out) - MAX_LINES),
            stderr_tail="\n".join(err[-STDERR_TAIL:]),
            error=clean(result.error, cap=300) if result.error else None,
        )

    async def aclose(self) -> None:
        return None
