"""The blameless postmortem, in the playbook's template, made from the incident's own record.

`postmortem_markdown(state, now)` writes the template exactly (`# Incident <id>: <title>`,
`**Date:**`, `**Duration:**`, `**Severity:**`, `**Impact:**`, `**Detected by:**`, `## Summary`,
`## Timeline (UTC)`, `## Root cause`, `## What went well`, `## What went poorly`, `## What we got
lucky on`, `## Action items`), prefilled from the record:

- the timeline as `- HH:MM — <event>` in the event catalogue's words, with the template's own lines
  (impact started, alert fired, incident declared SEV-n, IC @person, mitigation applied: what,
  metrics recovered, incident resolved); each mitigation that was run with its command and exit
  code; the machine's signals (probes, log spikes, resources, status pages, notifications) between
  two people's entries collapsed to one line per probe, log or page ("flapped 7 times until
  14:09 (4 down, 3 up)");
- the severity: the highest reached, with each change;
- "from the record" hints under What went well / What went poorly: silences longer than the
  cadence (`cadence.missed_updates`), a late first user update (`user_comms`), the time to first
  mitigation against the playbook's 15 minutes, mitigations that failed, severity raised after
  declaration, and the coach warnings that fired (`fired_coach_warnings`, passed in): all made
  in `postmortem_hints`;
- the narrative sections as written (`postmortem.section` events, the latest per section wins) and
  the action items (`action_items`). Events carry everything, so the same record always gives the
  same document, whoever regenerates it.

Pure: the clock is `now` (used only while the incident is still open). Names no people beyond the
template's `IC @person` and the action items' owners: blameless, "names of services, not people".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from warroom.domain.action_items import ActionItem, action_items
from warroom.domain.cadence import UpdateCadence
from warroom.domain.catalogue import long_text
from warroom.domain.event_payloads import POSTMORTEM_SECTIONS, SECTION_TITLES
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState
from warroom.domain.incident_record import duration_line, severity_line
from warroom.domain.postmortem_hints import fired_coach_warnings, went_poorly_hints, went_well_hints
from warroom.domain.postmortem_signals import (
    NOISE_KINDS,
    SignalRun,
    TimelineEntry,
    first_ic,
    left_out,
    run_of,
    signal_subject,
)
from warroom.sanitize import clean

__all__ = [
    "NOISE_KINDS",
    "POSTMORTEM_SECTIONS",
    "SECTION_TITLES",
    "SignalRun",
    "TimelineEntry",
    "fired_coach_warnings",
    "parse_section",
    "postmortem_markdown",
    "postmortem_timeline",
    "section_texts",
    "went_poorly_hints",
    "went_well_hints",
]

#: What `warroom postmortem edit` accepts for each section (besides the stored name itself).
_SECTION_ALIASES = {
    "detected": "detected_by",
    "root": "root_cause",
    "cause": "root_cause",
    "well": "went_well",
    "what_went_well": "went_well",
    "poorly": "went_poorly",
    "what_went_poorly": "went_poorly",
    "luck": "lucky",
    "got_lucky": "lucky",
    "what_we_got_lucky_on": "lucky",
}

#: The template's prompt for each section, shown (with how to write it) while it is unwritten.
SECTION_PROMPTS = {
    "summary": "One paragraph. Lay-reader friendly.",
    "impact": "user-visible impact: which users, what they saw, how many",
    "detected_by": "alert / user report / synthetic / dashboard",
    "root_cause": "What actually caused this. Often a chain: trigger + latent bug + missing guardrail.",
    "went_well": "…",
    "went_poorly": "…",
    "lucky": "The things that, if slightly different, would have made this much worse.",
}


def section_option(section: str) -> str:
    """The name `warroom postmortem edit` takes for a section (`root-cause`)."""
    return section.replace("_", "-")


def parse_section(text: str) -> str:
    """`root-cause`, `Root cause`, `what_went_well` -> the stored name; ValueError naming the choices."""
    key = "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    key = _SECTION_ALIASES.get(key, key)
    if key in POSTMORTEM_SECTIONS:
        return key
    choices = ", ".join(section_option(s) for s in POSTMORTEM_SECTIONS)
    raise ValueError(f"unknown section {text[:40]!r}: one of {choices}")


def section_texts(events: Iterable[Event]) -> dict[str, str]:
    """Each narrative section's current text (the latest `postmortem.section` per section)."""
    texts: dict[str, str] = {}
    sections = (e for e in events if e.kind == Kind.POSTMORTEM_SECTION)  # before sorting: a handful
    for ev in sorted(sections, key=lambda e: (e.id if e.id is not None else float("inf"), e.at)):
        if ev.payload.get("section") in POSTMORTEM_SECTIONS:
            text = ev.payload.get("text")
            if isinstance(text, str) and text.strip():
                texts[str(ev.payload["section"])] = text.strip()
    return texts


# --- the timeline -----------------------------------------------------------------------------


def _detected_words(detected_by: str) -> str:
    """The template's `alert fired`, or how it was noticed when that was not an alert."""
    how = " ".join(detected_by.split())
    if not how or how.lower() == "alert":
        return "alert fired"
    if how.lower().startswith("alert"):
        return f"alert fired: {how[5:].lstrip(' :-—')}"
    if "alert" in how.lower():
        return f"alert fired: {how}"
    return f"detected by {how}"


def postmortem_timeline(state: IncidentState, signal_runs: Sequence[SignalRun] | None = None) -> list[TimelineEntry]:
    """The incident's story in time order: milestones, people's entries and the machine's signals
    collapsed between them (the review screen can show the same list).

    `signal_runs`: the signals already collapsed (`store.signal_runs` summarises a long
    incident's rows without an event each), when `state.events` holds none of them."""
    return [TimelineEntry(at, text, collapsed) for at, text, collapsed in _timeline(state, signal_runs)]


def _timeline(state: IncidentState, signal_runs: Sequence[SignalRun] | None) -> list[tuple[datetime, str, int]]:
    """`postmortem_timeline` as (time, words, signals collapsed): plain tuples, as a long
    incident's document has tens of thousands of lines."""
    entries: list[tuple[datetime, int, str, int]] = []
    m = state.milestones
    detected = m.detected or state.declared_at
    if m.started is not None and m.started < detected:
        entries.append((m.started, -2, "impact started", 1))
    entries.append((detected, -1, _detected_words(state.detected_by), 1))
    ic = first_ic(state)
    pending: dict[tuple[str, ...], list[Event]] = {}

    def flush() -> None:
        for group in pending.values():
            run = run_of(group)
            entries.append((run.at, run.id, run.text(), run.signals))
        pending.clear()

    for ev in sorted(state.events, key=lambda e: (e.at, e.id or 0)):
        if left_out(ev, ic):
            continue
        if ev.kind in NOISE_KINDS:
            pending.setdefault(signal_subject(ev.kind, ev.payload), []).append(ev)
            continue
        flush()
        if ev.kind == Kind.DECLARED:
            first = state.severity_history[0].after if state.severity_history else state.severity
            text = f"incident declared {first.label}" + (f", IC @{ic.payload.get('person')}" if ic else "")
        else:
            text = long_text(ev)
        entries.append((ev.at, ev.id or 0, text, 1))
    flush()
    entries += [(run.at, run.id, run.text(), run.signals) for run in signal_runs or ()]
    entries.sort(key=lambda e: (e[0], e[1]))
    return [(at, text, collapsed) for at, _, text, collapsed in entries]


# --- the document -----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return clean(text, cap=None)


def _block(text: str) -> str:
    """A section's text as written: lines kept, control sequences dropped."""
    return clean(text, cap=None, keep_newlines=True).strip()


def _unwritten(section: str) -> str:
    prompt = SECTION_PROMPTS[section]
    said = f": {prompt}" if prompt != "…" else ""
    return f"_Not written yet{said} (`warroom postmortem edit {section_option(section)}`)_"


def _cell(text: str) -> str:
    """Untrusted words in one table cell: one line, `|` escaped."""
    return _one_line(text).replace("|", "\\|")


def action_item_row(item: ActionItem) -> str:
    """`| Alert on pool use > 80% | @bob | 2026-12-11 | detect |` (done items say so)."""
    text = item.text + (f" (done {item.done_at:%Y-%m-%d})" if item.done_at else "")
    owner = f"@{item.owner}" if item.owner else "(no owner)"
    return f"| {_cell(text)} | {_cell(owner)} | {_cell(item.due or '(no date)')} | {_cell(item.type or '(no type)')} |"


def _list_section(lines: list[str], section: str, texts: dict[str, str], hints: list[str]) -> None:
    lines += ["", f"## {SECTION_TITLES[section]}", ""]
    lines.append(_block(texts[section]) if section in texts else _unwritten(section))
    if hints:
        lines += ["", "From the record:", ""]
        lines += [f"- {_one_line(hint)}" for hint in hints]


def postmortem_markdown(
    state: IncidentState,
    now: datetime,
    cadence: UpdateCadence | None = None,
    coach_warnings: Sequence[tuple[datetime, str]] = (),
    signal_runs: Sequence[SignalRun] | None = None,
) -> str:
    """The postmortem as Markdown in the playbook's template (see the module docstring);
    `signal_runs` as `postmortem_timeline` takes them."""
    texts = section_texts(state.events)
    start = state.milestones.started or state.declared_at
    impact = texts.get("impact") or state.impact
    detected_by = texts.get("detected_by") or state.detected_by
    lines = [f"# Incident {state.short_id}: {_one_line(state.title)}", ""]
    if state.drill:
        lines += ["**DRILL**: a practice run, left out of metrics.", ""]
    lines += [
        f"**Date:** {start:%Y-%m-%d}",
        f"**Duration:** {_one_line(duration_line(state, now))}",
        f"**Severity:** {_one_line(severity_line(state))}",
        f"**Impact:** {_one_line(impact) if impact else _unwritten('impact')}",
        f"**Detected by:** {_one_line(detected_by) if detected_by else _unwritten('detected_by')}",
        "",
        "## Summary",
        "",
        _block(texts["summary"]) if "summary" in texts else _unwritten("summary"),
        "",
        "## Timeline (UTC)",
        "",
    ]
    day = start.date()
    other_days: dict[date, str] = {}  # a line on another day says which (each date formatted once)
    for at, text, _ in _timeline(state, signal_runs):
        on = at.date()
        if on == day:
            when = f"{at.hour:02d}:{at.minute:02d}"
        else:
            when = other_days.get(on) or other_days.setdefault(on, f"{at:%Y-%m-%d} ")
            when += f"{at.hour:02d}:{at.minute:02d}"
        lines.append(f"- {when} — {_one_line(text)}")
    lines += ["", "## Root cause", ""]
    lines.append(_block(texts["root_cause"]) if "root_cause" in texts else _unwritten("root_cause"))
    _list_section(lines, "went_well", texts, went_well_hints(state))
    _list_section(lines, "went_poorly", texts, went_poorly_hints(state, now, cadence, coach_warnings))
    _list_section(lines, "lucky", texts, [])
    lines += ["", "## Action items", "", "| Item | Owner | Due | Type |", "|---|---|---|---|"]
    lines += [action_item_row(item) for item in action_items(state.events)]
    lines += [
        "",
        'Each action item should be **assignable, scheduleable, and verifiable**. "Be more careful" '
        "is not an action item.",
    ]
    return "\n".join(lines) + "\n"
