"""The jump host's own resources, like `uptime`, `free -h`, `df -h` and `ss -tan | uniq -c`.

All psutil and /proc work runs in the source's own worker thread, one sample at a time
(never on the event loop, never in the loop's default executor where DNS lookups queue): `psutil.net_connections`
alone costs ~8 ms (37 ms with 2,000 sockets). One thread per source also keeps the CPU and
per-process counters, which are deltas between collects, consistent.

- CPU: overall and the 4 busiest cores, as deltas of `cpu_times` between collects (the first
  collect samples 0.2 s apart), independent of anyone else calling `psutil.cpu_percent`.
- TCP states: counted by `tcp_states` with `ss` names; when psutil needs root, `tcp_error` says so.
- Processes: `psutil.Process` objects are kept between collects; CPU % is the delta of CPU
  time over the wall time since the last collect (a process born since then: its lifetime
  average, like `ps`).
- A mount that cannot be read is an error on that mount only. A hung network mount blocks the
  worker thread: `collect` then returns an error snapshot after `timeout` and does not queue
  more work behind it.
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Callable

import psutil

from warroom.config.model import ResourcesConfig
from warroom.domain.events import format_ts, utc
from warroom.domain.resource_rules import resource_samples
from warroom.domain.signals import Sample
from warroom.sanitize import clean
from warroom.sources.tcp_states import tcp_states_from_proc, tcp_states_from_psutil

NO_PERMISSION = "connection states need root or CAP_NET_ADMIN"
BUSIEST = 4
FIRST_SAMPLE_GAP = 0.2


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
            lines.append(f"cpu {self.cpu_percent:.0f}% of {self.cpu_count} cores" + (f"  busiest: {busiest}" if busiest else ""))
        if self.load:
            lines.append("load average: " + ", ".join(f"{x:.2f}" for x in self.load))
        if self.memory:
            m = self.memory
            lines.append(f"{'':<9}{'total':>11}{'used':>12}{'free':>12}{'shared':>12}{'buff/cache':>12}{'available':>12}")
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


def _cpu_busy(t) -> tuple[float, float]:
    """(busy, total) seconds, counted the way psutil.cpu_percent does."""
    total = sum(t) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
    idle = t.idle + getattr(t, "iowait", 0.0)
    return total - idle, total


def _percent(before, after) -> float:
    b0, t0 = before
    b1, t1 = after
    dt = t1 - t0
    return 0.0 if dt <= 0 else max(0.0, min(100.0, (b1 - b0) / dt * 100.0))


class _Tracked:
    """A process being watched between two looks (updated in place)."""

    __slots__ = ("proc", "cpu", "seen")

    def __init__(self, proc: psutil.Process, cpu: float, seen: float) -> None:
        self.proc = proc
        self.cpu = cpu  # user + system seconds at the last look
        self.seen = seen  # monotonic time of the last look


class HostSampler:
    """The blocking part: call `sample()` from one thread only; it keeps state between calls."""

    def __init__(self, mounts: tuple[str, ...], top: int) -> None:
        self.mounts = mounts
        self.top = top
        self._cpu: list[tuple[float, float]] | None = None
        self._cpu_at = 0.0
        self._procs: dict[int, _Tracked] = {}

    def prime(self) -> None:
        """First CPU and process readings: percentages are deltas between two readings."""
        self._cpu = [_cpu_busy(t) for t in psutil.cpu_times(percpu=True)]
        self._cpu_at = time.monotonic()
        self._processes()

    def sample(self, now: datetime) -> ResourceSnapshot:
        if self._cpu is None:
            self.prime()
        gap = FIRST_SAMPLE_GAP - (time.monotonic() - self._cpu_at)
        if gap > 0:
            time.sleep(gap)  # in the worker thread: a delta over a few ms would be noise
        cores = [_cpu_busy(t) for t in psutil.cpu_times(percpu=True)]
        before = self._cpu or cores
        per_core = [_percent(b, a) for b, a in zip(before, cores)]
        overall = _percent(
            (sum(b for b, _ in before), sum(t for _, t in before)), (sum(b for b, _ in cores), sum(t for _, t in cores))
        )
        self._cpu, self._cpu_at = cores, time.monotonic()
        busiest = sorted((CoreLoad(i, round(p, 1)) for i, p in enumerate(per_core)), key=lambda c: (-c.percent, c.index))
        vm, sw = psutil.virtual_memory(), psutil.swap_memory()
        memory = MemoryUsage(
            vm.total, vm.used, vm.free, getattr(vm, "shared", 0),
            getattr(vm, "buffers", 0) + getattr(vm, "cached", 0), vm.available,
            round((vm.total - vm.available) / vm.total * 100, 1) if vm.total else 0.0,
        )
        try:
            load = tuple(round(x, 2) for x in os.getloadavg())
        except OSError:
            load = None
        states, tcp_error = self._tcp_states()
        procs = self._processes()
        return ResourceSnapshot(
            taken_at=utc(now),
            host=socket.gethostname(),
            cpu_percent=round(overall, 1),
            cpu_count=len(cores),
            busiest_cores=tuple(busiest[:BUSIEST]),
            load=load,  # type: ignore[arg-type]
            memory=memory,
            swap=SwapUsage(sw.total, sw.used, sw.free),
            disks=tuple(self._disk(m) for m in self.mounts),
            tcp_states=tuple(sorted(states.items(), key=lambda kv: (-kv[1], kv[0]))),
            tcp_error=tcp_error,
            top_cpu=tuple(sorted(procs, key=lambda p: (-p.cpu_percent, p.pid))[: self.top]),
            top_memory=tuple(sorted(procs, key=lambda p: (-p.rss, p.pid))[: self.top]),
        )

    def _disk(self, mount: str) -> DiskUsage:
        try:
            usage = psutil.disk_usage(mount)
        except OSError as exc:
            return DiskUsage(mount, error=exc.strerror or str(exc))
        mounted_on = os.path.realpath(mount)
        while not os.path.ismount(mounted_on) and mounted_on != "/":
            mounted_on = os.path.dirname(mounted_on)
        device = ""
        for part in psutil.disk_partitions(all=True):
            if part.mountpoint == mounted_on:
                device = part.device  # the last one mounted there is the one in use
        return DiskUsage(mount, usage.total, usage.used, usage.free, usage.percent, clean(device, cap=100), mounted_on)

    @staticmethod
    def _tcp_states() -> tuple[dict[str, int], str | None]:
        if os.path.exists("/proc/net/tcp"):
            try:
                return tcp_states_from_proc(), None
            except OSError:
                pass  # fall through to psutil
        try:
            return tcp_states_from_psutil(), None
        except psutil.AccessDenied:
            return {}, NO_PERMISSION
        except (OSError, psutil.Error) as exc:
            return {}, f"connection states unavailable: {exc}"

    def _processes(self) -> list[ProcessUsage]:
        out: list[ProcessUsage] = []
        alive: dict[int, _Tracked] = {}
        for pid in psutil.pids():
            tracked = self._procs.get(pid)
            try:
                proc = tracked.proc if tracked else psutil.Process(pid)
                with proc.oneshot():
                    times = proc.cpu_times()
                    rss = proc.memory_info().rss
                    name = proc.name()
                    seen = time.monotonic()
                    cpu = times.user + times.system
                    if tracked and cpu >= tracked.cpu and seen > tracked.seen:
                        percent = (cpu - tracked.cpu) / (seen - tracked.seen) * 100
                    else:  # new (or a reused pid): lifetime average, like ps
                        percent = cpu / max(time.time() - proc.create_time(), 1e-3) * 100
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
            alive[pid] = _Tracked(proc, cpu, seen)
            out.append(ProcessUsage(pid, clean(name, cap=64), round(max(percent, 0.0), 1), rss))
        self._procs = alive
        return out


class ResourcesSource:
    """`[resources]` as a source: key `resources`, kind `resources`."""

    key = "resources"
    kind = "resources"

    def __init__(self, config: ResourcesConfig, *, timeout: float = 10.0) -> None:
        self.config = cfg = config
        self.interval = cfg.interval
        self.timeout = timeout
        self._sampler = HostSampler(tuple(cfg.mounts), cfg.top)
        self._busy_since: float | None = None  # set while a worker thread is sampling

    def _in_thread(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """Run `fn` in a fresh daemon thread (one at a time): a thread stuck on a dead mount
        must not keep the process from exiting, which an executor's worker would."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future = loop.create_future()
        # a result that arrives after the caller gave up is dropped without a warning
        fut.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._busy_since = time.monotonic()

        def deliver(ok: bool, value: Any) -> None:
            if not fut.done():
                fut.set_result(value) if ok else fut.set_exception(value)

        def target() -> None:
            try:
                ok, value = True, fn(*args)
            except Exception as exc:
                ok, value = False, exc
            finally:
                self._busy_since = None
            try:
                loop.call_soon_threadsafe(deliver, ok, value)
            except RuntimeError:
                pass  # the loop is gone; nobody is waiting

        threading.Thread(target=target, name="warroom-resources", daemon=True).start()
        return fut

    async def prime(self) -> None:
        """Take the first CPU and process readings now, so the first `collect` has deltas."""
        if self._busy_since is None:
            try:
                await asyncio.wait_for(self._in_thread(self._sampler.prime), self.timeout)
            except Exception:
                pass  # collect primes itself and reports any error

    async def collect(self, now: datetime) -> ResourceSnapshot:
        """Sample in a worker thread. Never raises; a stuck sample becomes an error snapshot."""
        now = utc(now)
        busy = self._busy_since
        if busy is not None:
            stuck = time.monotonic() - busy
            return ResourceSnapshot(now, error=f"previous sample still running after {stuck:.0f}s (a hung mount?)")
        try:
            return await asyncio.wait_for(asyncio.shield(self._in_thread(self._sampler.sample, now)), self.timeout)
        except asyncio.TimeoutError:
            return ResourceSnapshot(now, error=f"sampling took over {self.timeout:g}s (a hung mount?)")
        except Exception as exc:  # never take the app down
            return ResourceSnapshot(now, error=f"{type(exc).__name__}: {clean(str(exc), cap=300)}")

    async def aclose(self) -> None:
        return None  # worker threads are daemons and end with their sample
