"""The intake's group commit over real sockets and a real SQLite file: notifications arriving on
many connections at once are recorded together (fewer transactions than notifications), yet each
200 goes back only once that notification's alert is in the file, where another connection can
read it. A commit that fails answers 500 to every notification in it and records none of them;
the retry Alertmanager makes records each once."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from warroom.config.model import IntakeConfig
from warroom.domain.events import Kind
from warroom.sources.intake import IntakeSource
from warroom.store.aio import AsyncEventStore

from .test_intake_receiver import alert, notification

CONNECTIONS = 24
EACH = 3


def recorded_in_file(db: Path, fingerprint: str) -> int:
    """How many firing events for `fingerprint` another connection reads from the file."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT payload FROM events WHERE kind = ?",
            (Kind.ALERT_FIRING,),
        ).fetchall()
    return sum(1 for (payload,) in rows if json.loads(payload)["fingerprint"] == fingerprint)


def request_bytes(fingerprint: str) -> bytes:
    body = json.dumps(notification(alert(fp=fingerprint, instance=fingerprint))).encode()
    head = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def read_answer(reader: asyncio.StreamReader) -> int:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1])


async def start(db: Path, busy_timeout_ms: int = 5000) -> tuple[IntakeSource, AsyncEventStore, int]:
    store = await AsyncEventStore.open(db, busy_timeout_ms=busy_timeout_ms)
    await store.declare("Checkout failing", 2, actor="tester")
    source = IntakeSource(IntakeConfig(listen="127.0.0.1:0"), environ={})
    source.say = lambda line: None
    source.attach(store)
    await source.start()
    return source, store, int(source.listen.rsplit(":", 1)[1])


async def test_a_storm_on_many_connections_commits_together_and_each_200_is_in_the_file(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    source, store, port = await start(db)
    seen_in_file: list[int] = []

    async def alertmanager_connection(n: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for k in range(EACH):
            fingerprint = f"fp-{n}-{k}"
            writer.write(request_bytes(fingerprint))
            assert await read_answer(reader) == 200
            # The 200 came back: the alert is committed, readable by anyone from the file now.
            seen_in_file.append(recorded_in_file(db, fingerprint))
        writer.close()

    try:
        await asyncio.gather(*(alertmanager_connection(n) for n in range(CONNECTIONS)))
        total = CONNECTIONS * EACH
        assert seen_in_file == [1] * total
        firing = [e for e in await store.events(1) if e.kind == Kind.ALERT_FIRING]
        assert len(firing) == total and len({e.payload["fingerprint"] for e in firing}) == total
        commits = source._commits
        assert commits is not None and commits.notifications == total
        assert commits.commits < total, "notifications that arrived together were committed together"
    finally:
        await source.aclose()
        await store.close()


async def test_a_failed_commit_answers_500_to_each_and_the_retry_records_each_once(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    source, store, port = await start(db, busy_timeout_ms=200)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the busy timeout

        async def post(fingerprint: str) -> int:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request_bytes(fingerprint))
            status = await read_answer(reader)
            writer.close()
            return status

        fingerprints = [f"retry-{n}" for n in range(6)]
        assert await asyncio.gather(*(post(f) for f in fingerprints)) == [500] * 6
        holder.execute("ROLLBACK")
        assert all(recorded_in_file(db, f) == 0 for f in fingerprints), "a failed commit records none"
        # Alertmanager retries a 5xx: every alert lands, once.
        assert await asyncio.gather(*(post(f) for f in fingerprints)) == [200] * 6
        assert await asyncio.gather(*(post(f) for f in fingerprints)) == [200] * 6
        assert [recorded_in_file(db, f) for f in fingerprints] == [1] * 6
    finally:
        holder.close()
        await source.aclose()
        await store.close()


async def test_a_client_that_half_closes_after_its_request_still_gets_its_answer(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    source, store, port = await start(db)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request_bytes("half-closed"))
        writer.write_eof()  # sent everything: some clients say so before reading the answer
        answer = await asyncio.wait_for(reader.read(), 10)
        assert answer.startswith(b"HTTP/1.1 200") and b"Connection: close" in answer
        assert recorded_in_file(db, "half-closed") == 1
        writer.close()
    finally:
        await source.aclose()
        await store.close()
