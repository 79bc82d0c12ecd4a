"""The webhook post against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from warroom.config.model import NotifyConfig, Secret
from warroom.notify import post_webhook, post_webhook_async

TOKEN = "T000SECRET/B000SECRET/xoxSECRETTOKEN"
TEXT = "🚨 SEV-1 declared: Checkout returning 500s\nIncident commander: @alice"


class Hook:
    """A Slack-like incoming webhook: records each request and answers as told."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.body = b"ok"
        self.delay = 0.0  # seconds the webhook takes to answer
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hook.requests.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "body": self.rfile.read(length),
                    }
                )
                time.sleep(hook.delay)
                self.send_response(hook.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(hook.body)))
                self.end_headers()
                self.wfile.write(hook.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{TOKEN}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def cfg_for(env_name: str = "SLACK_INCIDENT_WEBHOOK") -> NotifyConfig:
    return NotifyConfig(kind="slack", url=Secret("${" + env_name + "}"), name="incident-channel", timeout=5)


def test_posts_exactly_the_slack_json(hook: Hook):
    result = post_webhook(cfg_for(), TEXT, environ={"SLACK_INCIDENT_WEBHOOK": hook.url})
    assert len(hook.requests) == 1
    req = hook.requests[0]
    assert req["path"] == f"/services/{TOKEN}"
    assert req["content_type"] == "application/json"
    assert json.loads(req["body"]) == {"text": TEXT}
    assert result.ok and result.status_code == 200 and result.body == "ok" and result.error is None
    assert result.describe() == "incident-channel: posted (HTTP 200 ok)"
    assert TOKEN not in json.dumps(result.to_payload())
    assert result.to_payload()["url"] == "${SLACK_INCIDENT_WEBHOOK}"


def test_a_500_is_reported_as_a_failure(hook: Hook):
    hook.status, hook.body = 500, b"internal \x1b[31merror\x1b[0m"
    result = post_webhook(cfg_for(), TEXT, environ={"SLACK_INCIDENT_WEBHOOK": hook.url})
    assert not result.ok
    assert result.status_code == 500
    assert result.body == "internal error"  # escape sequences from the body are stripped
    assert result.describe() == "incident-channel: FAILED: HTTP 500 internal error"
    assert json.loads(hook.requests[0]["body"]) == {"text": TEXT}


def test_a_slack_error_body_is_shown(hook: Hook):
    hook.status, hook.body = 400, b"invalid_payload"
    result = post_webhook(cfg_for(), TEXT, environ={"SLACK_INCIDENT_WEBHOOK": hook.url})
    assert not result.ok and result.error == "HTTP 400 invalid_payload"


def test_a_redirect_is_not_followed(hook: Hook):
    hook.status, hook.body = 302, b""
    result = post_webhook(cfg_for(), TEXT, environ={"SLACK_INCIDENT_WEBHOOK": hook.url})
    assert not result.ok and result.status_code == 302 and len(hook.requests) == 1


def test_nobody_listening_is_reported_without_the_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/services/{TOKEN}"
    result = post_webhook(cfg_for(), TEXT, environ={"SLACK_INCIDENT_WEBHOOK": url})
    assert not result.ok and result.status_code is None
    assert "ConnectError" in result.error
    for shown in (result.error, result.describe(), json.dumps(result.to_payload())):
        assert TOKEN not in shown and "SECRET" not in shown


def test_a_literal_url_is_redacted_when_shown(hook: Hook):
    cfg = NotifyConfig(kind="slack", url=Secret(hook.url + "?token=abcdef123456"))
    hook.status, hook.body = 404, b"no_service"
    result = post_webhook(cfg, TEXT)
    assert not result.ok
    assert "abcdef123456" not in json.dumps(result.to_payload())


def test_an_unset_variable_is_named_and_nothing_is_sent(hook: Hook):
    result = post_webhook(cfg_for("WARROOM_TEST_UNSET_HOOK"), TEXT, environ={})
    assert not result.ok and result.status_code is None
    assert result.error == "environment variable WARROOM_TEST_UNSET_HOOK is not set"
    assert hook.requests == []


async def test_async_variant_keeps_the_loop_free(hook: Hook):
    """A webhook slow to answer (0.6 s) never stalls the event loop: a 10 ms ticker keeps ticking."""
    import asyncio

    hook.delay = 0.6
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    try:
        result = await post_webhook_async(
            cfg_for(), "still investigating", environ={"SLACK_INCIDENT_WEBHOOK": hook.url}
        )
    finally:
        ended = time.perf_counter()
        ticking.cancel()
    assert result.ok and json.loads(hook.requests[0]["body"]) == {"text": "still investigating"}
    assert ended - started >= hook.delay, "the post waited for the slow answer"
    during = [t for t in ticks if started <= t <= ended]
    gaps = [b - a for a, b in zip([started, *during], [*during, ended])]
    assert len(during) >= 10 and max(gaps) < 0.25, f"the loop stalled {max(gaps):.3f} s during the post"


def test_slack_markup_characters_are_escaped_so_blanks_arrive_as_typed():
    from warroom.notify import slack_escape

    assert slack_escape("Comms lead: @<person: VACANT> & <link>") == (
        "Comms lead: @&lt;person: VACANT&gt; &amp; &lt;link&gt;"
    )
