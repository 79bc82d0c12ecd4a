"""THE EVENT CATALOGUE: every event kind once, with its label, glyph, payload builder and wording.

Each `EventKind` says what the timeline, `warroom show`, `warroom record`, the drafts and (later)
the postmortem need to know about a kind:

- `label` and `glyph`: the timeline's KIND column (`MITIGATED`) and its compact one-cell mark;
  `show` prints the same label.
- `system`: written by the machine (probes, deploys...), so the timeline dims it.
- `tone`: "alarm" or "good" for the kinds drawn in those colours (always with their words too).
- `build`: the one function that makes (and checks) its payload (in `event_payloads.py`,
  re-exported here); slash commands, the CLI commands and the source rules all call it, so a
  payload has one shape.
- the wording, in two forms: `short_text(event)` sits beside the kind's label (the timeline's
  full columns, `show`'s timeline) and `long_text(event)` stands alone (the compact timeline
  with no KIND column, `show --json`, `record`'s log, the postmortem): the long form is the
  kind's `lead` words followed by the short form (`mitigation applied: ` + `rolled back`).

Adding a kind: one `EventKind` below (name, label, glyph, builder, wording) and the code that
writes it through the builder. A kind nobody catalogued still shows (its payload's text, or the
payload as JSON), so a newer writer's events survive an older reader.

Kept lean (no `typing`, no `dataclasses`): `warroom note` imports it and must feel instant.
"""

from __future__ import annotations

from warroom.domain.event_payloads import (
    SECTION_TITLES,
    acknowledged,
    action_added,
    action_done,
    action_edited,
    alert_firing,
    alert_resolved,
    amended,
    clock_stepped,
    coach_dismissed,
    command_run,
    comms_posted,
    declared,
    deploy_seen,
    evidence_pinned,
    feature_set,
    handoff_accepted,
    handoff_proposed,
    log_spike,
    metric_threshold,
    metrics_recovered,
    milestone_set,
    mitigation_applied,
    mitigation_run,
    note,
    notify_sent,
    postmortem_done,
    postmortem_section,
    probe_down,
    probe_up,
    public_summary,
    reopened,
    resolved,
    resource_threshold,
    role_assigned,
    role_released,
    runbook_checked,
    severity_changed,
    source_error,
    status_changed,
    statuspage_changed,
)
from warroom.domain.events import Event, Kind

# The payload builders are re-exported: callers build every payload through the catalogue.
__all__ = [
    "CATALOGUE",
    "RECORDED_LATE",
    "SYSTEM_KINDS",
    "EventKind",
    "acknowledged",
    "action_added",
    "action_done",
    "action_edited",
    "alert_firing",
    "alert_resolved",
    "amended",
    "build",
    "clock_stepped",
    "coach_dismissed",
    "command_run",
    "comms_posted",
    "declared",
    "deploy_seen",
    "entry",
    "evidence_pinned",
    "feature_set",
    "handoff_accepted",
    "handoff_proposed",
    "label",
    "late_text",
    "log_spike",
    "long_text",
    "metric_threshold",
    "metrics_recovered",
    "milestone_set",
    "mitigation_applied",
    "mitigation_run",
    "note",
    "notify_sent",
    "postmortem_done",
    "postmortem_section",
    "probe_down",
    "probe_up",
    "public_summary",
    "reopened",
    "resolved",
    "resource_threshold",
    "role_assigned",
    "role_released",
    "runbook_checked",
    "severity_changed",
    "short_text",
    "source_error",
    "status_changed",
    "statuspage_changed",
]

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    Payload = dict[str, Any]


#: Payload field of an event written after a delay (the database took no writes): the seconds
#: between `at`, when it happened, and its write. See `warroom.pending`.
RECORDED_LATE = "recorded_late_s"

#: Where an uncatalogued kind's words are looked for, in order.
_TEXT_KEYS = ("text", "summary", "message", "title", "description", "subject")


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


# --- wording ----------------------------------------------------------------------------------


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _sev(value: object) -> str:
    return f"SEV-{'?' if value is None else value}"


def _then(p: Mapping[str, Any], key: str, sep: str = ": ") -> str:
    """`: <p[key]>` when the payload has words there, else ""."""
    return f"{sep}{_s(p[key])}" if p.get(key) else ""


def _words(p: Mapping[str, Any]) -> str:
    """An event's own line (sources write it in "text"), or the payload as JSON."""
    for key in _TEXT_KEYS:
        if p.get(key):
            return _s(p[key])
    if not p:
        return ""
    import json

    return json.dumps(dict(p), ensure_ascii=False, sort_keys=True, default=str)


def _declared(p: Mapping[str, Any]) -> str:
    line = f"{_sev(p.get('severity'))} declared: {_s(p.get('title'))}"
    line += _then(p, "impact", " · impact: ") + _then(p, "feature", " · feature: ")
    line += _then(p, "detected_by", " · detected by: ")
    return line + (" · DRILL" if p.get("drill") else "")


def _severity(p: Mapping[str, Any]) -> str:
    before, after = p.get("from"), p.get("to")
    line = f"{_sev(before)} → {_sev(after)}" if before is not None else _sev(after)
    if isinstance(before, int) and isinstance(after, int):
        line += " (raised)" if after < before else " (lowered)"
    return line + _then(p, "reason")


def _status(p: Mapping[str, Any]) -> str:
    line = f"{_s(p.get('from'))} → {_s(p.get('to'))}" if p.get("from") else _s(p.get("to"))
    return line + _then(p, "text")


def _milestone(p: Mapping[str, Any]) -> str:
    when = _s(p.get("at"))[:19].replace("T", " ")
    return f"{_s(p.get('name'))} set to {when} UTC" + _then(p, "reason", " (") + (")" if p.get("reason") else "")


def _comms(p: Mapping[str, Any]) -> str:
    first = _s(p.get("text")).strip().split("\n", 1)[0]
    return f"{_s(p.get('audience') or 'internal')} update posted: {first}"


def _overrode(p: Mapping[str, Any]) -> str:
    """` · by bob, overriding: probe api down; not the IC (IC is alice)` when checks were overridden."""
    overrode = p.get("overrode")
    if not isinstance(overrode, list) or not overrode:
        return ""
    who = f" by {_s(p['resolved_by'])}," if p.get("resolved_by") else ""
    return f" ·{who} overriding: " + "; ".join(_s(o) for o in overrode)


def _command_run(p: Mapping[str, Any]) -> str:
    """`$ kubectl rollout undo deploy/api → exit 0 in 1.2s` (the output tail is in the payload)."""
    import shlex

    argv = p.get("argv")
    line = "$ " + (shlex.join(str(a) for a in argv) if isinstance(argv, list) else _s(argv))
    if p.get("error"):
        return line + f" → could not start: {_s(p['error'])} (exit {_s(p.get('exit_code'))})"
    line += f" → exit {_s(p.get('exit_code'))}"
    duration = p.get("duration_s")
    if isinstance(duration, (int, float)) and not isinstance(duration, bool):
        line += f" in {duration:.1f}s"
    return line + (" (interrupted)" if p.get("interrupted") else "")


def _runbook_checked(p: Mapping[str, Any]) -> str:
    """`"High 5xx rate": ☑ Check the deploys pane` (☐ when unticked)."""
    mark = "☑" if p.get("checked") is True else "☐"
    return f'"{_s(p.get("runbook") or p.get("file"))}": {mark} {_s(p.get("item"))}'


def _mitigation(p: Mapping[str, Any]) -> str:
    """`rollback "rollback api a1b2c3d": $ kubectl rollout undo deploy/api → exit 0 in 1.2s`."""
    import shlex

    argv = p.get("argv")
    line = f'{_s(p.get("kind"))} "{_s(p.get("name"))}": $ '
    line += shlex.join(str(a) for a in argv) if isinstance(argv, list) else _s(argv)
    duration = p.get("duration_s")
    took = f" in {duration:.1f}s" if isinstance(duration, (int, float)) and not isinstance(duration, bool) else ""
    if p.get("timed_out"):
        line += f" → timed out{took}"
    elif p.get("interrupted"):
        line += f" → interrupted{took}"
    elif p.get("error") and p.get("exit_code") is None:
        line += f" → could not start: {_s(p['error'])}"
    else:
        line += f" → exit {_s(p.get('exit_code'))}{took}"
    if p.get("capture_argv"):
        line += " · state captured first"
    return line


def _section(p: Mapping[str, Any]) -> str:
    """`Root cause written: a config push ...` (the first line of the text)."""
    title = SECTION_TITLES.get(_s(p.get("section")), _s(p.get("section")))
    first = _s(p.get("text")).strip().split("\n", 1)[0]
    return f"{title} written: {first}"


def _item_fields(p: Mapping[str, Any]) -> str:
    """` · @alice · due 2026-12-11 · prevent`: the fields an action item payload carries."""
    parts = [f"@{_s(p['owner'])}" if p.get("owner") else "", f"due {_s(p['due'])}" if p.get("due") else ""]
    parts.append(_s(p.get("type")))
    return "".join(f" · {part}" for part in parts if part)


def _action_added(p: Mapping[str, Any]) -> str:
    return _s(p.get("text")) + _item_fields(p)


def _action_edited(p: Mapping[str, Any]) -> str:
    line = f"#{_s(p.get('number'))}"
    line += f" now: {_s(p['text'])}" if p.get("text") else ""
    return line + _item_fields(p)


class EventKind:
    """One kind in the catalogue (see the module docstring for what each part is for)."""

    __slots__ = ("name", "label", "glyph", "system", "tone", "lead", "build", "words")

    def __init__(
        self,
        name: str,
        label: str,
        glyph: str,
        build: Callable[..., Payload],
        words: Callable[[Mapping[str, Any]], str],
        *,
        lead: str = "",
        system: bool = False,
        tone: str = "",
    ) -> None:
        self.name = name
        self.label = label
        self.glyph = glyph
        self.system = system
        self.tone = tone
        #: Words the long form puts before the short one, as it has no KIND column beside it.
        self.lead = lead
        self.build = build
        self.words = words

    def short(self, payload: Mapping[str, Any]) -> str:
        """The words beside the label (`SEV-2 → SEV-1 (raised): all regions`)."""
        return self.words(payload)

    def long(self, payload: Mapping[str, Any]) -> str:
        """The words on their own (`severity SEV-2 → SEV-1 (raised): all regions`)."""
        return self.lead + self.words(payload)

    def __repr__(self) -> str:
        return f"EventKind({self.name!r})"


_ENTRIES = (
    EventKind(Kind.DECLARED, "DECLARED", "⚑", declared, _declared),
    EventKind(Kind.SEVERITY, "SEV", "◈", severity_changed, _severity, lead="severity ", tone="alarm"),
    EventKind(Kind.STATUS, "STATUS", "◎", status_changed, _status, lead="status "),
    EventKind(
        Kind.ROLE_ASSIGNED, "ROLE", "@", role_assigned, lambda p: f"{_s(p.get('person'))} is {_s(p.get('role'))}"
    ),
    EventKind(Kind.ROLE_RELEASED, "ROLE", "@", role_released, lambda p: f"{_s(p.get('role'))} released"),
    EventKind(
        Kind.HANDOFF_PROPOSED,
        "HANDOFF",
        "⇢",
        handoff_proposed,
        lambda p: f"IC {_s(p.get('from'))} → {_s(p.get('to'))} proposed (pending {_s(p.get('to'))}'s ack)",
    ),
    EventKind(
        Kind.HANDOFF_ACCEPTED, "HANDOFF", "@", handoff_accepted, lambda p: f"IC {_s(p.get('from'))} → {_s(p.get('to'))}"
    ),
    EventKind(Kind.NOTE, "NOTE", "•", note, lambda p: _s(p.get("text"))),
    EventKind(
        Kind.ACKNOWLEDGED, "ACK", "✓", acknowledged, lambda p: "acknowledged" + _then(p, "text"), lead="incident "
    ),
    EventKind(
        Kind.MITIGATED,
        "MITIGATED",
        "✚",
        mitigation_applied,
        lambda p: _s(p.get("text")),
        lead="mitigation applied: ",
        tone="good",
    ),
    EventKind(
        Kind.RESOLVED,
        "RESOLVED",
        "✔",
        resolved,
        lambda p: "resolved" + _then(p, "text") + _then(p, "public", " · public: ") + _overrode(p),
        lead="incident ",
        tone="good",
    ),
    EventKind(Kind.REOPENED, "REOPENED", "↺", reopened, lambda p: "reopened" + _then(p, "text"), lead="incident "),
    EventKind(Kind.MILESTONE, "MILESTONE", "◇", milestone_set, _milestone, lead="milestone "),
    EventKind(Kind.AMENDED, "AMENDED", "✎", amended, _words, lead="amended: "),
    EventKind(Kind.FEATURE_SET, "FEATURE", "·", feature_set, lambda p: f"affected feature: {_s(p.get('text'))}"),
    EventKind(Kind.PUBLIC_SUMMARY, "PUBLIC", "·", public_summary, lambda p: f"public summary: {_s(p.get('text'))}"),
    EventKind(Kind.COMMS_POSTED, "UPDATE", "»", comms_posted, _comms),
    # Written by the machine: their line is in "text", made by the rule that noticed the change.
    EventKind(Kind.NOTIFY_SENT, "NOTIFY", "»", notify_sent, _words, lead="notified: ", system=True),
    EventKind(Kind.PROBE_DOWN, "PROBE ▼", "▼", probe_down, _words, system=True, tone="alarm"),
    EventKind(Kind.PROBE_UP, "PROBE ▲", "▲", probe_up, _words, system=True, tone="good"),
    EventKind(Kind.STATUSPAGE, "3RD PARTY", "⊕", statuspage_changed, _words, lead="3rd party: ", system=True),
    EventKind(Kind.LOG_SPIKE, "LOG SPIKE", "≋", log_spike, _words, system=True, tone="alarm"),
    EventKind(Kind.DEPLOY, "DEPLOY", "◆", deploy_seen, _words, system=True),
    EventKind(Kind.RESOURCE, "RESOURCE", "▦", resource_threshold, _words, lead="resource: ", system=True, tone="alarm"),
    EventKind(Kind.METRIC_THRESHOLD, "METRIC", "◬", metric_threshold, _words, system=True, tone="alarm"),
    EventKind(
        Kind.EVIDENCE,
        "EVIDENCE",
        "⌖",
        evidence_pinned,
        lambda p: _s(p.get("summary") or p.get("text")) or f"pinned {_s(p.get('pane'))}",
    ),
    EventKind(Kind.COMMAND_RUN, "RAN", "$", command_run, _command_run, lead="ran "),
    EventKind(Kind.RUNBOOK_CHECKED, "RUNBOOK", "☑", runbook_checked, _runbook_checked, lead="runbook "),
    EventKind(
        Kind.COACH_DISMISSED,
        "DISMISSED",
        "✗",
        coach_dismissed,
        lambda p: f"coach warning: {_s(p.get('text')) or _s(p.get('rule'))}",
        lead="dismissed ",
    ),
    EventKind(Kind.MITIGATION, "MITIGATE", "↶", mitigation_run, _mitigation, lead="mitigation "),
    EventKind(
        Kind.METRICS_RECOVERED,
        "RECOVERED",
        "≈",
        metrics_recovered,
        _words,
        lead="metrics recovered: ",
        system=True,
        tone="good",
    ),
    EventKind(Kind.POSTMORTEM_SECTION, "REVIEW", "✍", postmortem_section, _section, lead="postmortem: "),
    EventKind(
        Kind.POSTMORTEM_DONE, "REVIEW", "✍", postmortem_done, lambda p: "reviewed and closed", lead="postmortem "
    ),
    EventKind(Kind.ACTION_ADDED, "ACTION", "☐", action_added, _action_added, lead="action item added: "),
    EventKind(Kind.ACTION_EDITED, "ACTION", "☐", action_edited, _action_edited, lead="action item edited: "),
    EventKind(
        Kind.ACTION_DONE, "ACTION", "☑", action_done, lambda p: f"#{_s(p.get('number'))} done", lead="action item "
    ),
    EventKind(Kind.ALERT_FIRING, "ALERT", "⚠", alert_firing, _words, system=True, tone="alarm"),
    EventKind(Kind.ALERT_RESOLVED, "ALERT OK", "✓", alert_resolved, _words, system=True, tone="good"),
    EventKind(
        Kind.SOURCE_ERROR, "SRC ERROR", "✖", source_error, _words, lead="source error: ", system=True, tone="alarm"
    ),
    EventKind(Kind.CLOCK_STEPPED, "CLOCK", "◷", clock_stepped, _words, system=True),
)

#: Every kind the project writes, by name.
CATALOGUE: dict[str, EventKind] = {entry.name: entry for entry in _ENTRIES}

#: Kinds written by the machine rather than a person; the timeline dims them.
SYSTEM_KINDS = frozenset(entry.name for entry in _ENTRIES if entry.system)


def entry(kind: str) -> EventKind | None:
    """The catalogue's entry for `kind`, or None for a kind it does not know (a newer writer's)."""
    return CATALOGUE.get(kind)


def label(kind: str) -> str:
    """The KIND column's word for `kind` (an unknown kind is its own name)."""
    known = CATALOGUE.get(kind)
    return known.label if known else kind


def build(kind: str, *args: Any, **kwargs: Any) -> Payload:
    """The payload for `kind` from its builder (ValueError on bad fields or an unknown kind)."""
    known = CATALOGUE.get(kind)
    if known is None:
        raise ValueError(f"unknown event kind {kind!r}")
    return known.build(*args, **kwargs)


def short_text(event: Event) -> str:
    """The event's words beside its label: the timeline's columns and `show`'s timeline."""
    return _wording(event, long=False)


def long_text(event: Event) -> str:
    """The event's words standing alone: the compact timeline, `show --json`, `record`, postmortem."""
    return _wording(event, long=True)


def _wording(event: Event, *, long: bool) -> str:
    """Never raises on a strange payload (a newer writer's shows raw); the result is still
    untrusted text (callers clean it). A row the store could not read as written leads with a
    marker naming it, so its stand-in time or empty payload is never taken at face value."""
    p = event.payload
    known = CATALOGUE.get(event.kind)
    try:
        if known is None:
            line = _words(p)
        else:
            line = known.long(p) if long else known.short(p)
        late = late_text(p.get(RECORDED_LATE))  # an event the database took late (a full disk)
        line += f" ({late})" if late else ""
    except Exception:  # a payload that is not a mapping of the expected shapes
        line = _s(dict(p) if isinstance(p, dict) else p)
    problem = getattr(event, "problem", None)
    return f"⚠ unreadable row: {problem} · {line}" if problem else line
