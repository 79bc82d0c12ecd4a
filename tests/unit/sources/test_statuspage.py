"""Third-party status pages: Statuspage v2 JSON and plain pages, from a real server on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.http_server import TestHTTPServer, closed_port_url
from warroom.config.model import Secret, StatusPageConfig
from warroom.domain.events import Kind
from warroom.domain.probe_rules import StatusPageTracker
from warroom.sources.statuspage import ComponentStatus, StatusIncident, StatusPageSource, parse_statuspage

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def server():
    with TestHTTPServer() as srv:
        yield srv


async def look(url: str, environ: dict[str, str] | None = None, **kw):
    source = StatusPageSource(StatusPageConfig(name="payments-provider", url=Secret(url), **kw), environ=environ)
    assert source.key == "statuspage:payments-provider" and source.kind == "statuspage"
    return await source.collect(NOW)


async def test_status_json_indicator_and_description(server):
    server.set_status_page("minor")
    result = await look(server.url("/api/v2/status.json"))
    assert result.error is None and result.statuspage_json
    assert (result.indicator, result.description) == ("minor", "Minor Service Outage")
    assert result.components == () and not result.operational


async def test_summary_json_lists_broken_components_and_open_incidents(server):
    server.set_status_page(
        "major",
        components=[("Card API", "major_outage"), ("Webhooks", "degraded_performance")],
        incidents=[("Elevated card declines", "identified", "major")],
    )
    result = await look(server.url("/api/v2/summary.json"))
    assert result.indicator == "major" and result.description == "Partial System Outage"
    assert result.components == (
        ComponentStatus("Card API", "major_outage"),
        ComponentStatus("Webhooks", "degraded_performance"),
    )
    assert result.incidents == (StatusIncident("Elevated card declines", "identified", "major"),)
    assert result.page_name == "Provider" and result.status_code == 200


async def test_any_other_2xx_page_is_operational(server):
    result = await look(server.url("/html"))
    assert (result.indicator, result.description, result.error) == ("none", "reachable (HTTP 200)", None)
    assert result.operational and not result.statuspage_json


async def test_failing_or_unreachable_page_is_an_error_not_an_indicator(server):
    down = await look(server.url("/503"))
    assert down.indicator is None and down.error == "HTTP 503 (expected 2xx)"
    gone = await look(closed_port_url("/api/v2/status.json"))
    assert gone.indicator is None and gone.error == "connection refused"
    hung = await look(server.url("/hang"), timeout=0.3)
    assert hung.error == "timeout after 0.3s"


async def test_changes_become_events_once(server):
    tracker = StatusPageTracker("payments-provider")
    url = server.url("/api/v2/summary.json")
    texts = []
    for minute, change in enumerate(
        [
            lambda: server.set_status_page("none"),
            lambda: server.set_status_page("major", components=[("Card API", "major_outage")]),
            lambda: None,  # unchanged
            lambda: server.set_status_page("none"),
        ]
    ):
        change()
        event = tracker.observe_result(await look(url), NOW + timedelta(minutes=minute))
        if event:
            assert event.kind == Kind.STATUSPAGE
            texts.append(event.text)
    assert texts == [
        "status page payments-provider: major — Partial System Outage (Card API: major_outage)",
        "status page payments-provider: none — All Systems Operational",
    ]


async def test_untrusted_page_text_is_cleaned_and_url_token_hidden(server):
    server.set_status_page(
        "critical",
        description="\x1b[31mMajor\x1b]0;pwned\x07 outage\r\n",
        components=[("[@click=app.quit]API\x1b[2J", "major_outage")],
    )
    result = await look(server.url("/api/v2/summary.json") + "?api_key=${SP_KEY}", environ={"SP_KEY": "k-123456"})
    assert result.description == "Major outage "
    assert result.components[0].name == "[@click=app.quit]API"  # plain text; rendering never parses markup
    assert "k-123456" not in json.dumps(result.to_json()) and result.url.endswith("api_key=***")
    assert any("api_key=k-123456" in r.path for r in server.requests)


def test_parse_statuspage_shapes():
    assert parse_statuspage(b"<html>") is None
    assert parse_statuspage(b'{"status": "ok"}') is None
    assert parse_statuspage(b"[1, 2]") is None
    doc = {
        "status": {"indicator": "minor", "description": "Minor Service Outage"},
        "components": [
            {"name": "EU", "status": "partial_outage", "group": True},
            {"name": "EU API", "status": "partial_outage", "group": False},
            {"name": "US API", "status": "operational"},
            "garbage",
        ],
        "incidents": [
            {"name": "Old", "status": "resolved", "impact": "minor"},
            {"name": "EU errors", "status": "investigating", "impact": "minor"},
        ],
    }
    parsed = parse_statuspage(json.dumps(doc).encode())
    assert parsed["components"] == (ComponentStatus("EU API", "partial_outage"),)
    assert parsed["incidents"] == (StatusIncident("EU errors", "investigating", "minor"),)
