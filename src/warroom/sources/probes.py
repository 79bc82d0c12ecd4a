"""Health probes: one fresh HTTP request per run, timed like `curl -w time_total`.

`ProbeSource(cfg).collect(now)` returns a `ProbeResult` and never raises. A failed probe names
its failure class (`FAILURE_CLASSES`) and says what happened in one line (`error`). The URL and
header values are `Secret`s, revealed only for the request: the result, its error and its body
excerpt never contain a revealed value (the URL shown is `cfg.url.redacted()`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import datetime

from warroom.config.model import ProbeConfig, Secret
from warroom.redact import redact_values
from warroom.sanitize import clean_bytes
from warroom.sources.http_client import BODY_CAP, fetch
from warroom.sources.registry import PROBE
from warroom.sources.snapshots import ProbeResult

#: Every value `ProbeResult.failure` can take (None when the probe passed).
FAILURE_CLASSES = (
    "dns",
    "refused",
    "timeout",
    "tls",
    "too many redirects",
    "body mismatch",
    "unexpected status",
    "connection",
    "protocol",
    "config",
)

EXCERPT_CHARS = 200


def revealed_values(secrets: list[Secret], environ: Mapping[str, str]) -> list[str]:
    """Every expanded value that must never be shown: env values and whole revealed strings."""
    values: list[str] = []
    for secret in secrets:
        values += [environ[n] for n in secret.env_names if n in environ]
        if secret.env_names:
            try:
                values.append(secret.reveal(dict(environ)))
            except KeyError:
                pass
    return values


class ProbeSource:
    """A configured `[[probe]]`: key `probe:<name>`, a fresh request per `collect`."""

    kind = PROBE

    def __init__(self, cfg: ProbeConfig, environ: Mapping[str, str] | None = None) -> None:
        self.config = cfg
        self.name = cfg.name
        self.key = f"{PROBE}:{cfg.name}"
        self.interval = cfg.interval
        self._environ = environ
        self._url_shown = cfg.url.redacted()
        self._pattern: re.Pattern[str] | None = None
        self._pattern_error: str | None = None
        body = cfg.expect_body
        if body is not None and body.startswith("regex:"):
            try:
                self._pattern = re.compile(body[len("regex:") :])
            except re.error as exc:  # the loader checks this; keep a bad config from crashing
                self._pattern_error = f"bad expect_body regex: {exc}"

    async def collect(self, now: datetime) -> ProbeResult:
        """Probe once. Never raises: every failure is in the result."""
        cfg = self.config
        environ = os.environ if self._environ is None else self._environ
        secrets = [cfg.url, *(value for _, value in cfg.headers)]
        hidden = revealed_values(secrets, environ)
        try:
            url = cfg.url.reveal(dict(environ))
            headers = [(name, value.reveal(dict(environ))) for name, value in cfg.headers]
        except KeyError as exc:
            return self._result(now, failure="config", error=str(exc.args[0]))
        if self._pattern_error:
            return self._result(now, failure="config", error=self._pattern_error)
        try:
            got = await fetch(
                url,
                method=cfg.method,
                headers=headers,
                timeout=cfg.timeout,
                verify=cfg.verify_tls,
                follow_redirects=cfg.follow_redirects,
                max_redirects=cfg.max_redirects,
                body_cap=BODY_CAP,
            )
        except Exception as exc:
            return self._result(
                now, failure="connection", error=redact_values(f"probe failed: {type(exc).__name__}", hidden)
            )
        excerpt = clean_bytes(got.body[: EXCERPT_CHARS * 4], cap=None)
        excerpt = redact_values(excerpt, hidden)[:EXCERPT_CHARS]
        failure, error = got.failure, got.error
        if failure is None and got.status_code is not None:
            failure, error = self._check(got.status_code, got.body, got.truncated)
        return self._result(
            now,
            ok=failure is None,
            status_code=got.status_code,
            elapsed=got.elapsed,
            failure=failure,
            error=redact_values(error, hidden) if error else None,
            body_excerpt=excerpt,
            body_bytes=got.body_bytes,
            queued=got.queued,
        )

    def _check(self, status: int, body: bytes, truncated: bool) -> tuple[str | None, str | None]:
        cfg = self.config
        if not cfg.expect_status.accepts(status):
            return "unexpected status", f"{status} (expected {cfg.expect_status.describe()})"
        if cfg.expect_body is None:
            return None, None
        text = body.decode("utf-8", errors="replace")
        where = " in the first 1 MiB" if truncated else ""
        if self._pattern is not None:
            if self._pattern.search(text) is None:
                return "body mismatch", f"body does not match /{self._pattern.pattern}/{where}"
        elif cfg.expect_body not in text:
            return "body mismatch", f"body does not contain {cfg.expect_body!r}{where}"
        return None, None

    def _result(
        self,
        now: datetime,
        *,
        ok: bool = False,
        status_code: int | None = None,
        elapsed: float = 0.0,
        failure: str | None,
        error: str | None,
        body_excerpt: str = "",
        body_bytes: int = 0,
        queued: float = 0.0,
    ) -> ProbeResult:
        return ProbeResult(
            name=self.name,
            url=self._url_shown,
            method=self.config.method,
            taken_at=now,
            ok=ok,
            status_code=status_code,
            elapsed=elapsed,
            failure=failure,
            error=error,
            body_excerpt=body_excerpt,
            body_bytes=body_bytes,
            expected=self.config.expect_status.describe(),
            queued=queued,
        )

    async def aclose(self) -> None:
        """Nothing to release: every run opens and closes its own connection."""
