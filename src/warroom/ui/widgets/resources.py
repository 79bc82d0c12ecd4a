"""The resources pane: CPU, memory, disks and TCP connections of this host, like the seed's checks.

    CPU    37% ███▋        2 cores · busiest cpu1 60% · load 0.52 0.40 0.33  ▂▃▃▅▇▆▃
    Mem    61% ██████      4.7Gi of 7.8Gi · available 3.1Gi · swap 0B of 2.0Gi
    Disk   42% ████▏       /      21G of 50G
    Disk   96% █████████▋  /var   48G of 50G  ▲ FULL (≥ 95%)
    TCP    ESTAB 34 · TIME-WAIT 12 · LISTEN 8 · CLOSE-WAIT 2
    Top    python3 45% · postgres 12% · nginx 3%

With room to spare (a tall terminal, `z`), a process table follows (detail rows): the busiest
and the biggest processes with pid, CPU and resident memory, like `top`.

Sampling happens in the source's thread (psutil never runs on the event loop); this only renders.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content

from warroom.config.model import ResourcesConfig
from warroom.layout.sparkline_text import bar, sparkline
from warroom.sources.snapshots import ProcessUsage, ResourceSnapshot, human_bytes, human_size
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    WARN_STYLE,
    Detail,
    SourceInfo,
    SourcePane,
    age_text,
    error_row,
    freshness,
    line,
    pad,
    rpad,
    seconds_since,
    untrusted,
)

if TYPE_CHECKING:
    from warroom.scheduler import SourceUpdate

CPU_HISTORY = 60
BAR_WIDTH = 10


def _level_style(percent: float, threshold: float) -> str:
    if percent >= threshold:
        return BAD_STYLE
    if percent >= threshold - 10:
        return WARN_STYLE
    return ""


class ResourcesPane(SourcePane):
    """This host's CPU, memory, disks, TCP states and busiest processes."""

    TITLE = "Resources"
    EMPTY = 'Host resources are off. Add to warroom.toml:\n  [resources]\n  mounts = ["/", "/var"]\n  interval = 2'
    MIN_ROWS = 3
    WHOLE = True

    ONE_SOURCE = True

    def __init__(self, source: SourceInfo | None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([source] if source is not None else [], id=id, classes=classes)
        self.cpu_history: deque[float | None] = deque(maxlen=CPU_HISTORY)
        self._last_taken: datetime | None = None

    @property
    def thresholds(self) -> tuple[float, float]:
        cfg = self.sources[0].config if self.sources else None
        cfg = cfg if isinstance(cfg, ResourcesConfig) else ResourcesConfig()
        return float(cfg.disk_threshold), float(cfg.memory_threshold)

    def received(self, update: SourceUpdate, now: datetime) -> None:
        snap = update.snapshot
        if isinstance(snap, ResourceSnapshot) and snap.taken_at != self._last_taken:
            self._last_taken = snap.taken_at
            self.cpu_history.append(snap.cpu_percent)

    def rows(self, now: datetime) -> list[Content | Detail]:
        update = self.updates.get(self.sources[0].key)
        if update is None:
            return [line(("waiting for the first sample", MUTED_STYLE))]
        snap = update.snapshot if isinstance(update.snapshot, ResourceSnapshot) else update.last_good
        out: list[Content | Detail] = []
        if update.error:
            out.append(error_row(update, now))
        stale = freshness(update, now)
        if stale:
            out.append(line(stale))
        if snap is None:
            return out
        disk_threshold, memory_threshold = self.thresholds
        age = age_text(seconds_since(snap.taken_at, now))
        if snap.cpu_percent is not None:
            busiest = ", ".join(f"cpu{c.index} {c.percent:.0f}%" for c in snap.busiest_cores[:2])
            load = " ".join(f"{x:.2f}" for x in snap.load) if snap.load else "-"
            out.append(
                line(
                    "CPU  ",
                    f"{snap.cpu_percent:>4.0f}% ",
                    bar(snap.cpu_percent / 100, BAR_WIDTH),
                    "  ",
                    f"{snap.cpu_count} cores",
                    f" · busiest {busiest}" if busiest else "",
                    f" · load {load}  ",
                    (sparkline(self.cpu_history, 20, ceiling=100.0), MUTED_STYLE),
                    (f"  {age} ago", MUTED_STYLE),
                )
            )
        if snap.memory is not None:
            m = snap.memory
            style = _level_style(m.percent, memory_threshold)
            flag = (f"  ▲ HIGH (≥ {memory_threshold:g}%)", BAD_STYLE) if m.percent >= memory_threshold else ""
            swap = f" · swap {human_bytes(snap.swap.used)} of {human_bytes(snap.swap.total)}" if snap.swap else ""
            out.append(
                line(
                    "Mem  ",
                    (f"{m.percent:>4.0f}% ", style),
                    (bar(m.percent / 100, BAR_WIDTH), style),
                    "  ",
                    f"{human_bytes(m.total - m.available)} of {human_bytes(m.total)} · available {human_bytes(m.available)}{swap}",
                    flag,
                )
            )
        mount_w = max((len(untrusted(d.mount, 30)) for d in snap.disks), default=1)
        for d in snap.disks:
            mount = pad(untrusted(d.mount, 30), mount_w)
            if d.error:
                out.append(line("Disk ", ("    ✖ ", BAD_STYLE), mount, "  ", (untrusted(d.error), BAD_STYLE)))
                continue
            style = _level_style(d.percent, disk_threshold)
            flag = (f"  ▲ FULL (≥ {disk_threshold:g}%)", BAD_STYLE) if d.percent >= disk_threshold else ""
            out.append(
                line(
                    "Disk ",
                    (f"{d.use_text:>5} ", style),
                    (bar(d.percent / 100, BAR_WIDTH), style),
                    "  ",
                    mount,
                    f"  {human_size(d.used)} of {human_size(d.size)}",
                    flag,
                )
            )
        if snap.tcp_error:
            out.append(line("TCP  ", (untrusted(snap.tcp_error), WARN_STYLE)))
        elif snap.tcp_states:
            out.append(line("TCP  ", " · ".join(f"{state} {count:,}" for state, count in snap.tcp_states)))
        if snap.top_cpu:
            out.append(
                line("Top  ", " · ".join(f"{untrusted(p.name, 30)} {p.cpu_percent:.0f}%" for p in snap.top_cpu[:5]))
            )
        if snap.top_memory:
            out.append(
                line("RSS  ", " · ".join(f"{untrusted(p.name, 30)} {human_bytes(p.rss)}" for p in snap.top_memory[:5]))
            )
        out += [Detail(row) for row in process_table(snap, human_bytes)]
        return out

    def pin_text(self, key: str) -> str:
        update = self.updates.get(key)
        if update is None:
            return "no sample yet"
        return update.snapshot.as_text()


def process_table(snap: ResourceSnapshot, human_bytes: Callable[[float], str]) -> list[Content]:
    """The busiest and biggest processes (each once), busiest first: `  4711  92.0%  67Mi  pytest`."""
    seen: dict[int, ProcessUsage] = {}
    for p in (*snap.top_cpu, *snap.top_memory):
        seen.setdefault(p.pid, p)
    if not seen:
        return []
    procs = sorted(seen.values(), key=lambda p: (-p.cpu_percent, -p.rss, p.pid))
    pid_w = max(5, *(len(str(p.pid)) for p in procs))
    out = [line((f"     {rpad('PID', pid_w)}   CPU%      RSS  PROCESS", MUTED_STYLE))]
    for p in procs:
        out.append(
            line(
                f"     {rpad(str(p.pid), pid_w)}  {p.cpu_percent:>5.1f}  {rpad(human_bytes(p.rss) if p.rss else '-', 7)}  ",
                untrusted(p.name, 60),
            )
        )
    return out
