"""Post an update to a Slack-compatible incoming webhook (`[[notify]]`), and say what came back.

`POST url` with `Content-Type: application/json` and `{"text": ...}`; Slack answers 200 `ok`, and
4xx with a short text body (`invalid_payload`, `no_text`) on errors. The webhook URL is a secret
(`${ENV}` in config): it is expanded only here, at the moment of the request, and never appears in
any message or result except redacted. Nothing here raises.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from warroom.redact import redact_values
from warroom.sanitize import clean

#: How much of a response body is kept (cleaned) in the result and the timeline.
BODY_EXCERPT = 200


@dataclass(frozen=True)
class NotifyResult:
    """What happened when one webhook was asked to post."""

    name: str
    ok: bool
    #: HTTP status, or None when no response came back.
    status_code: int | None
    #: The response body, cleaned of control sequences and cut to a short excerpt.
    body: str
    #: Why it failed, in words (never containing the unredacted URL); None when it worked.
    error: str | None
    #: The URL as it may be shown (`${SLACK_INCIDENT_WEBHOOK}` or with tokens hidden).
    url: str
    duration: float = 0.0

    def describe(self) -> str:
        """`slack: posted (HTTP 200 ok)` or `slack: FAILED: HTTP 500 server error`."""
        if self.ok:
            return f"{self.name}: posted (HTTP {self.status_code}{' ' + self.body if self.body else ''})"
        return f"{self.name}: FAILED: {self.error}"

    def to_payload(self) -> dict[str, Any]:
        """The `notify.sent` event payload (safe to store: the URL is redacted)."""
        return {
            "name": self.name,
            "ok": self.ok,
            "status": self.status_code,
            "body": self.body,
            "error": self.error,
            "url": self.url,
            "duration_ms": round(self.duration * 1000),
        }


def _secret_parts(url: str) -> list[str]:
    """The URL and the pieces of it an error message might quote on their own (path, query)."""
    from urllib.parse import urlsplit

    parts = [url]
    try:
        split = urlsplit(url)
        parts += [p for p in (split.path, split.query, split.netloc + split.path) if len(p) >= 8]
    except ValueError:
        pass
    return parts


def _hide(text: str, secrets: list[str]) -> str:
    return clean(redact_values(text, secrets), cap=300)


def slack_escape(text: str) -> str:
    """Slack reads `<...>` as links/mentions and `&` as an entity: escape the three it documents,
    so the draft's visible blanks (`<person: VACANT>`, `<link>`) arrive as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post_webhook(
    cfg: Any, text: str, timeout: float | None = None, environ: Mapping[str, str] | None = None
) -> NotifyResult:
    """POST `{"text": text}` to the webhook in `cfg` (a `NotifyConfig`). Blocking; never raises.

    Success is a 2xx answer (Slack: 200 with body `ok`). Redirects are not followed: a webhook that
    redirects is misconfigured, and following it could send the text somewhere unexpected.
    """
    name = str(getattr(cfg, "name", "") or getattr(cfg, "kind", "") or "webhook")
    shown = cfg.url.redacted() if hasattr(cfg.url, "redacted") else redact_values(str(cfg.url), [])
    timeout = float(timeout if timeout is not None else getattr(cfg, "timeout", 10.0))
    start = time.perf_counter()
    try:
        url = (
            cfg.url.reveal(dict(environ) if environ is not None else None)
            if hasattr(cfg.url, "reveal")
            else str(cfg.url)
        )
    except KeyError as exc:
        return NotifyResult(name, False, None, "", f"{exc.args[0] if exc.args else exc}", shown)
    secrets = _secret_parts(url)
    try:
        import httpx  # lazily: headless commands that never post do not pay for it

        body = json.dumps({"text": slack_escape(text)}).encode("utf-8")
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(url, content=body, headers={"Content-Type": "application/json"})
            raw = response.content[: BODY_EXCERPT * 4]
    except Exception as exc:  # connection refused, timeout, bad URL, TLS...
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return NotifyResult(name, False, None, "", _hide(reason, secrets), shown, time.perf_counter() - start)
    duration = time.perf_counter() - start
    excerpt = _hide(raw.decode("utf-8", "replace").strip(), secrets)[:BODY_EXCERPT]
    status = response.status_code
    if 200 <= status < 300:
        return NotifyResult(name, True, status, excerpt, None, shown, duration)
    reason = f"HTTP {status}" + (f" {excerpt}" if excerpt else f" {response.reason_phrase}")
    return NotifyResult(name, False, status, excerpt, reason.strip(), shown, duration)


async def post_webhook_async(
    cfg: Any, text: str, timeout: float | None = None, environ: Mapping[str, str] | None = None
) -> NotifyResult:
    """`post_webhook` in a worker thread, for the app (keeps the event loop free)."""
    import asyncio

    return await asyncio.to_thread(post_webhook, cfg, text, timeout, environ)
