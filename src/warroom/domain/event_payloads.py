"""The payload builders of the event catalogue: one per kind, typed arguments in, a checked dict out.

Every writer (slash commands, CLI commands, the source rules, the demo) builds an event's payload
here, so a kind's payload has one shape; a bad field is a `ValueError` with a sentence. Reach them
through `warroom.domain.catalogue` (`catalogue.note(text)`), where each kind's entry names its builder.

Kept lean (no `typing`, no `dataclasses`); `warroom note` imports only `payload_checks`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.events import format_ts
from warroom.domain.payload_checks import checked_text as _str
from warroom.domain.payload_checks import note as note  # kept apart: `warroom note` imports it alone

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    Payload = dict[str, Any]


# --- checks the builders share ----------------------------------------------------------------


def _level(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise ValueError(f"{field} must be a severity level 1-4, not {value!r}")
    return int(value)


def _number(value: object, field: str) -> float | int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"{field} must be a number, not {value!r}")
    return value


# --- builders: one per kind, typed arguments in, a checked payload out --------------------------


def declared(
    title: str,
    severity: int,
    *,
    drill: bool = False,
    impact: str = "",
    feature: str = "",
    detected_by: str = "",
    started_at: datetime | None = None,
    detected_at: datetime | None = None,
) -> Payload:
    """`incident.declared`: the title, severity and what is known at the start (empty fields left out)."""
    payload: Payload = {
        "title": _str(title, "title", required=True),
        "severity": _level(severity, "severity"),
        "drill": bool(drill),
    }
    if _str(impact, "impact"):
        payload["impact"] = impact
    if _str(feature, "feature"):
        payload["feature"] = feature
    if _str(detected_by, "detected by"):
        payload["detected_by"] = detected_by
    if started_at:
        payload["started_at"] = format_ts(started_at)
    if detected_at:
        payload["detected_at"] = format_ts(detected_at)
    return payload


def severity_changed(before: int, after: int, reason: str = "") -> Payload:
    """`severity.changed`: from one level to another (1 is the worst), with why."""
    return {"from": _level(before, "from"), "to": _level(after, "to"), "reason": _str(reason, "reason")}


def status_changed(before: str, after: str, text: str = "") -> Payload:
    """`status.changed`: Investigating -> Identified -> Monitoring (resolving is its own kind)."""
    return {
        "from": _str(before, "from", required=True),
        "to": _str(after, "to", required=True),
        "text": _str(text, "text"),
    }


def role_assigned(role: str, person: str) -> Payload:
    """`role.assigned`: who holds a role now."""
    return {"role": _str(role, "role", required=True), "person": _str(person, "person", required=True)}


def role_released(role: str) -> Payload:
    """`role.released`: the role is vacant."""
    return {"role": _str(role, "role", required=True)}


def acknowledged() -> Payload:
    """`incident.acknowledged`: somebody has it (the MTTA milestone); nothing else to say."""
    return {}


def mitigation_applied(text: str) -> Payload:
    """`mitigation.applied`: what stopped the bleeding (the MTTM milestone)."""
    return {"text": _str(text, "the mitigation", required=True)}


def resolved(text: str = "", public: str = "", *, resolved_by: str = "", overrode: list[str] | None = None) -> Payload:
    """`incident.resolved`: the internal summary and, when given, what customers read; who
    resolved, and the checks they overrode (`["probe api down", "not the IC (IC is alice)"]`)."""
    payload: Payload = {"text": _str(text, "text")}
    if _str(public, "public summary"):
        payload["public"] = public
    if _str(resolved_by, "resolved by"):
        payload["resolved_by"] = resolved_by
    if overrode:
        if not isinstance(overrode, list) or not all(isinstance(o, str) and o for o in overrode):
            raise ValueError(f"overrode must be a list of checks in words, not {overrode!r}")
        payload["overrode"] = list(overrode)
    return payload


def reopened(text: str = "") -> Payload:
    """`incident.reopened`: it came back."""
    return {"text": _str(text, "text")}


def milestone_set(name: str, at: datetime, reason: str = "") -> Payload:
    """`milestone.set`: a milestone learned later, back-dated (`started`, `detected`...)."""
    if not isinstance(at, datetime):
        raise ValueError(f"milestone time must be a datetime, not {at!r}")
    return {"name": _str(name, "milestone", required=True), "at": format_ts(at), "reason": _str(reason, "reason")}


def amended(text: str) -> Payload:
    """`event.amended`: a correction to an earlier event, in words."""
    return {"text": _str(text, "text", required=True)}


def feature_set(text: str) -> Payload:
    """`feature.set`: the customer-facing name of what is broken (the external draft's <feature>)."""
    return {"text": _str(text, "the feature", required=True)}


def public_summary(text: str) -> Payload:
    """`resolution.public`: the customers' words, given after resolving."""
    return {"text": _str(text, "the public summary", required=True)}


def comms_posted(audience: str, text: str) -> Payload:
    """`comms.posted`: an update marked posted to an audience (internal, external, tactical...)."""
    return {"audience": _str(audience, "audience", required=True), "text": _str(text, "text")}


def notify_sent(audience: str, text: str, result: Mapping[str, Any]) -> Payload:
    """`notify.sent`: a notifier ran for a posted update; `result` is what it reported."""
    return {"audience": _str(audience, "audience", required=True), "text": _str(text, "text"), **dict(result)}


def probe_down(
    *,
    probe: str,
    status_code: int | None,
    elapsed: float,
    failure: str | None,
    error: str | None,
    previous: str,
    failures: int,
    first_failure_at: str | None,
) -> Payload:
    """`probe.down`: the probe's failure streak crossed its threshold."""
    return {
        "probe": _str(probe, "probe", required=True),
        "status_code": _number(status_code, "status_code"),
        "elapsed": round(float(_number(elapsed, "elapsed") or 0), 4),
        "failure": failure,
        "error": error,
        "previous": previous,
        "failures": failures,
        "first_failure_at": first_failure_at,
    }


def probe_up(
    *,
    probe: str,
    status_code: int | None,
    elapsed: float,
    down_seconds: float | None,
    down_since: str | None,
    first_success_at: str | None,
) -> Payload:
    """`probe.up`: a probe that was down answers again."""
    return {
        "probe": _str(probe, "probe", required=True),
        "status_code": _number(status_code, "status_code"),
        "elapsed": round(float(_number(elapsed, "elapsed") or 0), 4),
        "down_seconds": _number(down_seconds, "down_seconds"),
        "down_since": down_since,
        "first_success_at": first_success_at,
    }


def statuspage_changed(
    *, page: str, indicator: str, description: str, components: list[list[str]], first: bool
) -> Payload:
    """`statuspage.changed`: a third party's status page says something new."""
    return {
        "page": _str(page, "page", required=True),
        "indicator": _str(indicator, "indicator", required=True),
        "description": _str(description, "description"),
        "components": [list(c) for c in components],
        "first": bool(first),
    }


def log_spike(*, log: str, count: int, baseline: float, factor: float, minute: str) -> Payload:
    """`log.spike`: a minute's matching lines rose over the baseline by the configured factor."""
    return {
        "log": _str(log, "log", required=True),
        "count": _number(count, "count"),
        "baseline": round(float(_number(baseline, "baseline") or 0), 2),
        "factor": _number(factor, "factor"),
        "minute": _str(minute, "minute", required=True),
    }


def deploy_seen(deploy: Mapping[str, Any], *, seen_at: datetime) -> Payload:
    """`deploy.seen`: a deploy's fields (`Deploy.to_json()`) and when the recorder saw it."""
    return dict(deploy) | {"seen_at": format_ts(seen_at)}


def resource_threshold(*, metric: str, state: str, value: float, threshold: float, host: str, at: datetime) -> Payload:
    """`resource.threshold`: memory or a disk crossed its threshold (`high`) or came back (`recovered`)."""
    return {
        "metric": _str(metric, "metric", required=True),
        "state": _str(state, "state", required=True),
        "value": round(float(_number(value, "value") or 0), 1),
        "threshold": _number(threshold, "threshold"),
        "host": _str(host, "host"),
        "at": format_ts(at),
    }


def metric_threshold(
    *,
    metric: str,
    state: str,
    previous: str,
    value: float,
    threshold: float | None,
    unit: str,
    series: str,
    at: datetime,
) -> Payload:
    """`metric.threshold`: a Prometheus query's value crossed its warn/crit line (or came back)."""
    if state not in ("ok", "warn", "crit"):
        raise ValueError(f"state must be ok, warn or crit, not {state!r}")
    return {
        "metric": _str(metric, "metric", required=True),
        "state": state,
        "previous": _str(previous, "previous"),
        "value": _number(value, "value"),
        "threshold": _number(threshold, "threshold"),
        "unit": _str(unit, "unit"),
        "series": _str(series, "series"),
        "at": format_ts(at),
    }


def evidence_pinned(
    *,
    pane: str,
    source_kind: str,
    command: Any,
    exit_code: int | None,
    error: str | None,
    at: datetime,
    output: str,
    lines_cut: int,
) -> Payload:
    """`evidence.pinned`: one pane's output, kept in the record as it was."""
    return {
        "pane": _str(pane, "pane", required=True),
        "source_kind": _str(source_kind, "source kind"),
        "command": command,
        "exit_code": _number(exit_code, "exit_code"),
        "error": error,
        "at": format_ts(at),
        "output": _str(output, "output"),
        "lines_cut": lines_cut,
    }


def command_run(
    *,
    argv: list[str],
    exit_code: int,
    duration_s: float,
    output: str,
    lines_cut: int = 0,
    error: str | None = None,
    interrupted: bool = False,
) -> Payload:
    """`command.run`: a command an operator ran with `warroom run`, its argv already redacted,
    how it ended, how long it took and the tail of what it printed."""
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ValueError("argv must be a non-empty list of text")
    if isinstance(exit_code, bool) or not isinstance(exit_code, int):
        raise ValueError(f"exit_code must be a whole number, not {exit_code!r}")
    payload: Payload = {
        "argv": list(argv),
        "exit_code": exit_code,
        "duration_s": _number(duration_s, "duration_s"),
        "output": _str(output, "output"),
        "lines_cut": int(lines_cut),
    }
    if error:
        payload["error"] = _str(error, "error")
    if interrupted:
        payload["interrupted"] = True
    return payload


def mitigation_run(
    *,
    kind: str,
    name: str,
    argv: list[str],
    exit_code: int | None,
    duration_s: float,
    output: str,
    timed_out: bool = False,
    interrupted: bool = False,
    lines_cut: int = 0,
    error: str | None = None,
    title: str = "",
    origin: str = "",
    capture_argv: list[str] | None = None,
    capture_output: str = "",
    capture_exit_code: int | None = None,
    capture_error: str | None = None,
) -> Payload:
    """`mitigation`: a mitigation option that was run (its kind and name, the argv already
    redacted, how it ended: exit code, None when it could not start or timed out, the duration and
    the tail of its output) and, when it captured state first, that command and its output."""
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ValueError("argv must be a non-empty list of text")
    for value, field in ((exit_code, "exit_code"), (capture_exit_code, "capture_exit_code")):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{field} must be a whole number or None, not {value!r}")
    payload: Payload = {
        "kind": _str(kind, "kind", required=True),
        "name": _str(name, "name", required=True),
        "argv": list(argv),
        "exit_code": exit_code,
        "timed_out": bool(timed_out),
        "duration_s": _number(duration_s, "duration_s"),
        "output": _str(output, "output"),
        "lines_cut": int(lines_cut),
    }
    if interrupted:
        payload["interrupted"] = True
    if title:
        payload["title"] = _str(title, "title")
    if origin:
        payload["origin"] = _str(origin, "origin")
    if error:
        payload["error"] = _str(error, "error")
    if capture_argv:
        if not all(isinstance(a, str) for a in capture_argv):
            raise ValueError("capture_argv must be a list of text")
        payload["capture_argv"] = list(capture_argv)
        payload["capture_output"] = _str(capture_output, "capture_output")
        payload["capture_exit_code"] = capture_exit_code
        if capture_error:
            payload["capture_error"] = _str(capture_error, "capture_error")
    return payload


def handoff_proposed(outgoing: str, incoming: str) -> Payload:
    """`ic.handoff.proposed`: the IC now (`from`) proposes `to` as the next; pending until `to` acks."""
    return {"from": _str(outgoing, "from", required=True), "to": _str(incoming, "to", required=True)}


def handoff_accepted(outgoing: str, incoming: str) -> Payload:
    """`ic.handoff.accepted`: `to` acknowledged the handoff from `from` and is the IC now."""
    return {"from": _str(outgoing, "from", required=True), "to": _str(incoming, "to", required=True)}


def source_error(text: str, **details: Any) -> Payload:
    """`source.error`: a source that could not run, in words (and whatever else it knows)."""
    return {"text": _str(text, "text", required=True), **details}


def runbook_checked(*, runbook: str, file: str, item: str, checked: bool) -> Payload:
    """`runbook.checked`: a runbook's checklist item ticked (`checked` true) or unticked; the
    latest such event per runbook file and item is its state on every screen."""
    if not isinstance(checked, bool):
        raise ValueError(f"checked must be true or false, not {checked!r}")
    return {
        "runbook": _str(runbook, "runbook", required=True),
        "file": _str(file, "file", required=True),
        "item": _str(item, "item", required=True),
        "checked": checked,
    }


def metrics_recovered(
    *,
    probes: list[str],
    probes_down: list[str] | None = None,
    error_rate: float | None = None,
    baseline: float | None = None,
    since: datetime,
    held_s: float,
    text: str,
    after_event: int = 0,
) -> Payload:
    """`metrics.recovered`: every probe up and the error rate back at its baseline for `held_s`
    seconds since `since` (the rule: `domain.recovery`); `text` is the timeline's line;
    `after_event` is the id of the last bad signal (a probe DOWN, an error spike) it follows."""
    if not isinstance(since, datetime):
        raise ValueError(f"since must be a datetime, not {since!r}")
    if not isinstance(probes, list) or not all(isinstance(p, str) for p in probes):
        raise ValueError(f"probes must be a list of probe names, not {probes!r}")
    return {
        "probes": list(probes),
        "probes_down": list(probes_down or []),
        "error_rate": _number(error_rate, "error rate"),
        "baseline": _number(baseline, "baseline"),
        "since": format_ts(since),
        "held_s": _number(held_s, "held_s"),
        "after_event": int(after_event),
        "text": _str(text, "text", required=True),
    }


def coach_dismissed(rule: str, key: str, text: str) -> Payload:
    """`coach.dismissed`: a coach warning dismissed, by its rule and situation key (it returns
    only under a new key: a new situation), with the warning's words as shown."""
    return {
        "rule": _str(rule, "rule", required=True),
        "key": _str(key, "key", required=True),
        "text": _str(text, "text"),
    }


# --- the review afterwards: postmortem sections and action items ------------------------------

#: The postmortem's narrative sections, as stored (`warroom postmortem edit SECTION` names them).
POSTMORTEM_SECTIONS = ("summary", "impact", "detected_by", "root_cause", "went_well", "went_poorly", "lucky")

#: Each section's heading in the playbook's template (`**Impact:**`, `## Root cause`).
SECTION_TITLES = {
    "summary": "Summary",
    "impact": "Impact",
    "detected_by": "Detected by",
    "root_cause": "Root cause",
    "went_well": "What went well",
    "went_poorly": "What went poorly",
    "lucky": "What we got lucky on",
}

#: An action item's type, in the playbook's words (`prevent / detect / mitigate`).
ACTION_TYPES = ("prevent", "detect", "mitigate")


def _due_date(value: object) -> str:
    """A due date as `YYYY-MM-DD` (checked to be a real date)."""
    from datetime import date

    text = _str(value, "due date").strip()
    try:
        if len(text) != 10:
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"due date {text[:40]!r} is not a date: use YYYY-MM-DD") from None
    return text


def _action_type(value: object) -> str:
    text = _str(value, "type").strip().lower()
    if text not in ACTION_TYPES:
        raise ValueError(f"type {text[:40]!r} is not one of {' / '.join(ACTION_TYPES)}")
    return text


def _action_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"an action item's number is a whole number from 1, not {value!r}")
    return value


def postmortem_section(section: str, text: str) -> Payload:
    """`postmortem.section`: one narrative section's text (the latest per section wins)."""
    if section not in POSTMORTEM_SECTIONS:
        raise ValueError(f"unknown postmortem section {section!r}: one of {', '.join(POSTMORTEM_SECTIONS)}")
    return {"section": section, "text": _str(text, "the section's text", required=True)}


def postmortem_done() -> Payload:
    """`postmortem.done`: the postmortem was reviewed and closed; nothing else to say."""
    return {}


def action_added(text: str, *, owner: str = "", due: str = "", type: str = "") -> Payload:
    """`action.added`: a new action item; owner, due date (YYYY-MM-DD) and type are left out when
    not known yet (the postmortem's lint asks for them)."""
    payload: Payload = {"text": " ".join(_str(text, "the action item", required=True).split())}
    if owner:
        payload["owner"] = _str(owner, "owner")
    if due:
        payload["due"] = _due_date(due)
    if type:
        payload["type"] = _action_type(type)
    return payload


def action_edited(
    number: int, *, text: str | None = None, owner: str | None = None, due: str | None = None, type: str | None = None
) -> Payload:
    """`action.edited`: the fields of item `number` that change (at least one)."""
    payload: Payload = {"number": _action_number(number)}
    if text is not None:
        payload["text"] = " ".join(_str(text, "the action item", required=True).split())
    if owner is not None:
        payload["owner"] = _str(owner, "owner", required=True)
    if due is not None:
        payload["due"] = _due_date(due)
    if type is not None:
        payload["type"] = _action_type(type)
    if len(payload) == 1:
        raise ValueError("say what changes: --text, --owner, --due or --type")
    return payload


def action_done(number: int) -> Payload:
    """`action.done`: item `number` is done."""
    return {"number": _action_number(number)}


def _alert(
    text: str,
    *,
    alert: str,
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
    fingerprint: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    generator_url: str = "",
    truncated: int = 0,
) -> Payload:
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise ValueError("labels must be a mapping of text")
    if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
        raise ValueError("annotations must be a mapping of text")
    payload: Payload = {
        "text": _str(text, "text", required=True),
        "alert": _str(alert, "alert", required=True),
        "labels": dict(labels),
        "annotations": dict(annotations),
        "fingerprint": _str(fingerprint, "fingerprint", required=True),
        "starts_at": format_ts(starts_at),
    }
    if ends_at is not None:
        payload["ends_at"] = format_ts(ends_at)
    if _str(generator_url, "generator_url"):
        payload["generator_url"] = generator_url
    if truncated:
        payload["truncated_alerts"] = int(_number(truncated, "truncated") or 0)
    return payload


def alert_firing(text: str, **fields: Any) -> Payload:
    """`alert.firing`: an Alertmanager alert started firing (name, labels, summary/description/
    runbook_url annotations, fingerprint, startsAt; `truncated_alerts` when its notification was cut)."""
    return _alert(text, **fields)


def alert_resolved(text: str, **fields: Any) -> Payload:
    """`alert.resolved`: an Alertmanager alert resolved (the same fields, and its endsAt)."""
    return _alert(text, **fields)


def signed_span(delta: timedelta) -> str:
    """`+1h 00m`, `-1h 00m`, `+3m 20s`, `-45s`: a step's size with its direction."""
    total = round(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {seconds:02d}s" if seconds else f"{sign}{minutes}m"
    return f"{sign}{seconds}s"


def clock_stepped(*, step_s: float, before: datetime, after: datetime) -> Payload:
    """`clock.stepped`: the wall clock jumped by `step_s` seconds (read `after` where the
    monotonic clock said `before`); countdowns kept counting elapsed time."""
    if not isinstance(step_s, int | float) or isinstance(step_s, bool):
        raise ValueError(f"step_s must be a number of seconds, not {step_s!r}")
    step = timedelta(seconds=step_s)
    text = f"clock stepped {signed_span(step)} (NTP?); countdowns use elapsed time"
    return {"text": text, "step_s": float(step_s), "before": format_ts(before), "after": format_ts(after)}
