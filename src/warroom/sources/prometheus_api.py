"""Reading the Prometheus HTTP API's JSON (`/api/v1/query`, `/api/v1/query_range`).

    {"status": "success", "data": {"resultType": "vector",
     "result": [{"metric": {"__name__": "up", "job": "api"}, "value": [1765000350.781, "1"]}]}}

`parse_answer(status_code, body)` turns one answer into a `PromAnswer`: its result type and
series (labels written as PromQL writes them, `up{job="api"}`, and their (time, value) points), or
the error in Prometheus's own words (`{"status": "error", "errorType": "bad_data", "error":
"1:5: parse error: ..."}` with HTTP 400 for a bad query, 422 when it cannot run, 503 on timeout).
Values are strings and may be "NaN", "+Inf", "-Inf". A `string` result is not a number: an error.
Pure (no I/O); every text from the server passes through `sanitize.clean`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from warroom.sanitize import clean

_TEXT_CAP = 300
#: Series read from one answer (a query matching thousands of series is cut here).
MAX_SERIES = 500


@dataclass(frozen=True)
class PromAnswer:
    """One parsed answer. `error` set: `failure` is `parse` (HTTP 400 bad_data), `execution`
    (422), `timeout` (503), `type` (a string result), `http` (not the API's JSON)."""

    result_type: str = ""
    series: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()
    error: str | None = None
    failure: str | None = None
    warnings: tuple[str, ...] = field(default=())
    cut: int = 0  # series left out past MAX_SERIES


def labels_text(metric: Any) -> str:
    """`up{job="api",code="500"}`; `{}` for a series without labels (an aggregate)."""
    if not isinstance(metric, dict):
        return "{}"
    name = clean(str(metric.get("__name__", "")), cap=100)
    pairs = [
        f'{clean(str(k), cap=60)}="{clean(str(v), cap=100)}"' for k, v in sorted(metric.items()) if k != "__name__"
    ]
    if not pairs:
        return name or "{}"
    return name + "{" + ",".join(pairs) + "}"


def _point(pair: Any) -> tuple[float, float] | None:
    """`[1765000350.781, "1"]` -> (1765000350.781, 1.0); None when it is not a sample."""
    if not isinstance(pair, list) or len(pair) != 2:
        return None
    at, raw = pair
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not isinstance(raw, str):
        return None
    try:
        value = float(raw)  # "NaN", "+Inf", "-Inf" parse too
    except ValueError:
        return None
    return float(at), value


def _error(doc: dict[str, Any], status_code: int) -> PromAnswer:
    kind = clean(str(doc.get("errorType") or ""), cap=40)
    words = clean(str(doc.get("error") or kind or "error"), cap=_TEXT_CAP)
    if status_code == 400 or kind == "bad_data":
        failure = "parse"
    elif status_code == 503 or kind in ("timeout", "canceled"):
        failure = "timeout"
    elif status_code == 422 or kind == "execution":
        failure = "execution"
    else:
        failure = "http"
    return PromAnswer(error=words, failure=failure)


def parse_answer(status_code: int, body: bytes) -> PromAnswer:
    """One API answer (see the module docstring); never raises."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        doc = None
    if not isinstance(doc, dict) or doc.get("status") not in ("success", "error"):
        return PromAnswer(error=f"HTTP {status_code}: not a Prometheus API answer", failure="http")
    if doc["status"] == "error":
        return _error(doc, status_code)
    warnings = tuple(clean(str(w), cap=_TEXT_CAP) for w in doc.get("warnings") or () if w)
    data = doc.get("data")
    if not isinstance(data, dict):
        return PromAnswer(error="the answer has no data", failure="http", warnings=warnings)
    kind = clean(str(data.get("resultType") or ""), cap=20)
    result = data.get("result")
    if kind in ("scalar", "string"):
        point = _point([result[0], result[1]] if isinstance(result, list) and len(result) == 2 else None)
        if kind == "string" or point is None:
            return PromAnswer(kind, error=f"the result is a {kind or 'value'}, not a number", failure="type")
        return PromAnswer(kind, (("scalar", (point,)),), warnings=warnings)
    if kind not in ("vector", "matrix") or not isinstance(result, list):
        return PromAnswer(kind, error=f"the result is a {kind or 'value'}, not a number", failure="type")
    series: list[tuple[str, tuple[tuple[float, float], ...]]] = []
    for item in result[:MAX_SERIES]:
        if not isinstance(item, dict):
            continue
        raw = [item.get("value")] if kind == "vector" else item.get("values") or []
        points = tuple(p for p in map(_point, raw if isinstance(raw, list) else []) if p is not None)
        if points:
            series.append((labels_text(item.get("metric")), points))
    return PromAnswer(kind, tuple(series), warnings=warnings, cut=max(0, len(result) - MAX_SERIES))
