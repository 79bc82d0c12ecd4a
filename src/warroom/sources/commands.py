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
from datetime import datetime

from warroom.config.model import CommandConfig
from warroom.domain.events import utc
from warroom.redact import redact_text
from warroom.runner import run_argv
from warroom.sanitize import clean
from warroom.sources.registry import COMMAND
from warroom.sources.snapshots import CommandOutput  # noqa: F401 (re-exported)

MAX_LINES = 200
LINE_CAP = 1000
STDERR_TAIL = 5


def _text(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    lines = clean(text, cap=None, keep_newlines=True).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [redact_text(line if len(line) <= LINE_CAP else line[: LINE_CAP - 1] + "…") for line in lines]


class CommandSource:
    """A `[[command]]` section as a source: key `command:<name>`, kind `command`."""

    kind = COMMAND

    def __init__(self, config: CommandConfig) -> None:
        self.config = cfg = config
        self.key = f"{COMMAND}:{cfg.name}"
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
