"""One human line per event: the words the timeline, `warroom show` and the postmortem share."""

from __future__ import annotations

from warroom.domain.events import Event, Kind
from warroom.domain.severity import Severity


def _sev(value: object) -> str:
    try:
        return Severity.parse(value).label  # type: ignore[arg-type]  # any payload value: a bad one is caught below
    except (ValueError, TypeError):
        return str(value)


#: Payload field of an event written after a delay (the database took no writes): the seconds
#: between `at`, when it happened, and its write. See `warroom.pending`.
RECORDED_LATE = "recorded_late_s"


def late_text(seconds: object) -> str:
    """`recorded 3m late` for a `recorded_late_s` value; "" when absent or under a second."""
    try:
        secs = int(seconds)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    if secs < 1:
        return ""
    if secs < 60:
        return f"recorded {secs}s late"
    if secs < 3600:
        return f"recorded {secs // 60}m late"
    return f"recorded {secs // 3600}h {secs % 3600 // 60:02d}m late"


def describe(ev: Event) -> str:
    """The event's text, untrusted parts included verbatim (callers clean before display).

    A row the store could not read as written is flagged first (`[unreadable row: event #7:
    bad time '202-12-06…', shown at the time it was recorded]`), so nobody mistakes its stand-in time."""
    text = _describe(ev)
    if ev.problem:
        return f"[unreadable row: {ev.problem}] {text}"
    return text


def _describe(ev: Event) -> str:
    p = ev.payload
    k = ev.kind
    if k == Kind.DECLARED:
        drill = "DRILL " if p.get("drill") else ""
        text = f"{drill}incident declared {_sev(p.get('severity'))}: {p.get('title', '')}"
        if p.get("impact"):
            text += f" — impact: {p['impact']}"
        if p.get("feature"):
            text += f" — feature: {p['feature']}"
        if p.get("detected_by"):
            text += f" (detected by {p['detected_by']})"
        return text
    if k == Kind.SEVERITY:
        before, after = p.get("from"), p.get("to")
        verb = "raised" if (isinstance(before, int) and isinstance(after, int) and after < before) else "lowered"
        reason = f": {p['reason']}" if p.get("reason") else ""
        return f"severity {verb} {_sev(before)} -> {_sev(after)}{reason}"
    if k == Kind.STATUS:
        text = f"status {p.get('from', '?')} -> {p.get('to', '?')}"
        return text + (f": {p['text']}" if p.get("text") else "")
    if k == Kind.ROLE_ASSIGNED:
        return f"{p.get('role')}: {p.get('person')}"
    if k == Kind.ROLE_RELEASED:
        return f"{p.get('role')} is vacant"
    if k == Kind.NOTE:
        return str(p.get("text", ""))
    if k == Kind.ACKNOWLEDGED:
        return "incident acknowledged"
    if k == Kind.MITIGATED:
        return f"mitigation applied: {p.get('text', '')}"
    if k == Kind.RESOLVED:
        text = "incident resolved" + (f": {p['text']}" if p.get("text") else "")
        return text + (f" — public: {p['public']}" if p.get("public") else "")
    if k == Kind.PUBLIC_SUMMARY:
        return f"public summary: {p.get('text', '')}"
    if k == Kind.FEATURE_SET:
        return f"affected feature: {p.get('text', '')}"
    if k == Kind.REOPENED:
        return "incident reopened" + (f": {p['text']}" if p.get("text") else "")
    if k == Kind.MILESTONE:
        reason = f" ({p['reason']})" if p.get("reason") else ""
        return f"milestone {p.get('name')} set to {str(p.get('at', ''))[:19].replace('T', ' ')} UTC{reason}"
    if k == Kind.COMMS_POSTED:
        first = str(p.get("text", "")).strip().splitlines()
        return f"{p.get('audience', 'update')} update posted: {first[0] if first else ''}"
    if k == Kind.EVIDENCE:
        return str(p.get("summary") or p.get("text") or f"pinned {p.get('pane', '')}")
    # Source signals carry their own line in "text" (and say so when written late: a full disk).
    if "text" in p:
        late = late_text(p.get(RECORDED_LATE))
        return str(p["text"]) + (f" ({late})" if late else "")
    return k


def kind_label(ev: Event) -> str:
    """A short column label for the timeline: `note`, `sev`, `probe`, `deploy`..."""
    labels = {
        Kind.DECLARED: "declared",
        Kind.SEVERITY: "sev",
        Kind.STATUS: "status",
        Kind.ROLE_ASSIGNED: "role",
        Kind.ROLE_RELEASED: "role",
        Kind.NOTE: "note",
        Kind.ACKNOWLEDGED: "ack",
        Kind.MITIGATED: "mitigate",
        Kind.RESOLVED: "resolved",
        Kind.REOPENED: "reopened",
        Kind.COMMS_POSTED: "comms",
        Kind.EVIDENCE: "evidence",
        Kind.FEATURE_SET: "feature",
        Kind.PUBLIC_SUMMARY: "public",
    }
    return labels.get(ev.kind, ev.kind.split(".")[0])
