"""The one way warroom runs external commands: argv lists, never a shell, always a timeout.

Tests point `PATH` at fake tools (a `kubectl` script) instead of replacing this module.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from warroom.redact import redact_bytes

OUTPUT_CAP = 1024 * 1024  # bytes kept from each stream


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    exit_code: int | None  # None when it never ran or was killed on timeout
    stdout: bytes
    stderr: bytes
    duration: float
    error: str | None = None  # "not found: kubectl", "timed out after 5s", ...

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit_code == 0

    @property
    def command_line(self) -> str:
        import shlex

        return shlex.join(self.argv)

    def describe_failure(self) -> str:
        """One line naming the command and what went wrong, for the pane that owns it."""
        if self.error:
            return f"{self.command_line}: {self.error}"
        err = self.stderr.decode("utf-8", "replace").strip().splitlines()
        tail = err[-1] if err else ""
        return f"{self.command_line}: exit {self.exit_code}" + (f": {tail}" if tail else "")


class OutputTail:
    """The last bytes a command printed (stdout and stderr interleaved as they arrived), and the
    redacted tail of lines an event keeps of them (`warroom run`, mitigations)."""

    def __init__(self, keep_bytes: int = 16384) -> None:
        #: Raw bytes kept while the command runs (more than the tail: redaction and decoding shrink it).
        self.keep_bytes = keep_bytes
        self.buf = bytearray()
        self.lines = 0  # newlines seen in all the output
        self.trimmed = False

    def add(self, data: bytes) -> None:
        self.lines += data.count(b"\n")
        self.buf += data
        if len(self.buf) > self.keep_bytes:
            del self.buf[: len(self.buf) - self.keep_bytes]
            self.trimmed = True

    def text(self, secrets: list[str] | tuple[str, ...], *, max_lines: int, max_chars: int) -> tuple[str, int]:
        """The redacted tail (at most `max_lines` lines and `max_chars` characters) and how many
        lines of the output it leaves out. `secrets` are values to hide beyond the known ones."""
        from warroom.redact import redact_output

        lines = redact_output(bytes(self.buf), secrets).splitlines()
        if self.trimmed and lines:
            lines = lines[1:]  # the first line was cut part-way
        total = self.lines + (0 if self.buf.endswith(b"\n") or not self.buf else 1)
        out = "\n".join(lines[-max_lines:])
        if len(out) > max_chars:
            out = out[-max_chars:]
            out = out.split("\n", 1)[1] if "\n" in out else out
        return out, max(0, total - (out.count("\n") + 1 if out else 0))


_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand(argv: tuple[str, ...], env: dict[str, str] | None) -> tuple[tuple[str, ...], list[bytes], str | None]:
    """Expand `${NAME}` in argv items at the moment of use (config keeps them unexpanded).

    Returns the real argv, the secret values (to scrub from captured output) and an error for
    a variable that is not set. The template argv is what results and messages show.
    """
    source = os.environ if env is None else env
    secrets: list[bytes] = []
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in source:
            missing.append(name)
            return ""
        secrets.append(source[name].encode())
        return source[name]

    real = tuple(_ENV_REF.sub(sub, a) if "${" in a else a for a in argv)
    error = f"environment variable {missing[0]} is not set" if missing else None
    return real, [s for s in secrets if len(s) >= 4], error


def expand_argv(
    argv: tuple[str, ...], env: dict[str, str] | None = None
) -> tuple[tuple[str, ...], list[bytes], str | None]:
    """`${NAME}` in argv items expanded now: (real argv, the secret values, error if unset)."""
    return _expand(argv, env)


def _scrub(data: bytes, secrets: list[bytes]) -> bytes:
    # This command's own expanded values, and every secret the config uses (a command may
    # print one it found in its environment).
    return redact_bytes(data, secrets)


def _missing(argv: tuple[str, ...], env: dict[str, str] | None) -> CommandResult | None:
    path = (env or os.environ).get("PATH")
    if not argv:
        return CommandResult(argv, None, b"", b"", 0.0, "empty command")
    if shutil.which(argv[0], path=path) is None:
        return CommandResult(argv, None, b"", b"", 0.0, f"command not found: {argv[0]}")
    return None


async def run_argv(
    argv: list[str] | tuple[str, ...],
    *,
    timeout: float,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    on_output: Callable[[int, bytes], None] | None = None,
) -> CommandResult:
    """Run `argv` without a shell; kill it (and its group) on timeout. Never raises.

    `on_output(fd, chunk)`, when given, sees each chunk as it arrives (fd 1 stdout, 2 stderr),
    with this command's expanded `${ENV}` values already hidden (a value split across two
    chunks is hidden by whoever joins them: `redact_bytes` on the joined line)."""
    argv = tuple(str(a) for a in argv)
    missing = _missing(argv, env)
    if missing:
        return missing
    real, secrets, env_error = _expand(argv, env)
    if env_error:
        return CommandResult(argv, None, b"", b"", 0.0, env_error)
    start = time.perf_counter()
    try:
        proc = await asyncio.create_subprocess_exec(
            *real,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        return CommandResult(argv, None, b"", b"", time.perf_counter() - start, exc.strerror or str(exc))
    # Read both streams into buffers we own, so what a command printed before a timeout kill
    # is still shown (a cancelled `communicate()` throws its buffers away).
    out_buf, err_buf = bytearray(), bytearray()

    async def drain(stream: asyncio.StreamReader | None, buf: bytearray, fd: int) -> None:
        if stream is None:
            return
        while chunk := await stream.read(65536):
            if on_output is not None:
                on_output(fd, _scrub(chunk, secrets))
            if len(buf) < OUTPUT_CAP:
                buf += chunk[: OUTPUT_CAP - len(buf)]

    async def feed() -> None:
        if stdin is not None and proc.stdin is not None:
            try:
                proc.stdin.write(stdin)
                await proc.stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                proc.stdin.close()

    async def everything() -> None:
        await asyncio.gather(feed(), drain(proc.stdout, out_buf, 1), drain(proc.stderr, err_buf, 2))
        await proc.wait()

    try:
        await asyncio.wait_for(everything(), timeout)
    except TimeoutError:
        _kill_group(proc.pid)
        try:
            await asyncio.wait_for(proc.wait(), 2)
        except TimeoutError:
            pass
        close_transport(proc)
        return CommandResult(
            argv,
            None,
            _scrub(bytes(out_buf), secrets),
            _scrub(bytes(err_buf), secrets),
            time.perf_counter() - start,
            f"timed out after {timeout:g}s",
        )
    except asyncio.CancelledError:
        _kill_group(proc.pid)
        close_transport(proc)
        raise
    out, err = bytes(out_buf), bytes(err_buf)
    return CommandResult(
        argv,
        proc.returncode,
        _scrub(out[:OUTPUT_CAP], secrets),
        _scrub(err[:OUTPUT_CAP], secrets),
        time.perf_counter() - start,
    )


def run_argv_sync(
    argv: list[str] | tuple[str, ...],
    *,
    timeout: float,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> CommandResult:
    """The blocking twin of `run_argv`, for headless CLI commands and worker threads."""
    argv = tuple(str(a) for a in argv)
    missing = _missing(argv, env)
    if missing:
        return missing
    real, secrets, env_error = _expand(argv, env)
    if env_error:
        return CommandResult(argv, None, b"", b"", 0.0, env_error)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            real, input=stdin, capture_output=True, timeout=timeout, cwd=cwd, env=env, start_new_session=True
        )
    except subprocess.TimeoutExpired as exc:
        return CommandResult(
            argv,
            None,
            _scrub((exc.stdout or b"")[:OUTPUT_CAP], secrets),
            _scrub((exc.stderr or b"")[:OUTPUT_CAP], secrets),
            time.perf_counter() - start,
            f"timed out after {timeout:g}s",
        )
    except OSError as exc:
        return CommandResult(argv, None, b"", b"", time.perf_counter() - start, exc.strerror or str(exc))
    return CommandResult(
        argv,
        proc.returncode,
        _scrub(proc.stdout[:OUTPUT_CAP], secrets),
        _scrub(proc.stderr[:OUTPUT_CAP], secrets),
        time.perf_counter() - start,
    )


def close_transport(proc: asyncio.subprocess.Process) -> None:
    """Close a subprocess's pipes now, while the loop runs.

    A killed command whose grandchild (in another session) still holds stdout open leaves the
    transport open; closed later by the garbage collector after `asyncio.run` ended, it prints
    "Exception ignored ... Event loop is closed" on stderr. Closing it here does the same work
    while the loop is alive (asyncio's `Process` has no public way to do it).
    """
    transport = getattr(proc, "_transport", None)
    if transport is not None:
        try:
            transport.close()
        except RuntimeError:  # the loop is already closed: nothing left to tidy
            pass


def _kill_group(pid: int) -> None:
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
