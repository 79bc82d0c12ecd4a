"""Following the output of a long-lived command: `kubectl logs -f`, `journalctl -fu api`.

The command runs as an argv list (never a shell) in its own session, so closing kills it and
anything it started. Its stdout is scanned as it arrives (matching lines wait in a bounded list
until the next `drain()`); the last stderr line is kept for the error shown when it exits.
When it exits it is restarted after a growing delay; a missing binary says so plainly
("command not found: kubectl") and is retried on the same schedule, in case it gets installed.

`${NAME}` in argv items is expanded at each start (never shown: the command line keeps the
template), and every byte the command prints has the secret values (its own and every one the
config uses) replaced by `***` before it is scanned, counted or grouped. Lines are redacted
whole: output is passed on up to its last newline, so a secret split across two reads is
still found.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import signal
import time
from datetime import UTC, datetime, tzinfo
from functools import partial

from warroom.redact import known_secrets, redact_bytes, redact_text
from warroom.runner import close_transport, expand_argv
from warroom.sanitize import clean, clean_bytes
from warroom.sources.logscan import LineScanner, Matcher, stamp_bytes

RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
STABLE_AFTER = 60.0  # a run this long resets the restart delay to the first step
PENDING_MAX = 50_000  # matching lines held between drains; beyond that only counted
READ_SIZE = 64 * 1024
HOLD_MAX = 64 * 1024  # an unfinished line held back for redaction at most this long

Hit = tuple[bytes, datetime | None]  # a matching line and its time, when it has one


class CommandFollower:
    """Runs `argv` until closed, restarting it when it exits."""

    def __init__(
        self,
        argv: tuple[str, ...] | list[str],
        matcher: Matcher,
        *,
        restart_delays: tuple[float, ...] = RESTART_DELAYS,
        local: tzinfo = UTC,
    ) -> None:
        self.argv = tuple(str(a) for a in argv)
        self.command_line = clean(redact_text(shlex.join(self.argv)), cap=300)
        self.matcher = matcher
        self.restart_delays = restart_delays or (1.0,)
        self.local = local
        self.error: str | None = None
        self.running = False
        self.starts = 0  # how many times the command was started
        self.exit_code: int | None = None
        self.last_output: float | None = None  # time.monotonic() of the last stdout bytes
        self._pending: list[Hit] = []
        self._overflow = 0
        self._task: asyncio.Task[None] | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._closed = False
        self._secrets: list[bytes] = []  # this command's expanded `${NAME}` values

    def _redact(self, data: bytes) -> bytes:
        return redact_bytes(data, self._secrets) if (self._secrets or known_secrets()) else data

    def start(self) -> None:
        """Start (once) the task that runs and restarts the command; needs a running loop."""
        if self._task is None and not self._closed:
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._supervise(), name=f"log {self.command_line}")

    def drain(self) -> tuple[list[Hit], int]:
        """The matching lines read since the last drain, and how many more matched beyond the
        PENDING_MAX that were kept (those count, but are not grouped)."""
        hits, self._pending = self._pending, []
        overflow, self._overflow = self._overflow, 0
        return hits, overflow

    def _add(self, hits: list[Hit]) -> None:
        room = PENDING_MAX - len(self._pending)
        if room >= len(hits):
            self._pending.extend(hits)
        else:
            self._pending.extend(hits[: max(room, 0)])
            self._overflow += len(hits) - max(room, 0)

    async def _supervise(self) -> None:
        step = 0
        while not self._closed:
            began = time.monotonic()
            await self._run_once()
            if self._closed:
                return
            if time.monotonic() - began >= STABLE_AFTER:
                step = 0
            delay = self.restart_delays[min(step, len(self.restart_delays) - 1)]
            step += 1
            if self.error:
                self.error += f" (restarting in {delay:g}s)"
            await asyncio.sleep(delay)

    async def _run_once(self) -> None:
        if shutil.which(self.argv[0]) is None:
            self.error = f"command not found: {clean(self.argv[0], cap=200)}"
            return
        real, self._secrets, env_error = expand_argv(self.argv)
        if env_error:
            self.error = f"{self.command_line}: {env_error}"
            return
        try:
            proc = await asyncio.create_subprocess_exec(
                *real,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            self.error = f"{self.command_line}: {clean(redact_text(str(exc.strerror or exc)), cap=300)}"
            return
        self._proc, self.running, self.error = proc, True, None
        self.starts += 1
        last_err: list[str] = [""]
        assert proc.stdout is not None and proc.stderr is not None
        try:
            await asyncio.gather(self._read_stdout(proc.stdout), self._read_stderr(proc.stderr, last_err))
            code = await proc.wait()
        finally:
            # Stopped (or its pipes held open by a grandchild in another session): close the
            # pipes while the loop runs, not in the garbage collector after it has closed.
            close_transport(proc)
        self.running, self.exit_code, self._proc = False, code, None
        if not self._closed:
            tail = f": {last_err[0]}" if last_err[0] else ""
            self.error = f"{self.command_line}: exit {code}{tail}"

    async def _read_stdout(self, stream: asyncio.StreamReader) -> None:
        now = datetime.now(UTC)
        scanner = LineScanner(self.matcher, stamp=partial(stamp_bytes, now=now, local=self.local))
        held = b""  # the unfinished last line, kept back until it can be redacted whole
        while True:
            data = await stream.read(READ_SIZE)
            if not data:
                if held:
                    self._add(scanner.feed(self._redact(held)))
                self._add(scanner.finish())
                return
            self.last_output = time.monotonic()
            data = held + data
            cut = data.rfind(b"\n") + 1
            if cut == 0 and len(data) < HOLD_MAX:
                held = data
                continue
            cut = cut or len(data)  # a giant line with no end in sight: pass it on in pieces
            held = data[cut:]
            self._add(scanner.feed(self._redact(data[:cut])))

    async def _read_stderr(self, stream: asyncio.StreamReader, last: list[str]) -> None:
        partial_line = b""
        while True:
            data = await stream.read(READ_SIZE)
            if not data:
                break
            partial_line = (partial_line + data)[-8192:]
            lines = [ln for ln in partial_line.split(b"\n")[:-1] if ln.strip()]
            if lines:
                last[0] = redact_text(clean_bytes(self._redact(lines[-1]), cap=300))
            partial_line = partial_line.rsplit(b"\n", 1)[-1]
        if partial_line.strip():
            last[0] = redact_text(clean_bytes(self._redact(partial_line), cap=300))

    async def aclose(self) -> None:
        """Stop the command (TERM, then KILL after 2 s) and the restart loop."""
        self._closed = True
        proc = self._proc
        if proc is not None and proc.returncode is None:
            for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
                try:
                    os.killpg(proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    break
                try:
                    await asyncio.wait_for(proc.wait(), wait)
                    break
                except TimeoutError:
                    continue
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
        self.running = False
