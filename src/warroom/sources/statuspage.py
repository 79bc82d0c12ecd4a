"""Third-party status pages: Atlassian Statuspage v2 JSON, or any page that answers 2xx.

`StatusPageSource(cfg).collect(now)` fetches the URL once (fresh connection, overall deadline,
at most 4 MiB read) and returns a `StatusPageResult`; it never raises.
- Statuspage v2 (`/api/v2/status.json` or `/api/v2/summary.json`): the indicator
  (none/minor/major/critical), its description, the components that are not operational
  (summary.json only; component groups left out) and the unresolved incidents.
- Anything else: reachable and 2xx is operational (`none`, "reachable (HTTP 200)"); any other
  status or no answer is an `error` with no indicator (the provider's state is unknown).
Every string from the page passes through `sanitize.clean`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from warroom.config.model import StatusPageConfig
from warroom.redact import redact_values
from warroom.sanitize import clean
from warroom.sources.http_client import fetch
from warroom.sources.probes import revealed_values
from warroom.sources.registry import STATUSPAGE
from warroom.sources.snapshots import ComponentStatus, StatusIncident, StatusPageResult

BODY_CAP = 4 * 1024 * 1024  # big providers' summary.json runs to a few hundred KiB
INDICATORS = ("none", "minor", "major", "critical")
_TEXT_CAP = 200


def _text(value: Any) -> str:
    return clean(value if isinstance(value, str) else "", cap=_TEXT_CAP)


def parse_statuspage(body: bytes) -> dict[str, Any] | None:
    """The fields of a Statuspage v2 document, or None when `body` is not one."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    status = doc.get("status") if isinstance(doc, dict) else None
    if not isinstance(status, dict) or not isinstance(status.get("indicator"), str):
        return None
    indicator = _text(status["indicator"]).lower()
    components = []
    for comp in doc.get("components") or ():
        if not isinstance(comp, dict) or comp.get("group") is True:
            continue  # a group's status only repeats its members'
        state = _text(comp.get("status")) or "unknown"
        if state != "operational":
            components.append(ComponentStatus(_text(comp.get("name")) or "?", state))
    incidents = []
    for inc in doc.get("incidents") or ():
        if isinstance(inc, dict) and inc.get("status") not in ("resolved", "postmortem"):
            incidents.append(
                StatusIncident(_text(inc.get("name")) or "?", _text(inc.get("status")), _text(inc.get("impact")))
            )
    page = doc.get("page")
    return {
        "indicator": indicator,
        "description": _text(status.get("description")) or indicator,
        "components": tuple(components),
        "incidents": tuple(incidents),
        "page_name": _text(page.get("name")) if isinstance(page, dict) else "",
    }


class StatusPageSource:
    """A configured `[[statuspage]]`: key `statuspage:<name>`."""

    kind = STATUSPAGE

    def __init__(self, cfg: StatusPageConfig, environ: Mapping[str, str] | None = None) -> None:
        self.config = cfg
        self.name = cfg.name
        self.key = f"statuspage:{cfg.name}"
        self.interval = cfg.interval
        self._environ = environ

    async def collect(self, now: datetime) -> StatusPageResult:
        """Read the page once. Never raises."""
        cfg = self.config
        environ = os.environ if self._environ is None else self._environ
        hidden = revealed_values([cfg.url], environ)
        base = partial(StatusPageResult, name=cfg.name, url=cfg.url.redacted(), taken_at=now)
        try:
            url = cfg.url.reveal(dict(environ))
        except KeyError as exc:
            return base(indicator=None, description="", error=str(exc.args[0]))
        got = await fetch(
            url, timeout=cfg.timeout, body_cap=BODY_CAP, headers=[("Accept", "application/json, */*;q=0.5")]
        )
        timed = partial(base, status_code=got.status_code, elapsed=got.elapsed)
        if got.failure is not None:
            return timed(indicator=None, description="", error=redact_values(got.error or got.failure, hidden))
        assert got.status_code is not None
        parsed = parse_statuspage(got.body) if not got.truncated else None
        if parsed is not None and 200 <= got.status_code < 300:
            if parsed["indicator"] not in INDICATORS:
                return timed(indicator=None, description="", error=f"unknown status indicator {parsed['indicator']!r}")
            return timed(statuspage_json=True, **parsed)
        if 200 <= got.status_code < 300:
            return timed(indicator="none", description=f"reachable (HTTP {got.status_code})")
        return timed(indicator=None, description="", error=f"HTTP {got.status_code} (expected 2xx)")

    async def aclose(self) -> None:
        """Nothing to release: every run opens and closes its own connection."""
