"""`warroom run -- ARGV...`: run a command in this terminal and record it on the incident's timeline.

The command runs with no shell (ARGV is the argv list), its stdin is this terminal's, and what it
prints reaches this terminal's stdout and stderr unchanged, chunk by chunk as it arrives; a copy of
the last lines is kept. When it ends, a `command.run` event records the command line, exit code,
duration and that output tail, with secrets hidden (`warroom.redact.redact_argv`, `redact_text`),
and warroom exits with the command's own exit code:

- a command that cannot start prints one line and exits 127 (not found) or 126 (not executable),
  and that is recorded too;
- Ctrl+C (SIGINT), SIGTERM and SIGHUP are passed on to the command, which decides what they mean
  (Ctrl+C typed in the terminal reaches it from the terminal, in our process group; a SIGINT
  sent to warroom alone is forwarded);
  killed by a signal it exits 128+N (130 for Ctrl+C) like a shell would, and that is recorded.

The incident is resolved before the command runs: with no open incident (and no `--incident`) the
command is refused with one line and does not run. The database is not held while it runs.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import TYPE_CHECKING

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import ACTOR_ARG, INCIDENT_ARG, current_actor, open_store, resolve_incident
from warroom.domain.event_payloads import command_run
from warroom.domain.events import Kind, short_id
from warroom.errors import UserError
from warroom.runner import OutputTail

if TYPE_CHECKING:
    import argparse
    import subprocess
    from types import SimpleNamespace

ARGS = ArgSpec(
    Arg("argv", nargs="+", metavar="ARGV", help="the command and its arguments, after `--` (run with no shell)"),
    ACTOR_ARG,
    INCIDENT_ARG,
)

#: What the event keeps of the output: at most this many lines, and at most this many characters.
TAIL_LINES = 40
TAIL_CHARS = 4096
_CHUNK = 65536
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _write(stream: object, data: bytes) -> bool:
    """Pass a chunk on to this terminal; False once the reader has gone (the copy still goes on)."""
    try:
        out = stream.buffer  # type: ignore[attr-defined]
        out.write(data)
        out.flush()
        return True
    except (BrokenPipeError, ValueError, OSError):
        return False


def _pump(proc: subprocess.Popen[bytes], tail: OutputTail) -> None:
    """Copy the child's stdout and stderr to ours as they arrive, keeping the tail, until both
    close (or the child has exited and nothing more comes: a daemon it left may hold them open)."""
    import selectors

    sel = selectors.DefaultSelector()
    targets = {}
    for pipe, stream in ((proc.stdout, sys.stdout), (proc.stderr, sys.stderr)):
        assert pipe is not None
        sel.register(pipe.fileno(), selectors.EVENT_READ)
        targets[pipe.fileno()] = [stream, True]
    try:
        while targets:
            ready = sel.select(timeout=0.2)
            if not ready and proc.poll() is not None:
                break
            for key, _ in ready:
                fd = key.fd
                data = os.read(fd, _CHUNK)
                if not data:
                    sel.unregister(fd)
                    del targets[fd]
                    continue
                tail.add(data)
                target = targets[fd]
                if target[1]:
                    target[1] = _write(target[0], data)
    finally:
        sel.close()


def _secrets_from_config(args: argparse.Namespace | SimpleNamespace) -> None:
    """Register the config's `${ENV}` values, so the record hides them (a missing config is fine)."""
    from warroom.commands.context import load_config_for
    from warroom.redact import register_config_secrets

    try:
        register_config_secrets(load_config_for(args))
    except (UserError, OSError, ValueError):
        pass  # a broken config must not stop the command; its mistakes show on `warroom config check`


def _terminal_delivers_ctrl_c() -> bool:
    """Whether we (and so the command, in our process group) are the terminal's foreground job:
    then Ctrl+C reaches the command from the terminal itself, and is not sent a second time."""
    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return False
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(fd)


def execute(argv: list[str]) -> tuple[int, float, str | None, bool, OutputTail]:
    """Run argv, passing its output through; (exit code, seconds, why it could not start, whether
    a signal was passed on to it, the output tail)."""
    import subprocess

    tail = OutputTail(keep_bytes=4 * TAIL_CHARS)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        return 127, time.monotonic() - started, "command not found", False, tail
    except PermissionError:
        return 126, time.monotonic() - started, "permission denied", False, tail
    except OSError as exc:
        return 126, time.monotonic() - started, exc.strerror or str(exc), False, tail
    forwarded = []
    tty_delivers = _terminal_delivers_ctrl_c()

    def forward(signum: int, _frame: object) -> None:
        forwarded.append(signum)
        if signum == signal.SIGINT and tty_delivers:
            return  # Ctrl+C reached the command from the terminal already: a second one could end a REPL
        try:
            proc.send_signal(signum)
        except OSError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    code = 0
    try:
        _pump(proc, tail)
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:  # only if a handler was not in place yet
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    if code < 0:
        code = 128 - code  # killed by signal N: 128+N, as a shell reports it
    return code, time.monotonic() - started, None, bool(forwarded), tail


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    from warroom.redact import redact_argv

    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv or not argv[0]:
        raise UserError("nothing to run: warroom run -- COMMAND [ARGS...]")
    actor = current_actor(args)
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)  # no incident: refused before anything runs
    _secrets_from_config(args)
    code, seconds, error, interrupted, tail = execute(argv)
    if error:
        from warroom.sanitize import visible

        print(f"warroom: {visible(argv[0])}: {error}", file=sys.stderr, flush=True)
    shown, secrets = redact_argv(argv)
    output, lines_cut = tail.text(secrets, max_lines=TAIL_LINES, max_chars=TAIL_CHARS)
    payload = command_run(
        argv=shown,
        exit_code=code,
        duration_s=round(seconds, 3),
        output=output,
        lines_cut=lines_cut,
        error=error,
        interrupted=interrupted,
    )
    try:
        with open_store(args) as store:
            ev = store.append(incident_id, Kind.COMMAND_RUN, payload, actor=actor)
    except UserError as exc:  # the command ran: its exit code still stands
        print(f"warroom: error: not recorded: {exc}", file=sys.stderr, flush=True)
        return code
    if ev is not None:
        print(f"warroom: {short_id(incident_id)} #{ev.id} recorded (exit {code})", file=sys.stderr, flush=True)
    return code
