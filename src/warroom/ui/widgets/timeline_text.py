"""How the timeline words an event: kind labels, one line of plain text per event, wrapping.

Pure text (no Textual): `describe(event)` never raises on a strange payload, and what it returns
is still untrusted (the timeline cleans it before display).
"""

from __future__ import annotations

import json
from typing import Any

from rich.cells import cell_len, chop_cells

from warroom.domain.describe import RECORDED_LATE, late_text
from warroom.domain.events import Event, Kind

KIND_LABELS: dict[str, str] = {
    Kind.DECLARED: "DECLARED",
    Kind.SEVERITY: "SEV",
    Kind.STATUS: "STATUS",
    Kind.ROLE_ASSIGNED: "ROLE",
    Kind.ROLE_RELEASED: "ROLE",
    Kind.NOTE: "NOTE",
    Kind.ACKNOWLEDGED: "ACK",
    Kind.MITIGATED: "MITIGATED",
    Kind.RESOLVED: "RESOLVED",
    Kind.REOPENED: "REOPENED",
    Kind.MILESTONE: "MILESTONE",
    Kind.AMENDED: "AMENDED",
    Kind.PROBE_DOWN: "PROBE ▼",
    Kind.PROBE_UP: "PROBE ▲",
    Kind.STATUSPAGE: "3RD PARTY",
    Kind.LOG_SPIKE: "LOG SPIKE",
    Kind.DEPLOY: "DEPLOY",
    Kind.RESOURCE: "RESOURCE",
    Kind.EVIDENCE: "EVIDENCE",
    Kind.SOURCE_ERROR: "SRC ERROR",
    Kind.COMMS_POSTED: "UPDATE",
    Kind.NOTIFY_SENT: "NOTIFY",
    Kind.FEATURE_SET: "FEATURE",
    Kind.PUBLIC_SUMMARY: "PUBLIC",
}

#: One cell per kind for the compact prefix (`14:08 • bob      text`) of a narrow timeline.
KIND_GLYPHS: dict[str, str] = {
    Kind.DECLARED: "⚑",
    Kind.SEVERITY: "◈",
    Kind.STATUS: "◎",
    Kind.ROLE_ASSIGNED: "@",
    Kind.ROLE_RELEASED: "@",
    Kind.NOTE: "•",
    Kind.ACKNOWLEDGED: "✓",
    Kind.MITIGATED: "✚",
    Kind.RESOLVED: "✔",
    Kind.REOPENED: "↺",
    Kind.MILESTONE: "◇",
    Kind.AMENDED: "✎",
    Kind.PROBE_DOWN: "▼",
    Kind.PROBE_UP: "▲",
    Kind.STATUSPAGE: "⊕",
    Kind.LOG_SPIKE: "≋",
    Kind.DEPLOY: "◆",
    Kind.RESOURCE: "▦",
    Kind.EVIDENCE: "⌖",
    Kind.SOURCE_ERROR: "✖",
    Kind.COMMS_POSTED: "»",
    Kind.NOTIFY_SENT: "»",
}

#: With the compact prefix there is no KIND column: kinds whose text does not say what happened
#: lead with these words (`mitigated: rolled back …`); the others already do (`SEV-2 → SEV-1`).
COMPACT_WORDS: dict[str, str] = {
    Kind.MITIGATED: "mitigated: ",
    Kind.AMENDED: "amended: ",
    Kind.STATUSPAGE: "3rd party: ",
    Kind.LOG_SPIKE: "log spike: ",
    Kind.DEPLOY: "deploy: ",
    Kind.RESOURCE: "resource: ",
    Kind.EVIDENCE: "evidence: ",
    Kind.SOURCE_ERROR: "source error: ",
    Kind.NOTIFY_SENT: "notified: ",
}

#: Kinds drawn in the "alarm" / "good" colours (always with their words too).
ALARM_KINDS = frozenset({Kind.SEVERITY, Kind.PROBE_DOWN, Kind.LOG_SPIKE, Kind.RESOURCE, Kind.SOURCE_ERROR})
GOOD_KINDS = frozenset({Kind.MITIGATED, Kind.RESOLVED, Kind.PROBE_UP})

_TEXT_KEYS = ("text", "summary", "message", "title", "description", "subject")


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def describe(event: Event) -> str:
    """One line of plain words for an event (untrusted parts are cleaned by the caller).

    A row the store could not read as written leads with a marker naming it, so its stand-in
    time or empty payload is never taken at face value."""
    line = _describe(event)
    problem = getattr(event, "problem", None)
    return f"⚠ unreadable row: {problem} · {line}" if problem else line


def _describe(event: Event) -> str:
    p = event.payload
    k = event.kind
    try:
        if k == Kind.DECLARED:
            line = f"SEV-{p.get('severity', '?')} declared: {_s(p.get('title'))}"
            if p.get("impact"):
                line += f" · impact: {_s(p['impact'])}"
            if p.get("feature"):
                line += f" · feature: {_s(p['feature'])}"
            if p.get("detected_by"):
                line += f" · detected by: {_s(p['detected_by'])}"
            return line + (" · DRILL" if p.get("drill") else "")
        if k == Kind.SEVERITY:
            before, after = p.get("from"), p.get("to")
            line = f"SEV-{before} → SEV-{after}" if before is not None else f"SEV-{after}"
            if isinstance(before, int) and isinstance(after, int):
                line += " (raised)" if after < before else " (lowered)"
            return line + (f": {_s(p['reason'])}" if p.get("reason") else "")
        if k == Kind.STATUS:
            line = f"{_s(p.get('from'))} → {_s(p.get('to'))}" if p.get("from") else _s(p.get("to"))
            return line + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.ROLE_ASSIGNED:
            return f"{_s(p.get('person'))} is {_s(p.get('role'))}"
        if k == Kind.ROLE_RELEASED:
            return f"{_s(p.get('role'))} released"
        if k == Kind.ACKNOWLEDGED:
            return "acknowledged" + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.RESOLVED:
            line = "resolved" + (f": {_s(p['text'])}" if p.get("text") else "")
            return line + (f" · public: {_s(p['public'])}" if p.get("public") else "")
        if k == Kind.PUBLIC_SUMMARY:
            return f"public summary: {_s(p.get('text'))}"
        if k == Kind.FEATURE_SET:
            return f"affected feature: {_s(p.get('text'))}"
        if k == Kind.REOPENED:
            return "reopened" + (f": {_s(p['text'])}" if p.get("text") else "")
        if k == Kind.MILESTONE:
            return f"{_s(p.get('name'))} at {_s(p.get('at'))}"
        if k == Kind.COMMS_POSTED:
            text = _s(p.get("text")).split("\n", 1)[0]
            return f"{_s(p.get('audience') or 'internal')} update posted: {text}"
        for key in _TEXT_KEYS:
            if p.get(key):
                late = late_text(p.get(RECORDED_LATE))  # a source event the database took late
                return _s(p[key]) + (f" ({late})" if late else "")
        if not p:
            return ""
        return json.dumps(dict(p), ensure_ascii=False, sort_keys=True, default=str)
    except Exception:  # a strange payload from a newer writer shows raw, never crashes
        return _s(dict(p) if isinstance(p, dict) else p)


def fit_cells(text: str, width: int) -> str:
    """Pad or cut (with an ellipsis) to exactly `width` cells (a wide character that would
    straddle the edge is left out and the gap padded)."""
    n = cell_len(text)
    if n <= width:
        return text + " " * (width - n)
    cut = chop_cells(text, width - 1)[0] + "…"
    return cut + " " * (width - cell_len(cut))


def wrap_cells(text: str, width: int) -> list[str]:
    """Word-wrap to `width` cells; words longer than a line are cut. Always at least one line."""
    if width < 1:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while cell_len(word) > width:
            head = chop_cells(word, width)[0]
            lines.append(head)
            word = word[len(head):]
        current = word
    lines.append(current)
    return lines
