"""Appends per second, one committed transaction per event, through the async store.

Reference measured in the same run: raw sqlite3 in WAL+NORMAL with one BEGIN IMMEDIATE/COMMIT per
row, and plain aiosqlite doing the same with three awaited statements. Target: >= 2,000/s.
Prints PASS or FAIL and exits 1 when the target is missed (see verdict.py).
Usage: python benchmarks/append_rate.py [N]
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import aiosqlite
from verdict import Verdict, sized

from warroom.store.aio import AsyncEventStore

TARGET_RATE = 2000  # committed appends per second


def raw_sqlite(path: Path, n: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    start = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (payload) VALUES (?)", (f'{{"text": "{i}"}}',))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


async def plain_aiosqlite(path: Path, n: int) -> float:
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
        start = time.perf_counter()
        for i in range(n):
            await db.execute("BEGIN IMMEDIATE")
            await db.execute("INSERT INTO t (payload) VALUES (?)", (f'{{"text": "{i}"}}',))
            await db.execute("COMMIT")
        return n / (time.perf_counter() - start)


async def warroom_store(path: Path, n: int) -> float:
    store = await AsyncEventStore.open(path)
    inc = (await store.declare("bench", 3, actor="bench")).incident_id
    start = time.perf_counter()
    for i in range(n):
        await store.append(inc, "note", {"text": str(i)}, actor="bench")
    rate = n / (time.perf_counter() - start)
    await store.close()
    return rate


def main() -> int:
    verdict = Verdict()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else sized(5000, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        raw = raw_sqlite(Path(tmp) / "raw.db", n)
        plain = asyncio.run(plain_aiosqlite(Path(tmp) / "plain.db", n))
        ours = asyncio.run(warroom_store(Path(tmp) / "warroom.db", n))
    print(f"raw sqlite3 (WAL+NORMAL)     {raw:9.0f} appends/s")
    print(f"aiosqlite, 3 awaits/append   {plain:9.0f} appends/s")
    met = verdict.check(
        f"appends >= {TARGET_RATE:,}/s",
        ours >= TARGET_RATE,
        figure=f"{ours:,.0f} appends/s",
        reference=f"raw sqlite3 {raw:,.0f}/s",
        ratio=ours / raw,
    )
    print(f"warroom AsyncEventStore      {ours:9.0f} appends/s  (target >= {TARGET_RATE:,}/s)  {met}")
    print(f"ratio to raw sqlite3 {ours / raw:.2f}x, to plain aiosqlite {ours / plain:.2f}x")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
