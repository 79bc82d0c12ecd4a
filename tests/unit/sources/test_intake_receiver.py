"""The `[intake]` receiver over real sockets and a real SQLite file: malformed, oversized, slow
and hostile requests get a 4xx and a log line while the receiver keeps serving; labels and
annotations are stored cleaned and redacted; credentials are checked; a declare rule opens an
incident from a matching firing alert and a repeat lands once."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from warroom.config.model import IntakeConfig, Secret
from warroom.domain.events import Kind, parse_ts
from warroom.sources.intake import IntakeSource
from warroom.store.aio import AsyncEventStore

STARTS = datetime(2026, 12, 6, 5, 12, 30, 123456, tzinfo=UTC)


def notification(*alerts: dict[str, Any], truncated: int = 0, **common: Any) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": "{}:{}",
        "truncatedAlerts": truncated,
        "status": "firing",
        "receiver": "warroom",
        "groupLabels": {},
        "commonLabels": common.get("labels", {}),
        "commonAnnotations": common.get("annotations", {}),
        "externalURL": "http://am:9093",
        "alerts": list(alerts),
    }


def alert(name: str = "HighErrorRate", status: str = "firing", fp: str = "1a30ba71cca2921f", **labels: str) -> dict:
    return {
        "status": status,
        "labels": {"alertname": name, "severity": "critical", "job": "api", **labels},
        "annotations": {"summary": "5xx over 5 %"},
        "startsAt": "2026-12-06T05:12:30.123456789Z",
        "endsAt": "2026-12-06T05:20:00.5+01:00" if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prom:9090/graph",
        "fingerprint": fp,
    }


async def request(port: int, raw: bytes, *, read: bool = True) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10) if read else b""
    writer.close()
    return data.decode("latin-1")


def post(body: bytes, *, ctype: str = "application/json", path: str = "/", headers: str = "") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{headers}\r\n"
    )
    return head.encode() + body


def status_of(answer: str) -> int:
    return int(answer.split(" ", 2)[1])


@pytest.fixture
async def receiver(tmp_path: Path):
    made: list[tuple[IntakeSource, AsyncEventStore]] = []

    async def start(config: IntakeConfig | None = None, *, declare: bool = True, environ: Any = None):
        config = config or IntakeConfig(listen="127.0.0.1:0")
        if declare and config.declare_sev is None:
            config = IntakeConfig(
                listen=config.listen,
                token=config.token,
                user=config.user,
                password=config.password,
                declare_match=(("severity", "critical"),),
                declare_sev=2,
            )
        store = await AsyncEventStore.open(tmp_path / "w.db")
        source = IntakeSource(config, environ=environ or {})
        said: list[str] = []
        source.attach(store)
        await source.start()
        source.say = said.append
        source.said = said  # type: ignore[attr-defined]
        made.append((source, store))
        return source, store, int(source.listen.rsplit(":", 1)[1])

    yield start
    for source, store in made:
        await source.aclose()
        await store.close()


async def all_events(store: AsyncEventStore) -> list:
    ids = await store.open_incident_ids()
    out = []
    for i in range(1, max(ids or [0]) + 3):
        out += await store.events(i)
    return out


async def test_a_critical_alert_declares_and_a_repeat_lands_once(receiver) -> None:
    source, store, port = await receiver()
    body = json.dumps(notification(alert())).encode()
    first = await request(port, post(body))
    again = await request(port, post(body))
    assert status_of(first) == 200 and status_of(again) == 200
    events = await all_events(store)
    kinds = [e.kind for e in events]
    assert kinds == [Kind.DECLARED, Kind.ALERT_FIRING]
    declared, firing = events
    assert declared.payload["severity"] == 2 and declared.payload["detected_by"] == "alert HighErrorRate"
    assert parse_ts(declared.payload["detected_at"]) == STARTS and firing.at == STARTS
    assert firing.payload["text"] == "alert firing: HighErrorRate job=api severity=critical — 5xx over 5 %"
    snap = await source.collect(datetime.now(UTC))
    assert [a.name for a in snap.firing] == ["HighErrorRate"] and len(snap.recorded) == 2

    resolved = json.dumps(notification(alert(status="resolved"))).encode()
    assert status_of(await request(port, post(resolved))) == 200
    assert status_of(await request(port, post(resolved))) == 200
    events = await all_events(store)
    assert [e.kind for e in events].count(Kind.ALERT_RESOLVED) == 1
    ended = next(e for e in events if e.kind == Kind.ALERT_RESOLVED)
    assert ended.at == datetime(2026, 12, 6, 4, 20, 0, 500000, tzinfo=UTC), "any offset, read as UTC"
    snap = await source.collect(datetime.now(UTC))
    assert not snap.firing


async def test_a_warning_with_no_open_incident_is_not_recorded_and_attaches_once_one_is(receiver) -> None:
    source, store, port = await receiver()
    warning = json.dumps(notification(alert(name="DiskFilling", fp="f1", severity="warning"))).encode()
    assert status_of(await request(port, post(warning))) == 200
    assert await all_events(store) == []
    assert any("not recorded: no open incident" in line for line in source.said)
    await store.declare("checkout 500s", 3, actor="alice")
    assert status_of(await request(port, post(warning))) == 200
    events = await all_events(store)
    assert [e.kind for e in events] == [Kind.DECLARED, Kind.ALERT_FIRING]
    assert events[1].incident_id == events[0].incident_id


HOSTILE_TEXT = "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07\x1b[2J\x9b31m \u202e gnp.exe api_key=abcd1234secretvalue"


async def test_hostile_labels_and_annotations_are_stored_cleaned_and_redacted(receiver) -> None:
    _, store, port = await receiver()
    hostile = alert(job=HOSTILE_TEXT)
    hostile["annotations"] = {"summary": HOSTILE_TEXT, "description": "pw https://bob:hunter2@db.example/x"}
    body = json.dumps(notification(hostile, truncated=7)).encode()
    assert status_of(await request(port, post(body))) == 200
    firing = next(e for e in await all_events(store) if e.kind == Kind.ALERT_FIRING)
    stored = json.dumps(firing.payload, ensure_ascii=False)
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "abcd1234secretvalue", "hunter2"):
        assert bad not in stored, bad
    assert "[@click=app.quit]x[/]" in firing.payload["text"], "markup stays literal text"
    assert firing.payload["truncated_alerts"] == 7
    assert "+7 more alerts left out" in firing.payload["text"]


async def test_bad_requests_get_4xx_and_a_log_line_and_the_receiver_keeps_serving(receiver) -> None:
    source, store, port = await receiver()
    good = json.dumps(notification(alert())).encode()
    cases = [
        (post(b"{not json"), 400),
        (post(b"[1, 2]"), 400),
        (post(json.dumps({"version": "4", "alerts": [{"status": "odd"}]}).encode()), 400),
        (post(json.dumps(notification({**alert(), "startsAt": "yesterday"})).encode()), 400),
        (post(json.dumps(notification({**alert(), "labels": {"alertname": 5}})).encode()), 400),
        (post(json.dumps({"version": "3", "alerts": []}).encode()), 400),
        (post(b"[" * 100000 + b"]" * 100000), 400),
        (post(good, ctype="text/plain"), 415),
        (post(good, path="/api/v2/alerts"), 404),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        (b"POST / HTTP/1.1\r\nContent-Type: application/json\r\n\r\n", 411),
        (b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n", 413),
        (b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
        (b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n", 431),
    ]
    for raw, expected in cases:
        answer = await request(port, raw)
        assert status_of(answer) == expected, (raw[:60], answer[:200])
    assert len(source.said) >= len(cases)
    assert all(line.startswith("intake: 4") for line in source.said)
    assert status_of(await request(port, post(good))) == 200, "still serving"
    assert [e.kind for e in await all_events(store)] == [Kind.DECLARED, Kind.ALERT_FIRING]


async def test_a_slow_client_is_cut_off_and_others_are_served_meanwhile(receiver) -> None:
    source, _, port = await receiver()
    for server_source in (source,):
        assert server_source._server is not None
        server_source._server.read_timeout = 0.5
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nContent-Type: appl")  # and then nothing (slowloris)
    await writer.drain()
    good = json.dumps(notification(alert())).encode()
    assert status_of(await request(port, post(good))) == 200
    answer = (await asyncio.wait_for(reader.read(), 5)).decode()
    assert status_of(answer) == 408
    writer.close()
    body_short = b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    assert status_of(await request(port, body_short)) == 408


async def test_credentials_are_required_when_configured(receiver) -> None:
    config = IntakeConfig(listen="127.0.0.1:0", token=Secret("${INTAKE_TOKEN}"))
    _, store, port = await receiver(config, environ={"INTAKE_TOKEN": "t0ken-abc"})
    good = json.dumps(notification(alert())).encode()
    assert status_of(await request(port, post(good))) == 401
    assert status_of(await request(port, post(good, headers="Authorization: Bearer wrong\r\n"))) == 401
    assert await all_events(store) == []
    assert status_of(await request(port, post(good, headers="Authorization: Bearer t0ken-abc\r\n"))) == 200

    basic = IntakeConfig(listen="127.0.0.1:0", user="am", password=Secret("${PW}"))
    _, _, port2 = await receiver(basic, environ={"PW": "pa55"})
    right = base64.b64encode(b"am:pa55").decode()
    wrong = base64.b64encode(b"am:nope").decode()
    assert status_of(await request(port2, post(good, headers=f"Authorization: Basic {wrong}\r\n"))) == 401
    assert status_of(await request(port2, post(good, headers=f"Authorization: Basic {right}\r\n"))) == 200


async def test_resolved_alerts_fade_from_the_snapshot(receiver) -> None:
    source, _, port = await receiver()
    body = json.dumps(notification(alert(status="resolved"))).encode()
    assert status_of(await request(port, post(body))) == 200
    heard = datetime.now(UTC)
    assert [a.status for a in (await source.collect(heard + timedelta(minutes=2))).alerts] == ["resolved"]
    assert (await source.collect(heard + timedelta(minutes=6))).alerts == ()


async def test_a_kept_alive_connection_carries_several_notifications(receiver) -> None:
    """Alertmanager's client reuses its connection: each request is answered on it in turn."""
    _, store, port = await receiver()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for n in range(3):
        body = json.dumps(notification(alert(fp=f"fp{n}", instance=f"api-{n}"))).encode()
        writer.write(
            f"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        writer.write(body)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200") and b"Connection: keep-alive" in head
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
    writer.close()
    assert [e.kind for e in await all_events(store)].count(Kind.ALERT_FIRING) == 3


async def test_a_second_process_on_the_same_address_shows_what_the_first_records(receiver, tmp_path: Path) -> None:
    """`warroom record` receives; the war room configured alike cannot bind the address: its pane
    shows the alerts read from the record instead, and it takes over when the first stops."""
    first, _, port = await receiver()
    second_store = await AsyncEventStore.open(tmp_path / "w.db")
    second = IntakeSource(IntakeConfig(listen=f"127.0.0.1:{port}"), environ={})
    said: list[str] = []
    second.attach(second_store)
    second.say = said.append
    try:
        assert status_of(await request(port, post(json.dumps(notification(alert())).encode()))) == 200
        snap = await second.collect(datetime.now(UTC))
        assert snap.error is None and not snap.listening and "in use" in snap.note
        assert [a.name for a in snap.firing] == ["HighErrorRate"]
        assert said == [f"intake: {snap.note}"]
        await second.collect(datetime.now(UTC))
        assert len(said) == 1, "said once, not every poll"
        await first.aclose()
        snap = await second.collect(datetime.now(UTC))
        assert snap.listening and snap.note == ""
    finally:
        await second.aclose()
        await second_store.close()
