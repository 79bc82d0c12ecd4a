"""Run one mitigation option, streaming its output, and record it as a `mitigation` event.

Shared by the mitigation screen and `warroom mitigate NAME` (no Textual here), so both run and
record a mitigation the same way:

- `run_mitigation(option, on_line=...)`: when the option has a `capture_argv` it runs first (the
  playbook's "capture state first if possible") and its output is kept; then the option's argv runs
  through the one runner (`warroom.runner.run_argv`: an argv list, never a shell, in its own
  process group, so a timeout kills the command and everything it started), with the option's
  timeout. Each line it prints (stdout and stderr, as they arrive) goes to `on_line` with escape
  sequences and control characters stripped and secrets hidden. A command that cannot start
  (not on PATH, not executable) is an outcome with `error` set, never an exception.
- `mitigation_payload(option, outcome)`: the event's payload, every command and output redacted
  (`redact.redact_argv`, the config's `${ENV}` values, credential shapes).
- `record_mitigation(store, ...)` / `record_mitigation_async(store, ...)`: append that event through
  the sync store (commands) or the async one (the screen).

The mitigation being run is an effect outside the record: callers ask first (the screen's
`ConfirmScreen`, the CLI's "Run? [y/N]").
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from warroom.domain import catalogue
from warroom.domain.events import Event, Kind
from warroom.domain.mitigation import MitigationOption
from warroom.records import Record, record
from warroom.redact import redact_argv, redact_output, redact_values
from warroom.runner import OutputTail, run_argv
from warroom.sanitize import clean

if TYPE_CHECKING:
    from datetime import datetime

    from warroom.config.model import Config
    from warroom.domain.deploy_rules import Deploy
    from warroom.store.aio import AsyncEventStore
    from warroom.store.sync import EventStore

#: What the event keeps of each command's output: the last lines, at most this many characters.
TAIL_LINES = 20
TAIL_CHARS = 4096
#: A streamed line longer than this is cut (with an ellipsis) before it reaches `on_line`.
LINE_CAP = 1000
#: Bytes of an unfinished line held before they are shown anyway.
PARTIAL_CAP = 64 * 1024

LineSink = Callable[[str], None]


@record
class CommandOutcome(Record):
    """How one command ended: `exit_code` None when it could not start or timed out."""

    argv: tuple[str, ...]  # redacted, as shown and recorded
    exit_code: int | None
    timed_out: bool
    duration_s: float
    output: str  # the redacted tail
    lines_cut: int = 0
    error: str | None = None  # "command not found: kubectl", "timed out after 60s"

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.error


@record
class MitigationOutcome(Record):
    """What running a mitigation did: its own command's result and, if state was captured first,
    the capture's. `output` and `capture_output` are redacted tails (last ~20 lines, 4 KB)."""

    argv: tuple[str, ...]  # redacted
    exit_code: int | None  # None: could not start, or timed out
    timed_out: bool
    duration_s: float
    output: str
    lines_cut: int = 0
    error: str | None = None
    capture: CommandOutcome | None = None
    #: Stopped by the person running it (Ctrl+C): the command's process group was killed.
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """The mitigation's command ran and exited 0."""
        return self.exit_code == 0 and not self.timed_out and not self.error and not self.interrupted

    @property
    def capture_output(self) -> str:
        return self.capture.output if self.capture is not None else ""

    def describe(self) -> str:
        """`exit 0 in 1.2s`, `exit 3 in 0.1s`, `timed out after 5s`, `could not start: command not found: x`."""
        if self.timed_out:
            return f"timed out after {self.duration_s:.1f}s (the command and its children were killed)"
        if self.interrupted:
            return f"interrupted after {self.duration_s:.1f}s (the command and its children were killed)"
        if self.exit_code is None:
            return f"could not start: {self.error or 'unknown error'}"
        return f"exit {self.exit_code} in {self.duration_s:.1f}s"


class _Lines:
    """Splits one stream's chunks into lines, hiding secrets and escapes before `on_line`."""

    def __init__(self, sink: LineSink | None, secrets: Sequence[str]) -> None:
        self.sink = sink
        self.secrets = list(secrets)
        self.partial = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.partial += chunk
        *whole, rest = bytes(self.partial).split(b"\n")
        self.partial = bytearray(rest)
        for raw in whole:
            self._emit(raw)
        if len(self.partial) > PARTIAL_CAP:  # a line that never ends (a progress bar): show it so far
            self.flush()

    def flush(self) -> None:
        if self.partial:
            self._emit(bytes(self.partial))
            self.partial.clear()

    def _emit(self, raw: bytes) -> None:
        if self.sink is None:
            return
        self.sink(clean(redact_output(raw.rstrip(b"\r"), self.secrets), cap=LINE_CAP))


def _guarded(sink: LineSink | None) -> LineSink | None:
    """`sink`, silenced after its first exception: a display that broke must not stop the
    command or its record."""
    if sink is None:
        return None
    broken = False

    def safe(line: str) -> None:
        nonlocal broken
        if broken:
            return
        try:
            sink(line)
        except Exception:
            broken = True

    return safe


async def _run_one(
    argv: tuple[str, ...],
    *,
    timeout: float,
    cwd: str | None,
    env: Mapping[str, str] | None,
    secrets: Sequence[str],
    on_line: LineSink | None,
) -> CommandOutcome:
    shown, argv_secrets = redact_argv(argv)
    hidden = [*secrets, *argv_secrets]
    if on_line is not None:
        on_line("$ " + clean(shlex.join(shown), cap=LINE_CAP))
    tail = OutputTail(keep_bytes=4 * TAIL_CHARS)
    streams = {1: _Lines(on_line, hidden), 2: _Lines(on_line, hidden)}

    def arrived(fd: int, chunk: bytes) -> None:
        tail.add(chunk)
        streams[fd].feed(chunk)

    started = time.monotonic()
    result = await run_argv(
        argv, timeout=timeout, cwd=cwd, env=dict(env) if env is not None else None, on_output=arrived
    )
    duration = result.duration if result.duration else time.monotonic() - started
    for lines in streams.values():
        lines.flush()
    output, lines_cut = tail.text(hidden, max_lines=TAIL_LINES, max_chars=TAIL_CHARS)
    timed_out = result.exit_code is None and (result.error or "").startswith("timed out")
    error = redact_values(result.error, hidden) if result.error else None
    return CommandOutcome(
        argv=tuple(shown),
        exit_code=result.exit_code,
        timed_out=timed_out,
        duration_s=round(duration, 3),
        output=output,
        lines_cut=lines_cut,
        error=error,
    )


async def run_mitigation(
    option: MitigationOption,
    *,
    on_line: LineSink | None = None,
    env: Mapping[str, str] | None = None,
    secrets: Sequence[str] = (),
) -> MitigationOutcome:
    """Capture state (when the option says how), then run the option's command; never raises for
    a command that fails, times out or cannot start (the outcome says which).

    `on_line` receives every output line as it arrives, cleaned and redacted, and a `$ <command>`
    line announcing each command before it starts (the capture first, then the mitigation).
    `env` replaces the environment of both commands (None: this process's); `secrets` are more
    values to hide beyond the known ones (`redact.register_config_secrets`)."""
    if not option.argv:
        return MitigationOutcome(
            argv=(),
            exit_code=None,
            timed_out=False,
            duration_s=0.0,
            output="",
            error=option.not_runnable or "nothing to run",
        )
    on_line = _guarded(on_line)
    capture = None
    if option.capture_argv:
        capture = await _run_one(
            option.capture_argv, timeout=option.timeout, cwd=option.cwd, env=env, secrets=secrets, on_line=on_line
        )
    main = await _run_one(
        option.argv, timeout=option.timeout, cwd=option.cwd, env=env, secrets=secrets, on_line=on_line
    )
    return MitigationOutcome(
        argv=main.argv,
        exit_code=main.exit_code,
        timed_out=main.timed_out,
        duration_s=main.duration_s,
        output=main.output,
        lines_cut=main.lines_cut,
        error=main.error,
        capture=capture,
    )


def interrupted_outcome(option: MitigationOption, duration_s: float) -> MitigationOutcome:
    """The outcome of a run stopped part-way (Ctrl+C in `warroom mitigate`): cancelling
    `run_mitigation` kills the command's process group; what it printed was shown, not kept."""
    return MitigationOutcome(
        argv=tuple(redact_argv(option.argv)[0]),
        exit_code=None,
        timed_out=False,
        duration_s=round(duration_s, 3),
        output="",
        error="interrupted: the command and its children were killed",
        interrupted=True,
    )


def mitigation_payload(option: MitigationOption, outcome: MitigationOutcome) -> dict:
    """The `mitigation` event's payload: what ran (redacted) and how it ended."""
    capture = outcome.capture
    argv = list(outcome.argv) or redact_argv(option.argv)[0] or [option.name]
    return catalogue.mitigation_run(
        kind=option.kind,
        name=option.name,
        title=option.title if option.title != option.name else "",
        origin=option.origin,
        argv=argv,
        exit_code=outcome.exit_code,
        timed_out=outcome.timed_out,
        interrupted=outcome.interrupted,
        duration_s=outcome.duration_s,
        output=outcome.output,
        lines_cut=outcome.lines_cut,
        error=outcome.error,
        capture_argv=list(capture.argv) if capture is not None else None,
        capture_output=capture.output if capture is not None else "",
        capture_exit_code=capture.exit_code if capture is not None else None,
        capture_error=capture.error if capture is not None else None,
    )


def record_mitigation(
    store: EventStore, incident_id: int, option: MitigationOption, outcome: MitigationOutcome, *, actor: str
) -> Event | None:
    """Append the `mitigation` event through the sync store (the CLI)."""
    return store.append(incident_id, Kind.MITIGATION, mitigation_payload(option, outcome), actor=actor)


async def record_mitigation_async(
    store: AsyncEventStore, incident_id: int, option: MitigationOption, outcome: MitigationOutcome, *, actor: str
) -> Event | None:
    """Append the `mitigation` event through the async store (the screen)."""
    return await store.append(incident_id, Kind.MITIGATION, mitigation_payload(option, outcome), actor=actor)


async def collect_deploys(
    config: Config, detected_at: datetime | None, now: datetime
) -> tuple[list[Deploy], list[str]]:
    """Every configured `[[deploys]]` source looked at once (as `warroom snapshot` does), reaching
    back to the suspects' window before detection: (all deploys, one line per source that failed)."""
    import asyncio

    from warroom.domain.deploy_rules import RECENT
    from warroom.sources.registry import DEPLOYS, build_sources

    sources = [s for s in build_sources(config) if s.kind == DEPLOYS]
    for source in sources:
        reach_back = getattr(source, "reach_back", None)
        if callable(reach_back) and detected_at is not None:
            reach_back(detected_at - RECENT)
    try:
        found = await asyncio.gather(*(s.collect(now) for s in sources))
    finally:
        for source in sources:
            await source.aclose()
    deploys = [d for snap in found for d in getattr(snap, "deploys", ())]
    errors = [f"{s.key}: {snap.error}" for s, snap in zip(sources, found) if getattr(snap, "error", None)]
    return deploys, errors
