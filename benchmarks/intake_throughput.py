"""Alertmanager webhook throughput of the `[intake]` receiver, against the store alone.

Measured in the same run, on the same kind of database file, interleaved (three rounds, medians):
- the store alone: `AsyncEventStore.append` of one event per committed transaction, each
  awaited before the next (how the app appends);
- webhook posts: one notification with one new alert per HTTP POST, from CONNECTIONS kept-alive
  connections at once (as Alertmanager notifies alert groups concurrently and its Go client
  reuses connections), each parsed, cleaned, redacted and recorded before its 200 goes back
  (the receiver's group commit writes the notifications waiting together in one transaction);
  the client is a lean raw-socket process of its own, so it is not what is measured. The same
  over one connection (one post at a time) is printed for reference, without a target;
- a burst: one notification carrying 1,000 alerts, from the POST to its 200 (all recorded).

Targets: webhook posts per second >= 0.5x the store's appends per second; the 1,000-alert burst
recorded in under 2 s. Prints PASS or FAIL per target and exits 1 when one is missed (verdict.py).
Usage: python benchmarks/intake_throughput.py [POSTS]
"""

from __future__ import annotations

import asyncio
import http.client
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from verdict import Verdict, sized

from warroom.config.model import IntakeConfig
from warroom.domain.events import Kind
from warroom.sources.intake import IntakeSource
from warroom.store.aio import AsyncEventStore

TARGET_RATIO = 0.5
#: Kept-alive connections posting at once. Alertmanager notifies each alert group from a
#: goroutine of its own, so during a storm every group that changed posts at the same time: 16
#: groups at once. (One connection, one post at a time, is printed too: the latency-bound case.)
CONNECTIONS = 16
BURST = 1000
BURST_SECONDS = 2.0
STARTS = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)


def alert(n: int) -> dict[str, Any]:
    return {
        "status": "firing",
        "labels": {"alertname": "HighErrorRate", "job": "api", "severity": "warning", "instance": f"api-{n}:8080"},
        "annotations": {"summary": "5xx over 5 %", "description": f"5xx ratio 0.12 on api-{n}"},
        "startsAt": (STARTS + timedelta(milliseconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%f000Z"),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=x",
        "fingerprint": f"{n:016x}",
    }


def notification(alerts: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "version": "4",
            "groupKey": '{}:{alertname="HighErrorRate"}',
            "truncatedAlerts": 0,
            "status": "firing",
            "receiver": "warroom",
            "groupLabels": {"alertname": "HighErrorRate"},
            "commonLabels": {"alertname": "HighErrorRate", "job": "api"},
            "commonAnnotations": {"summary": "5xx over 5 %"},
            "externalURL": "http://alertmanager.example:9093",
            "alerts": alerts,
        }
    ).encode()


def post(port: int, body: bytes, timeout: float = 30.0) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


#: The client: a process of its own, as Alertmanager is (a thread would share the GIL with the
#: receiver and measure its switching), with CONNECTIONS kept-alive connections posting at once
#: (Alertmanager sends each alert group on its own connection). Lean on purpose, so the client
#: is not what is measured: one thread and epoll (client threads would queue for the client's
#: own GIL at every answer), each request's bytes built before the clock starts and sent with
#: one `send`, each answer read until its Content-Length is in and the connection's next
#: request sent at once. Reads the bodies as JSON lines, prints posts per second.
CLIENT = """
import selectors, socket, sys, time
port, connections = int(sys.argv[1]), int(sys.argv[2])
bodies = [line.rstrip(b"\\n") for line in sys.stdin.buffer]
requests = [
    b"POST / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUser-Agent: Alertmanager/0.26\\r\\n"
    b"Content-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s" % (len(b), b)
    for b in bodies
]
selector = selectors.EpollSelector()
state = {}  # socket -> [its requests left, bytes of the answer so far]
for i in range(connections):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    state[sock] = [requests[i::connections][::-1], b""]
failed, answered = [], 0
start = time.perf_counter()
for sock, (mine, _) in state.items():
    if mine:
        sock.sendall(mine.pop())
        selector.register(sock, selectors.EVENT_READ)
    else:
        sock.close()
busy = len(selector.get_map())
while busy:
    for key, _ in selector.select(30):
        sock = key.fileobj
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("the receiver closed the connection")
        mine, buffer = state[sock]
        buffer += chunk
        head, sep, rest = buffer.partition(b"\\r\\n\\r\\n")
        if not sep:
            state[sock][1] = buffer
            continue
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\\r\\n", 1)[0])
        if len(rest) < length:
            state[sock][1] = buffer
            continue
        if not head.startswith(b"HTTP/1.1 200"):
            failed.append(head.split(b"\\r\\n", 1)[0])
        answered += 1
        state[sock][1] = rest[length:]
        if mine:
            sock.sendall(mine.pop())
        else:
            selector.unregister(sock)
            sock.close()
            busy -= 1
took = time.perf_counter() - start
assert not failed, failed[:3]
assert answered == len(requests), (answered, len(requests))
print(len(bodies) / took)
"""


async def posts_from_another_process(port: int, bodies: list[bytes], connections: int) -> float:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLIENT,
        str(port),
        str(connections),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate(b"\n".join(bodies) + b"\n")
    if proc.returncode != 0:
        raise RuntimeError("the webhook client failed")
    return float(out.decode().strip())


async def store_alone(path: Path, n: int) -> float:
    store = await AsyncEventStore.open(path)
    incident = (await store.declare("bench", 3, actor="bench")).incident_id
    start = time.perf_counter()
    for i in range(n):
        await store.append(incident, Kind.NOTE, {"text": f"alert {i}"}, actor="bench")
    rate = n / (time.perf_counter() - start)
    await store.close()
    return rate


async def receiver(path: Path) -> tuple[IntakeSource, AsyncEventStore, int]:
    store = await AsyncEventStore.open(path)
    await store.declare("bench", 3, actor="bench")
    source = IntakeSource(IntakeConfig(listen="127.0.0.1:0"), environ={})
    source.attach(store)
    await source.start()
    return source, store, int(source.listen.rsplit(":", 1)[1])


async def webhook_posts(path: Path, n: int, connections: int) -> float:
    source, store, port = await receiver(path)
    bodies = [notification([alert(i)]) for i in range(n)]
    try:
        rate = await posts_from_another_process(port, bodies, connections)
        recorded = [e for e in await store.events(1) if e.kind == Kind.ALERT_FIRING]
        assert len(recorded) == n, f"{len(recorded)} of {n} recorded"
        return rate
    finally:
        await source.aclose()
        await store.close()


async def burst(path: Path) -> float:
    source, store, port = await receiver(path)
    body = notification([alert(i) for i in range(BURST)])
    try:
        start = time.perf_counter()
        status = await asyncio.to_thread(post, port, body)
        took = time.perf_counter() - start
        assert status == 200, status
        recorded = [e for e in await store.events(1) if e.kind == Kind.ALERT_FIRING]
        assert len(recorded) == BURST, f"{len(recorded)} of {BURST} recorded"
        return took
    finally:
        await source.aclose()
        await store.close()


def main() -> int:
    verdict = Verdict()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else sized(3000, 1000)
    rounds = sized(3, 1)
    alones, posts_each, serial_each = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):  # interleaved, so a busy moment of the machine touches both sides
            alones.append(asyncio.run(store_alone(Path(tmp) / f"alone{r}.db", n)))
            posts_each.append(asyncio.run(webhook_posts(Path(tmp) / f"posts{r}.db", n, CONNECTIONS)))
        serial_each.append(asyncio.run(webhook_posts(Path(tmp) / "serial.db", n, 1)))
        took = asyncio.run(burst(Path(tmp) / "burst.db"))
    alone, posts, serial = statistics.median(alones), statistics.median(posts_each), serial_each[0]
    ratio = posts / alone
    print(f"{'store alone':30}{alone:9.0f} appends/s  (one event per commit, median of {rounds})")
    print(f"{'webhook posts, 1 connection':30}{serial:9.0f} posts/s  = {serial / alone:.2f}x the store (one at a time)")
    met = verdict.check(
        f"webhook posts >= {TARGET_RATIO}x the store's append rate",
        ratio >= TARGET_RATIO,
        figure=f"{posts:,.0f} posts/s",
        reference=f"store alone {alone:,.0f} appends/s",
        ratio=ratio,
    )
    print(
        f"{f'webhook posts, {CONNECTIONS} connections':30}{posts:9.0f} posts/s  = {ratio:.2f}x the store"
        f" (target >= {TARGET_RATIO}x)  {met}"
    )
    met = verdict.check(
        f"{BURST:,} alerts in one payload < {BURST_SECONDS:g}s",
        took < BURST_SECONDS,
        figure=f"{took:.3f} s",
        reference=f"{BURST_SECONDS:g} s",
        ratio=took / BURST_SECONDS,
    )
    print(f"{f'burst of {BURST:,} alerts':30}{took:9.3f} s recorded (target < {BURST_SECONDS:g} s)  {met}")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
