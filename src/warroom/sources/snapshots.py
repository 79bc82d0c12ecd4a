"""The frozen snapshots sources return, one type per kind, importable without httpx or psutil.

Panes, the summary, `warroom snapshot` and the recorder's rules type their data with these
(`isinstance(snap, ProbeResult)`), and the screen's first frame does not wait for the HTTP client
or psutil: the sources import those when they are built. Each type prints itself for `warroom
snapshot` (`as_text`, `to_json`); `PollFailure` stands in when the poll itself failed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from warroom.domain.deploy_rules import Deploy
from warroom.domain.events import format_ts, utc
from warroom.domain.log_rules import LogGroup
from warroom.domain.resource_rules import resource_samples
from warroom.domain.signals import Sample
from warroom.sources.logcoverage import BackfillCoverage


@dataclass(frozen=True)
class PollFailure:
    """Stands in for a snapshot when the poll itself failed (deadline passed, a bug raised)."""

    taken_at: datetime
    error: str

    def as_text(self) -> str:
        return f"error: {self.error}"

    def to_json(self) -> dict[str, Any]:
        return {"taken_at": format_ts(self.taken_at), "error": self.error}


@dataclass(frozen=True)
class ProbeResult:
    """One probe run. `status_code` is None when no response arrived (curl prints 000)."""

    name: str
    url: str  # redacted: safe to show and store
    method: str
    taken_at: datetime
    ok: bool
    status_code: int | None
    elapsed: float  # seconds, DNS to last byte read (to the deadline when it timed out)
    failure: str | None  # one of FAILURE_CLASSES, None when ok
    error: str | None  # one human line: "timeout after 5s", "503 (expected 200-399)", ...
    body_excerpt: str = ""  # the start of the body, cleaned, at most EXCERPT_CHARS
    body_bytes: int = 0  # body bytes read (never more than 1 MiB)
    expected: str = ""  # the accepted statuses, e.g. "200-399"
    queued: float = 0.0  # seconds it waited to start (pacing of bursts; not part of `elapsed`)

    @property
    def status_text(self) -> str:
        """`200`, or `000` when there was no response (as curl prints it)."""
        return f"{self.status_code:03d}" if self.status_code is not None else "000"

    def curl_line(self) -> str:
        """`status=200 time=0.042s`; failures add `error=<class>` (and the detail when it helps)."""
        line = f"status={self.status_text} time={self.elapsed:.3f}s"
        if self.failure is None:
            return line
        line += " error=" + self.failure.replace(" ", "-")
        if self.failure == "unexpected status":
            line += f" (expected {self.expected})"
        elif self.error and self.failure not in ("timeout", "refused", "too many redirects"):
            line += f" ({self.error})"
        return line

    def as_text(self) -> str:
        """What `warroom snapshot` prints and a pin records: the playbook's curl line, plus the URL."""
        state = "UP" if self.ok else "FAILING"
        lines = [f"{self.method} {self.url}", f"{state}  {self.curl_line()}"]
        if self.error and not self.ok:
            lines.append(f"error: {self.error}")
        if self.body_excerpt and not self.ok:
            lines.append(f"body: {self.body_excerpt}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "method": self.method,
            "taken_at": format_ts(self.taken_at),
            "ok": self.ok,
            "status_code": self.status_code,
            "elapsed": round(self.elapsed, 6),
            "failure": self.failure,
            "error": self.error,
            "body_excerpt": self.body_excerpt,
            "body_bytes": self.body_bytes,
            "expected": self.expected,
            "queued": round(self.queued, 6),
        }


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    status: str  # degraded_performance | partial_outage | major_outage | under_maintenance | ...


@dataclass(frozen=True)
class StatusIncident:
    name: str
    status: str  # investigating | identified | monitoring | ...
    impact: str  # none | minor | major | critical


@dataclass(frozen=True)
class StatusPageResult:
    """One look at a status page. `indicator` is None when the page could not be read."""

    name: str
    url: str  # redacted
    taken_at: datetime
    indicator: str | None  # none | minor | major | critical
    description: str  # "All Systems Operational", "reachable (HTTP 200)", "" on error
    components: tuple[ComponentStatus, ...] = ()  # only the ones not operational
    incidents: tuple[StatusIncident, ...] = ()  # unresolved
    page_name: str = ""  # the provider's own name for the page (Statuspage JSON only)
    statuspage_json: bool = False  # True when the answer was Statuspage v2 JSON
    status_code: int | None = None
    elapsed: float = 0.0
    error: str | None = None

    @property
    def operational(self) -> bool:
        return self.error is None and self.indicator == "none" and not self.components

    def as_text(self) -> str:
        """What `warroom snapshot` prints and a pin records."""
        lines = [self.url]
        if self.error:
            lines.append(f"error: {self.error}")
        else:
            lines.append(f"{self.indicator}: {self.description}")
            lines += [f"  {c.name}: {c.status}" for c in self.components]
            lines += [f"  incident: {i.name} ({i.status}, impact {i.impact})" for i in self.incidents]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "taken_at": format_ts(self.taken_at),
            "indicator": self.indicator,
            "description": self.description,
            "components": [{"name": c.name, "status": c.status} for c in self.components],
            "incidents": [{"name": i.name, "status": i.status, "impact": i.impact} for i in self.incidents],
            "page_name": self.page_name,
            "statuspage_json": self.statuspage_json,
            "status_code": self.status_code,
            "elapsed": round(self.elapsed, 6),
            "error": self.error,
        }


@dataclass(frozen=True)
class LogCounts:
    """What one log looks like now. Everything a UI shows is already cleaned text."""

    name: str
    taken_at: datetime
    error: str | None  # "permission denied: /var/log/x.log", "command not found: kubectl", ...
    per_minute: tuple[int, ...]  # WINDOW_MINUTES counts, oldest first; last = current minute
    total: int  # matching lines counted since start (including the backfill window)
    top: tuple[LogGroup, ...]  # biggest groups first, at most TOP_GROUPS
    files: tuple[str, ...]  # paths followed now (empty for a command)
    waiting: bool  # nothing to read yet: the file (or any glob match) does not exist
    message: str  # one status line: "waiting for /var/log/x.log", "following 3 files", ...
    source: str  # the configured path/glob, or the command line
    pattern: str
    covered_minutes: int  # how many of the newest per_minute buckets were observed
    backfilled: int = 0  # of `total`, lines that came from the backfill window
    coverage: BackfillCoverage | None = None  # how much of the backfill window was counted

    @property
    def current_minute(self) -> int:
        return self.per_minute[-1] if self.per_minute else 0

    @property
    def last_full_minute(self) -> int:
        return self.per_minute[-2] if len(self.per_minute) > 1 else 0

    def as_text(self) -> str:
        """For `warroom snapshot`: like the seed's `grep | sort | uniq -c | sort -rn | head`."""
        out = [f"log {self.name}: {self.source} (pattern {self.pattern})"]
        if self.error:
            out.append(f"error: {self.error}")
        if self.message and self.message != self.error:
            out.append(self.message)
        out.append("per minute, oldest first: " + " ".join(str(n) for n in self.per_minute))
        backfilled = f" ({self.backfilled} from the backfill window)" if self.backfilled else ""
        out.append(f"total {self.total}{backfilled}")
        if self.coverage is not None:
            out += self.coverage.lines(self.taken_at)
        width = max([7] + [len(str(g.count)) for g in self.top])
        out += [f"{g.count:>{width}} {g.example}" for g in self.top]
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        """For `warroom snapshot --json`."""
        return {
            "name": self.name,
            "taken_at": format_ts(self.taken_at),
            "error": self.error,
            "per_minute": list(self.per_minute),
            "total": self.total,
            "top": [{"pattern": g.pattern_key, "count": g.count, "example": g.example} for g in self.top],
            "files": list(self.files),
            "waiting": self.waiting,
            "message": self.message,
            "source": self.source,
            "pattern": self.pattern,
            "covered_minutes": self.covered_minutes,
            "backfilled": self.backfilled,
            "backfill": self.coverage.to_json(self.taken_at) if self.coverage is not None else None,
        }


@dataclass(frozen=True)
class DeployList:
    """One look at a deploys source: its deploys newest first, and what went wrong if anything."""

    name: str
    kind: str  # git | kubectl | command
    taken_at: datetime
    deploys: tuple[Deploy, ...] = ()
    error: str | None = None
    unparsed: tuple[str, ...] = ()  # command kind: lines that were not deploys, as-is
    commands: tuple[str, ...] = ()  # the command lines run for this snapshot
    window: float | None = None  # git: seconds looked back

    def as_text(self) -> str:
        """Plain text like the CLI prints: one deploy a line, its rollback under it."""
        head = f"deploys {self.name} ({self.kind}"
        if self.window:
            head += f", last {_span(self.window)}"
        head += f") at {self.taken_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        lines = [head]
        if self.error:
            lines.append(f"error: {self.error}")
        if not self.deploys and not self.error:
            lines.append("no deploys")
        for d in self.deploys:
            when = f"{utc(d.at):%Y-%m-%d %H:%M:%S} UTC"
            where = f"deploy/{d.ref}" if d.revision is not None else d.ref
            what = d.subject or (f"image {d.image}" if d.image else "")
            cols = [c for c in (d.short, when, where, d.author, what) if c]
            lines.append("  ".join(cols))
            if d.image and d.subject:
                lines.append(f"    image: {d.image}")
            if d.rollback_command:
                lines.append(f"    rollback: {d.rollback_command}")
        lines += self.unparsed
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "taken_at": format_ts(self.taken_at),
            "error": self.error,
            "deploys": [d.to_json() for d in self.deploys],
            "unparsed": list(self.unparsed),
            "commands": list(self.commands),
            "window": self.window,
        }


def _span(seconds: float) -> str:
    s = int(seconds)
    if s % 86400 == 0:
        return f"{s // 86400}d"
    if s % 3600 == 0:
        return f"{s // 3600}h"
    if s % 60 == 0:
        return f"{s // 60}m"
    return f"{s}s"


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


def human_bytes(n: float) -> str:
    """`free -h` style: `0B`, `8.6Mi`, `406Mi`, `23Gi` (at most 4 characters before the `i`)."""
    n = max(0, int(n))
    if n < 1024:
        return f"{n}B"
    for power, unit in enumerate("KMGTPE", 1):
        value = n / 1024**power
        for text in (f"{value:.1f}{unit}", f"{int(value)}{unit}"):
            if len(text) <= 4:
                return text + "i"
    return f"{n / 1024**6:.0f}Ei"


def human_size(n: float) -> str:
    """`df -h` style, rounded up: `0`, `4.0K`, `916M`, `252G`."""
    n = max(0, int(n))
    if n < 1024:
        return str(n)
    value = float(n)
    for unit in "KMGTPE":
        value /= 1024
        tenths = math.ceil(value * 10) / 10
        if tenths < 10:
            return f"{tenths:.1f}{unit}"
        whole = math.ceil(value)
        if whole < 1024:
            return f"{whole}{unit}"
    return f"{math.ceil(value)}E"


@dataclass(frozen=True)
class CoreLoad:
    index: int
    percent: float


@dataclass(frozen=True)
class MemoryUsage:
    """Bytes, like `free -b`; `percent` is (total - available) / total."""

    total: int
    used: int
    free: int
    shared: int
    buff_cache: int
    available: int
    percent: float


@dataclass(frozen=True)
class SwapUsage:
    total: int
    used: int
    free: int


@dataclass(frozen=True)
class DiskUsage:
    """One configured mount, like a `df -h` row; `error` set (and sizes 0) if it can't be read."""

    mount: str
    size: int = 0
    used: int = 0
    avail: int = 0
    percent: float = 0.0  # used / (used + avail), as df computes Use%
    filesystem: str = ""
    mounted_on: str = ""
    error: str | None = None

    @property
    def use_text(self) -> str:
        """df's Use% column: rounded up, `-` for a filesystem with no blocks."""
        return "-" if self.used + self.avail == 0 else f"{math.ceil(self.percent)}%"


@dataclass(frozen=True)
class ProcessUsage:
    pid: int
    name: str
    cpu_percent: float  # of one core, like top (can exceed 100 for threaded processes)
    rss: int


@dataclass(frozen=True)
class ResourceSnapshot:
    """One look at the host. Fields are None / empty when that part could not be read."""

    taken_at: datetime
    error: str | None = None
    host: str = ""
    cpu_percent: float | None = None
    cpu_count: int = 0
    busiest_cores: tuple[CoreLoad, ...] = ()
    load: tuple[float, float, float] | None = None
    memory: MemoryUsage | None = None
    swap: SwapUsage | None = None
    disks: tuple[DiskUsage, ...] = ()
    tcp_states: tuple[tuple[str, int], ...] = ()  # (ss state name, count), most first
    tcp_error: str | None = None
    top_cpu: tuple[ProcessUsage, ...] = ()
    top_memory: tuple[ProcessUsage, ...] = ()

    @property
    def memory_percent(self) -> float | None:
        return self.memory.percent if self.memory else None

    @property
    def disk_percents(self) -> dict[str, float]:
        """{mount: use %} for the mounts that could be read (for `ResourceThresholds`)."""
        return {d.mount: d.percent for d in self.disks if d.error is None and d.used + d.avail > 0}

    def samples(self) -> list[Sample]:
        return resource_samples(self.cpu_percent, self.memory_percent, self.disk_percents, self.taken_at)

    def to_json(self) -> dict:
        data = asdict(self)
        data["taken_at"] = format_ts(self.taken_at)
        return data

    def as_text(self) -> str:
        """Plain text like `uptime`, `free -h`, `df -h`, `ss -tan | uniq -c` and `top` would show."""
        t = utc(self.taken_at)
        lines = [f"resources {self.host} at {t:%Y-%m-%d %H:%M:%S} UTC".replace("  ", " ")]
        if self.error:
            lines.append(f"error: {self.error}")
        if self.cpu_percent is not None:
            busiest = ", ".join(f"cpu{c.index} {c.percent:.0f}%" for c in self.busiest_cores)
            lines.append(
                f"cpu {self.cpu_percent:.0f}% of {self.cpu_count} cores" + (f"  busiest: {busiest}" if busiest else "")
            )
        if self.load:
            lines.append("load average: " + ", ".join(f"{x:.2f}" for x in self.load))
        if self.memory:
            m = self.memory
            lines.append(
                f"{'':<9}{'total':>11}{'used':>12}{'free':>12}{'shared':>12}{'buff/cache':>12}{'available':>12}"
            )
            lines.append(_free_row("Mem:", (m.total, m.used, m.free, m.shared, m.buff_cache, m.available)))
            if self.swap:
                lines.append(_free_row("Swap:", (self.swap.total, self.swap.used, self.swap.free)))
        if self.disks:
            lines.append(f"{'Filesystem':<16}{'Size':>6}{'Used':>6}{'Avail':>6}{'Use%':>5} Mounted on")
            for d in self.disks:
                if d.error:
                    lines.append(f"{d.mount}: {d.error}")
                    continue
                on = d.mounted_on if d.mounted_on in ("", d.mount) else f"{d.mounted_on} (for {d.mount})"
                lines.append(
                    f"{d.filesystem or '-':<16}{human_size(d.size):>6}{human_size(d.used):>6}"
                    f"{human_size(d.avail):>6}{d.use_text:>5} {on or d.mount}"
                )
        if self.tcp_error:
            lines.append(f"tcp states: {self.tcp_error}")
        elif self.tcp_states:
            lines.append("tcp states (ss -tan):")
            lines += [f"{count:>7} {state}" for state, count in self.tcp_states]
        for title, procs in (("top cpu", self.top_cpu), ("top memory", self.top_memory)):
            if procs:
                lines.append(f"{title}:")
                lines.append(f"{'PID':>9} {'CPU%':>6} {'RSS':>7} COMMAND")
                lines += [f"{p.pid:>9} {p.cpu_percent:>6.1f} {human_bytes(p.rss):>7} {p.name}" for p in procs]
        return "\n".join(lines)


def _free_row(label: str, values: tuple[int, ...]) -> str:
    return f"{label:<9}{human_bytes(values[0]):>11}" + "".join(f"{human_bytes(v):>12}" for v in values[1:])


@dataclass(frozen=True)
class AlertsSnapshot:
    """What the Alertmanager receiver (`[intake]`) holds now: firing alerts and the ones resolved
    in the last few minutes (newest first), and how its requests went. `recorded` carries the
    events written since the last look, so `warroom record` prints them and the screen's
    timeline reads them at once."""

    taken_at: datetime
    listen: str
    alerts: tuple[Any, ...] = ()  # `domain.alerts.Alert`, newest first
    received: int = 0  # notifications accepted
    rejected: int = 0  # requests answered 4xx
    last_rejection: str = ""
    truncated: int = 0  # `truncatedAlerts` of the newest notification that had any
    listening: bool = False
    error: str | None = None  # the receiver cannot listen (no such address, no token...)
    recorded: tuple[Any, ...] = ()
    #: Why this process is not the receiver while another is (its alerts come from the record).
    note: str = ""

    @property
    def firing(self) -> tuple[Any, ...]:
        return tuple(a for a in self.alerts if a.firing)

    def as_text(self) -> str:
        if self.error:
            return f"intake {self.listen}: error: {self.error}"
        where = (
            f"listening on {self.listen}"
            if self.listening
            else f"{self.listen} (receives under `warroom intake`, `warroom record` and the war room)"
        )
        lines = [f"intake {where}: {len(self.firing)} firing"]
        for a in self.alerts:
            lines.append(f"  {a.text()}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "taken_at": format_ts(self.taken_at),
            "listen": self.listen,
            "listening": self.listening,
            "error": self.error,
            "received": self.received,
            "rejected": self.rejected,
            "truncated_alerts": self.truncated,
            "alerts": [
                {
                    "alert": a.name,
                    "status": a.status,
                    "labels": dict(a.labels),
                    "annotations": dict(a.annotations),
                    "starts_at": format_ts(a.starts_at),
                    "ends_at": format_ts(a.ends_at) if a.ends_at else None,
                    "fingerprint": a.fingerprint,
                }
                for a in self.alerts
            ],
        }
