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
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psutil

from warroom.config.model import ResourcesConfig
from warroom.domain.events import utc
from warroom.sanitize import clean
from warroom.sources.registry import RESOURCES
from warroom.sources.snapshots import (  # noqa: F401 (re-exported)
    CoreLoad,
    DiskUsage,
    MemoryUsage,
    ProcessUsage,
    ResourceSnapshot,
    SwapUsage,
    human_bytes,
    human_size,
)
from warroom.sources.tcp_states import tcp_states_from_proc, tcp_states_from_psutil

NO_PERMISSION = "connection states need root or CAP_NET_ADMIN"
BUSIEST = 4
FIRST_SAMPLE_GAP = 0.2


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
        busiest = sorted(
            (CoreLoad(i, round(p, 1)) for i, p in enumerate(per_core)), key=lambda c: (-c.percent, c.index)
        )
        vm, sw = psutil.virtual_memory(), psutil.swap_memory()
        memory = MemoryUsage(
            vm.total,
            vm.used,
            vm.free,
            getattr(vm, "shared", 0),
            getattr(vm, "buffers", 0) + getattr(vm, "cached", 0),
            vm.available,
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

    key = RESOURCES
    kind = RESOURCES

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
        except TimeoutError:
            return ResourceSnapshot(now, error=f"sampling took over {self.timeout:g}s (a hung mount?)")
        except Exception as exc:  # never take the app down
            return ResourceSnapshot(now, error=f"{type(exc).__name__}: {clean(str(exc), cap=300)}")

    async def aclose(self) -> None:
        return None  # worker threads are daemons and end with their sample
