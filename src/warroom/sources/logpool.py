"""Running a scan over big byte ranges on every core: cut into pieces, one worker process each.

`run_pieces` cuts ranges into pieces and runs a picklable job over them in worker processes;
`prefork_pool` forks those workers ahead of time for a one-shot run (see its docstring).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

R = TypeVar("R")

PARALLEL_MIN = 32 * 1024 * 1024  # below this a backfill range is scanned in the calling thread
PIECE_MIN = 16 * 1024 * 1024


def split_range(start: int, end: int, pieces: int, piece_min: int = PIECE_MIN) -> list[tuple[int, int]]:
    """Cut [start, end) into about `pieces` parts of at least `piece_min` bytes (line
    alignment happens in the scan)."""
    pieces = max(1, min(pieces, (end - start) // max(1, piece_min)))
    step = (end - start) // pieces
    cuts = [start + i * step for i in range(pieces)] + [end]
    return [(cuts[i], cuts[i + 1]) for i in range(pieces)]


def _start_method() -> str:
    """`fork` when this process has a single thread (a one-shot `warroom snapshot`): workers start
    in milliseconds. With other threads alive (the war room) forking could copy a held lock into
    the child, so workers are spawned: slower to start, always safe."""
    import multiprocessing
    import threading

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def run_pieces(
    jobs: list[tuple[str, int, int]],
    job: Callable[[str, int, int], R],
    *,
    workers: int | None = None,
    min_parallel: int = PARALLEL_MIN,
    piece_min: int = PIECE_MIN,
    pool: Executor | None = None,
) -> list[list[R]]:
    """`job(path, start, end)` over each range; big totals are cut into pieces run by worker
    processes (forked when single-threaded, else spawned: see `_start_method`; `job` must be picklable),
    or by `pool` when given (e.g. workers forked earlier, see `prefork_pool`; left running).
    Returns, for each job in order, its pieces' results in file order."""
    workers = workers or os.cpu_count() or 1
    total = sum(e - s for _, s, e in jobs)
    if workers <= 1 or total < min_parallel:
        return [[job(p, s, e)] for p, s, e in jobs]
    parts = [
        (i, path, a, b) for i, (path, s, e) in enumerate(jobs) for a, b in split_range(s, e, workers * 2, piece_min)
    ]
    results: list[list[R]] = [[] for _ in jobs]
    own = pool is None
    if pool is None:
        pool = worker_pool(min(workers, len(parts)), _start_method())
    try:
        futures = [pool.submit(job, path, a, b) for _, path, a, b in parts]
        for (i, *_), fut in zip(parts, futures):
            results[i].append(fut.result())
    finally:
        if own:
            pool.shutdown()
    return results


def worker_pool(workers: int, method: str) -> ProcessPoolExecutor:
    """Worker processes that leave Ctrl+C to the parent (which stops them), not a traceback each."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method), initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def prefork_pool(workers: int | None = None) -> ProcessPoolExecutor | None:
    """Worker processes forked NOW, while this process has a single thread, for a backfill about
    to run in a worker thread (`warroom snapshot`): forked workers start in milliseconds, spawned
    ones re-import Python. None when forking is not safe here (other threads) or not possible."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or _start_method() != "fork":
        return None
    pool = worker_pool(workers, "fork")
    pool.submit(os.getpid).result()  # the first submit forks every worker (before its own thread)
    return pool
