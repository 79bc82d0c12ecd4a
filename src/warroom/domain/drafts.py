"""Status-update drafts from the playbook's templates, filled from the incident's record.

The templates are package data (`warroom/data/templates/*.txt`), word for word from the playbook,
and can be replaced from config (`[templates]`). Placeholders are `${name}`, substituted with
`string.Template.safe_substitute`: nothing is evaluated, an unknown placeholder stays as written,
and a value containing `$` is inserted as-is.

Whatever the record cannot fill shows as the playbook's own blank (`<link>`, `<who and how>`) or
`<person: VACANT>` for a vacant role (the playbook's `<person>` blank, with the role board's word),
so the gap is visible and reads as a blank to fill under pressure instead of silently missing.

Audiences: `internal` (the chat-channel declaration block), `external` (the status page), and
`tactical` (a Conditions / Actions / Needs update for the internal channel; the CLI also calls it
`can`). Customers read only customer words: the external draft names the incident's `feature`
(the blank `<feature>` until someone sets it, never the internal title), its first line is the
status's own sentence (`EXTERNAL_STATUS_LINES`), and once resolved it says when, followed by the
public summary (`resolve --public`) if one was given, never the internal summary. Once resolved
the internal draft becomes the playbook's `[Resolved] <summary>`, and the tactical update says
when and by whom it was resolved, asks only for a postmortem owner, and promises no next update.
After a severity change the internal draft's first line says so (`SEV-1 (raised from SEV-2 at
05:22 UTC)`) instead of re-declaring. The channel is one per incident (`channel_name`). With no cadence in force (SEV-4, or one switched off in config) no
line promises an update within a number of minutes (see `_NO_CADENCE_LINES`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any

from warroom.domain.cadence import UpdateCadence
from warroom.domain.catalogue import short_text
from warroom.domain.events import Event, Kind
from warroom.domain.roles import COMMS, IC, SCRIBE, role_names
from warroom.domain.status import Status
from warroom.records import Record, record

if TYPE_CHECKING:
    from warroom.domain.incident import CommsPost, IncidentState, StatusChange

AUDIENCES = ("internal", "external", "tactical")
TEMPLATE_NAMES = ("internal", "external", "tactical", "resolved")
_ALIASES = {
    "can": "tactical",
    "chat": "internal",
    "status-page": "external",
    "statuspage": "external",
    "public": "external",
}

#: The role the playbook calls optional: never listed as a need (the board shows it "vacant (optional)").
OPTIONAL_ROLES = (SCRIBE,)

#: How many of the latest notes / mitigations a tactical update lists.
TACTICAL_ITEMS = 5

#: A vacant role in a draft: the playbook's own `<person>` blank, with the role board's word, so
#: whoever pastes it sees at once which blank is left to fill.
UNASSIGNED = "<person: VACANT>"

#: The playbook: review "within 5 business days of resolution".
REVIEW_BUSINESS_DAYS = 5

# With no cadence in force (SEV-4, or `[cadence] sev3 = false`) "within <n> minutes" would be a
# blank nobody can fill and a promise nobody is held to, so the playbook's promise lines become
# promises of no particular time (templates are matched line by line, overrides included; any
# other line keeps `<n>` visible). SEV-1..3 with a cadence keep the playbook's words exactly.
_NO_CADENCE_LINES = {
    "Updates every ${cadence_minutes} min until resolved.": "Updates when there is news, until resolved.",
    "We'll post an update within ${cadence_minutes} minutes.": "We'll post an update when we know more.",
    "Next update within ${cadence_minutes} min.": "Next update when there is news.",
}
# After resolution the tactical update promises no next update: the incident is over.
_RESOLVED_LINES = {
    "Next update within ${cadence_minutes} min.": "No further scheduled updates: the channel stays open for postmortem prep.",
}
# After a severity change the declaration line says so instead of "SEV-1 declared" (the packaged
# line and any override that kept it; `${severity_headline}` is there for overrides of their own).
_SEVERITY_LINES = {
    "🚨 ${severity} declared: ${summary}": "🚨 ${severity_headline}: ${summary}",
}
# The customer-facing sentence for each status. Investigating is the playbook's own line; the
# others are plain sentences of the same kind, swapped in for that line (an override that changed
# it keeps its own words).
_EXTERNAL_FIRST_LINE = "[${status}] We are aware of an issue affecting ${feature}."
EXTERNAL_STATUS_LINES = {
    Status.INVESTIGATING: "[Investigating] We are aware of an issue affecting ${feature}.",
    Status.IDENTIFIED: "[Identified] We have identified the cause of the issue affecting ${feature} and are applying a fix.",
    Status.MONITORING: "[Monitoring] A fix is in place for the issue affecting ${feature} and we are watching to make sure it holds.",
}
#: The external Resolved update: the time, then the public summary when one was given
#: (`resolve --public`); never the internal summary, which may name systems.
EXTERNAL_RESOLVED = "[Resolved] The issue affecting ${feature} was resolved at ${resolved_at}."
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)")


@record
class Draft(Record):
    """A rendered update: who it is for and the exact text."""

    audience: str
    text: str
    #: Which template made it: internal, external, tactical or resolved.
    template: str = ""


def normalize_audience(text: str) -> str:
    """`can` -> `tactical`; `Internal` -> `internal`; ValueError for anything else."""
    key = text.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in AUDIENCES:
        raise ValueError(f"unknown audience {text!r}: use internal, external or can (tactical)")
    return key


@cache
def packaged_template(name: str) -> str:
    """The playbook's template shipped with warroom (read-only package data)."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"no template named {name!r}")
    return resources.files("warroom").joinpath("data", "templates", f"{name}.txt").read_text(encoding="utf-8")


def template_for(name: str, overrides: Any | None = None) -> str:
    """The configured override (`[templates] <name> = "..."`) if set, else the packaged one."""
    override = None
    if overrides is not None:
        override = overrides.get(name) if isinstance(overrides, dict) else getattr(overrides, name, None)
    return override if override else packaged_template(name)


def _one_line(text: str, cap: int = 300) -> str:
    """Notes are untrusted: no escape sequences or control characters, one line, capped."""
    text = _ESCAPE.sub("", str(text))
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= cap else text[: cap - 1] + "…"


def _utc_minute(dt: datetime) -> str:
    return f"{dt:%Y-%m-%d %H:%M} UTC"


def _resolution_summary(state: IncidentState) -> str:
    for change in reversed(state.status_history):
        if change.after is Status.RESOLVED:
            if change.text.strip():
                return _one_line(change.text)
            break
    return _one_line(state.title) or "<summary>"


def _feature(state: IncidentState) -> str:
    """What customers see broken, in their words: the incident's `feature` (`declare --feature`,
    `warroom feature`, `/feature`), else the playbook's blank `<feature>` for the Comms Lead to
    fill. Never the internal title, which may name systems customers do not know."""
    return _one_line(state.feature) or "<feature>"


def channel_name(state: IncidentState, prefix: str | None = None) -> str:
    """The incident's chat channel: prefix + declaration date + id (`#incident-2026-12-06-inc-7`).

    Both parts are fixed at declaration, so the name never changes during the incident, and two
    incidents declared on one day never share a channel.
    """
    return f"{prefix or '#incident-'}{state.declared_at:%Y-%m-%d}-{state.short_id.lower()}"


def _clock(at: datetime, ref: datetime) -> str:
    """`05:22 UTC`, with the date as well when `at` is on another day than `ref`."""
    return f"{at:%H:%M} UTC" if at.date() == ref.date() else _utc_minute(at)


def severity_headline(state: IncidentState, now: datetime) -> str:
    """`SEV-1 declared`, or after a change `SEV-1 (raised from SEV-2 at 05:22 UTC)` (or lowered):
    the internal draft must not re-announce a declaration that happened at another severity."""
    changes = [c for c in state.severity_history[1:] if c.at <= now and c.before is not None]
    if not changes:
        return f"{state.severity.label} declared"
    last = changes[-1]
    assert last.before is not None  # the changes kept above all have a before
    verb = "raised" if last.is_upgrade else "lowered"
    return f"{last.after.label} ({verb} from {last.before.label} at {_clock(last.at, now)})"


def _items(events: Iterable[Event], empty: str) -> str:
    lines = []
    for ev in events:
        # The catalogue's words beside a label (a note's text, a mitigation's what): the draft's
        # section names the kind. `what` is an older writer's field for a mitigation.
        text = _one_line(short_text(ev) or str(ev.payload.get("what") or ""))
        if text:
            lines.append(f"- {ev.at:%H:%M} {text}")
    return "\n".join(lines) if lines else f"- {empty}"


def _resolution(state: IncidentState) -> StatusChange | None:
    """The status change that resolved the incident (the latest), or None while open."""
    if state.status is not Status.RESOLVED:
        return None
    for change in reversed(state.status_history):
        if change.after is Status.RESOLVED:
            return change
    return None


def _resolved_line(state: IncidentState) -> str:
    change = _resolution(state)
    at = state.milestones.resolved or (change.at if change else None)
    when = f" at {at:%H:%M} UTC" if at else ""
    who = f" by {_one_line(change.actor)}" if change and change.actor.strip() else ""
    return f"- Resolved{when}{who}: {_resolution_summary(state)}"


def _conditions(state: IncidentState, now: datetime) -> str:
    """The latest notes since the last internal-channel update (all of them if none yet).

    Once resolved: the resolution first (when, by whom, what), then any notes since the last
    update; the impact and "nothing new" no longer apply.
    """
    since = None
    for post in state.comms:
        if post.audience in ("internal", "tactical") and post.at <= now:
            since = post.at
    notes = [e for e in state.events if e.kind == Kind.NOTE and e.at <= now and (since is None or e.at > since)]
    if state.status is Status.RESOLVED:
        items = _items(notes[-TACTICAL_ITEMS:], "")
        return _resolved_line(state) + ("" if items == "- " else "\n" + items)
    lines = [f"- Impact: {_one_line(state.impact)}"] if state.impact.strip() else []
    items = _items(notes[-TACTICAL_ITEMS:], f"Nothing new: still {state.status.value.lower()}.")
    return "\n".join(lines + [items])


def _actions(state: IncidentState, now: datetime) -> str:
    done = [m for m in state.mitigations if m.at <= now]
    return _items(done[-TACTICAL_ITEMS:], "No mitigation applied yet.")


def needed_roles(team: Any | None = None) -> list[str]:
    """Roles a tactical update asks for when nobody holds them: the ones the role board flags
    `⚠ VACANT` (IC, Comms Lead, Tech Lead, then `[team] extra_roles`), not the optional Scribe."""
    extras = tuple(getattr(team, "extra_roles", None) or ())
    return [role for role in role_names(extras) if role not in OPTIONAL_ROLES]


def add_business_days(day: datetime, days: int) -> datetime:
    """`day` plus `days` working days (Saturdays and Sundays skipped)."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _postmortem_need(state: IncidentState) -> str:
    """After resolution the one need left: someone to own the review, within 5 business days."""
    change = _resolution(state)
    resolved = state.milestones.resolved or (change.at if change else state.declared_at)
    due = add_business_days(resolved, REVIEW_BUSINESS_DAYS)
    # A team that tracks it as a role (`extra_roles = ["Postmortem Owner"]`) has named one already.
    owner = next((h.person for r, h in state.roles.items() if "postmortem" in r.lower()), None)
    who = _one_line(owner) if owner else "<person>"
    return f"- Postmortem owner: {who} (review within {REVIEW_BUSINESS_DAYS} business days, by {due:%a %Y-%m-%d})"


def _needs(state: IncidentState, team: Any | None = None) -> str:
    if state.status is Status.RESOLVED:
        return _postmortem_need(state)
    vacant = [role for role in needed_roles(team) if role not in state.roles]
    if not vacant:
        return "- Nothing right now."
    return "\n".join(f"- {_one_line(role)}: VACANT, needs someone" for role in vacant)


def draft_values(
    state: IncidentState, now: datetime, cadence: UpdateCadence | None = None, team: Any | None = None
) -> dict[str, str]:
    """Every placeholder a template may use, filled from the record (blanks stay visible)."""
    cadence = cadence or UpdateCadence()
    minutes = cadence.minutes_for(state.severity)
    commander = state.roles.get(IC)
    comms = state.roles.get(COMMS)
    prefix = getattr(team, "channel_prefix", None) or "#incident-"
    resolution = _resolution(state)
    resolved_at = state.milestones.resolved or (resolution.at if resolution else None)
    status_page = (getattr(team, "status_page", "") or "").strip()
    started = state.milestones.started or state.declared_at
    return {
        "incident": state.short_id,
        "severity": state.severity.label,
        "severity_headline": severity_headline(state, now),
        "status": state.status.value,
        "summary": _one_line(state.title) or "<one-line summary>",
        "title": _one_line(state.title),
        "commander": _one_line(commander.person) if commander else UNASSIGNED,
        "comms_lead": _one_line(comms.person) if comms else UNASSIGNED,
        "channel": channel_name(state, prefix),
        "status_page": status_page or "<link>",
        "cadence_minutes": str(minutes) if minutes else "<n>",
        "feature": _feature(state),
        "started": _utc_minute(started),
        "impact": _one_line(state.impact) or "<who and how>",
        "time": f"{now:%H:%M} UTC",
        "now": _utc_minute(now),
        "conditions": _conditions(state, now),
        "actions": _actions(state, now),
        "needs": _needs(state, team),
        "resolution": _resolution_summary(state),
        "public_summary": _one_line(state.public_summary),
        "resolved_at": _clock(resolved_at, started) if resolved_at else "<time UTC>",
    }


DRILL_BANNER = "[DRILL] Practice incident — not a real outage."


def _replace_lines(template: str, replacements: dict[str, str]) -> str:
    """Swap whole template lines (before substitution), keeping everything else as written."""
    return "\n".join(replacements.get(line.strip(), line) for line in template.split("\n"))


def render_draft(
    state: IncidentState,
    audience: str,
    now: datetime,
    cadence: UpdateCadence | None = None,
    team: Any | None = None,
    templates_override: Any | None = None,
) -> Draft:
    """Render the draft for `audience` (internal, external, tactical/can) as of `now`.

    `cadence` is an `UpdateCadence` (or a `CadenceConfig`), `team` a `TeamConfig` (channel prefix,
    status page), `templates_override` a `TemplatesConfig` or a dict of template texts.
    """
    audience = normalize_audience(audience)
    if cadence is not None and not isinstance(cadence, UpdateCadence):
        cadence = UpdateCadence.from_config(cadence)
    cadence = cadence or UpdateCadence()
    values = draft_values(state, now, cadence, team)
    name = audience
    template = template_for(name, templates_override)
    if state.status is Status.RESOLVED:
        if audience == "internal":
            name = "resolved"
            template = template_for(name, templates_override)
            values["summary"] = values["resolution"]
        elif audience == "external":
            template = EXTERNAL_RESOLVED + (" ${public_summary}" if values["public_summary"] else "")
        else:
            template = _replace_lines(template, _RESOLVED_LINES)
    else:
        if audience == "external":
            template = _replace_lines(template, {_EXTERNAL_FIRST_LINE: EXTERNAL_STATUS_LINES[state.status]})
        if len(state.severity_history) > 1:
            template = _replace_lines(template, _SEVERITY_LINES)
        if cadence.minutes_for(state.severity) is None:
            template = _replace_lines(template, _NO_CADENCE_LINES)
    text = Template(template).safe_substitute(values).rstrip("\n")
    if state.drill:  # a practice run must never read as a real outage wherever it is pasted
        text = f"{DRILL_BANNER}\n{text}"
    return Draft(audience, text, name)


def last_post(state: IncidentState, audience: str) -> CommsPost | None:
    """The latest update of this audience marked posted, or None."""
    audience = normalize_audience(audience)
    posts = [p for p in state.comms if _post_audience(p.audience) == audience]
    return posts[-1] if posts else None


def _post_audience(text: str) -> str:
    try:
        return normalize_audience(text)
    except ValueError:
        return text


def changes_since_last_post(state: IncidentState, audience: str, new_text: str) -> list[str]:
    """Unified-diff lines from the last posted update of this audience to `new_text`.

    With nothing posted yet, every line shows as added. No lines means nothing changed.
    """
    previous = last_post(state, audience)
    old_lines = previous.text.splitlines() if previous else []
    label = f"posted {previous.at:%H:%M} UTC" if previous else "nothing posted yet"
    return list(difflib.unified_diff(old_lines, new_text.splitlines(), fromfile=label, tofile="draft", lineterm=""))
