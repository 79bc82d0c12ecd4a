"""Keep secrets out of everything shown or stored: URL credentials, token-ish query values, headers."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
_QUERY_SECRET = re.compile(
    r"(?P<key>[?&](?:token|access_token|api_key|apikey|key|secret|password|passwd|sig|signature|auth)=)[^&#\s]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<key>\b(?:Bearer|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE)
_SLACK_HOOK = re.compile(r"(hooks\.slack\.com/services/)[A-Za-z0-9/]+")

SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"})


def redact_text(text: str) -> str:
    """Hide credentials that may sit inside a URL or a header value."""
    text = _USERINFO.sub(lambda m: m.group("scheme") + "***@", text)
    text = _QUERY_SECRET.sub(lambda m: m.group("key") + "***", text)
    text = _BEARER.sub(lambda m: m.group("key") + "***", text)
    text = _SLACK_HOOK.sub(lambda m: m.group(1) + "***", text)
    return text


def redact_values(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace each known secret value (expanded `${ENV}`s) wherever it appears."""
    for value in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(value, "***")
    return redact_text(text)
