"""Alertmanager alerts: the webhook payload read into alerts, their words, keys and declare rule.

Pure: no I/O, no clock. The receiver (`warroom.sources.intake_http`) hands the decoded JSON of
one notification (payload version 4) to `parse_notification` with a `scrub` function that cleans
and redacts every label and annotation (control sequences stripped, secrets hidden), so nothing
built here carries raw untrusted text.

- Each alert's labels are the group's `commonLabels` then its own (its own win), and likewise
  the annotations: Alertmanager may send a label only in the common set.
- A firing alert is one event, keyed by fingerprint + `startsAt`; its resolution another, keyed
  by fingerprint + `endsAt`. Alertmanager re-sends every alert of a group on each notification
  (every `repeat_interval`, and whenever the group changes): the keys make those land once.
- A `DeclareRule` (label matchers and a severity) says which firing alerts open an incident
  when none is open.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: How long one label value or the summary may be in an event (the rest is cut with an ellipsis).
LABEL_CAP = 200
ANNOTATION_CAP = 1000
#: Alertmanager's "no end yet" time.
ZERO_TIME = "0001-01-01T00:00:00Z"

#: Labels shown first on an alert's line: what is affected and how bad.
LEADING_LABELS = ("job", "service", "severity")

FIRING = "firing"
RESOLVED = "resolved"

_TS = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


class PayloadError(ValueError):
    """The body is JSON but not an Alertmanager notification (the sentence says what is wrong)."""


def parse_time(text: object) -> datetime | None:
    """An Alertmanager time (nanoseconds, any offset) as aware UTC; None for the zero time.

    Raises PayloadError for anything that is not such a time."""
    if not isinstance(text, str):
        raise PayloadError(f"a time must be text, not {type(text).__name__}")
    if text.startswith("0001-01-01"):
        return None
    m = _TS.match(text.strip())
    if not m:
        raise PayloadError(f"not an RFC 3339 time: {text[:40]!r}")
    day, clock, frac, zone = m.groups()
    micro = (frac or "0")[:6].ljust(6, "0")
    zone = "+00:00" if zone is None or zone.upper() == "Z" else zone
    if len(zone) == 5:  # +0200
        zone = zone[:3] + ":" + zone[3:]
    try:
        return datetime.fromisoformat(f"{day}T{clock}.{micro}{zone}").astimezone(UTC)
    except ValueError as exc:
        raise PayloadError(f"not a valid time: {text[:40]!r}") from exc


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Alert:
    """One alert of a notification, its text already cleaned and redacted."""

    name: str
    status: str  # "firing" or "resolved"
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None
    fingerprint: str
    generator_url: str = ""

    @property
    def firing(self) -> bool:
        return self.status == FIRING

    @property
    def summary(self) -> str:
        return self.annotations.get("summary", "")

    @property
    def description(self) -> str:
        return self.annotations.get("description", "")

    @property
    def runbook_url(self) -> str:
        return self.annotations.get("runbook_url", "")

    def label_text(self) -> str:
        """`job=api severity=critical instance=api-1:8080`: every label but the name, the ones
        that say what and how bad (`LEADING_LABELS`) first, the rest in name order."""
        keys = [k for k in LEADING_LABELS if k in self.labels]
        keys += sorted(k for k in self.labels if k not in LEADING_LABELS and k != "alertname")
        return " ".join(f"{k}={self.labels[k]}" for k in keys)

    def firing_key(self) -> str:
        return f"alert:{self.fingerprint}:{_iso(self.starts_at)}"

    def resolved_key(self) -> str:
        return f"alert-resolved:{self.fingerprint}:{_iso(self.ends_at or self.starts_at)}"

    def text(self, status: str | None = None) -> str:
        """`alert firing: HighErrorRate job=api severity=critical — 5xx over 5 %`."""
        line = f"alert {status or self.status}: {self.name}"
        labels = self.label_text()
        if labels:
            line += " " + labels
        if self.summary:
            line += f" — {self.summary}"
        return line


@dataclass(frozen=True)
class Notification:
    """One webhook request: its alerts, and how many `max_alerts` left out."""

    status: str
    receiver: str
    alerts: tuple[Alert, ...]
    truncated: int = 0
    group_key: str = ""
    external_url: str = ""


def _mapping(value: object, where: str, scrub: Callable[[str, int], str], cap: int) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be an object of strings, not {type(value).__name__}")
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise PayloadError(f"{where}.{scrub(str(key), 40)} must be a string, not {type(item).__name__}")
        name = scrub(str(key), 100)
        if name:
            out[name] = scrub(item, cap)
    return out


def _fallback_fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager always sends one; a hand-written payload may not: hash the labels."""
    text = "\0".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse_notification(body: object, scrub: Callable[[str, int], str]) -> Notification:
    """Read a decoded webhook body (version 4) into a `Notification`; PayloadError on a wrong shape.

    `scrub(text, cap)` cleans and redacts one label or annotation value (at most `cap` chars)."""
    if not isinstance(body, dict):
        raise PayloadError(f"the body must be a JSON object, not {type(body).__name__}")
    version = body.get("version")
    if version is not None and str(version) != "4":
        raise PayloadError(f'payload version {scrub(str(version), 20)!r} is not supported (expected "4")')
    alerts = body.get("alerts")
    if not isinstance(alerts, list):
        raise PayloadError('"alerts" must be a list')
    truncated = body.get("truncatedAlerts", 0) or 0
    if isinstance(truncated, bool) or not isinstance(truncated, int) or truncated < 0:
        raise PayloadError('"truncatedAlerts" must be a whole number')
    common_labels = _mapping(body.get("commonLabels"), "commonLabels", scrub, LABEL_CAP)
    common_notes = _mapping(body.get("commonAnnotations"), "commonAnnotations", scrub, ANNOTATION_CAP)
    out = []
    for index, raw in enumerate(alerts):
        where = f"alerts[{index}]"
        if not isinstance(raw, dict):
            raise PayloadError(f"{where} must be an object")
        labels = common_labels | _mapping(raw.get("labels"), f"{where}.labels", scrub, LABEL_CAP)
        notes = common_notes | _mapping(raw.get("annotations"), f"{where}.annotations", scrub, ANNOTATION_CAP)
        status = raw.get("status")
        if status not in (FIRING, RESOLVED):
            raise PayloadError(f'{where}.status must be "firing" or "resolved"')
        starts = parse_time(raw.get("startsAt"))
        if starts is None:
            raise PayloadError(f"{where}.startsAt is missing")
        ends = parse_time(raw.get("endsAt", ZERO_TIME))
        fingerprint = raw.get("fingerprint")
        if fingerprint is not None and not isinstance(fingerprint, str):
            raise PayloadError(f"{where}.fingerprint must be a string")
        fingerprint = scrub(fingerprint or "", 64) or _fallback_fingerprint(labels)
        generator = raw.get("generatorURL", "")
        out.append(
            Alert(
                name=labels.get("alertname") or "(unnamed alert)",
                status=status,
                labels=labels,
                annotations=notes,
                starts_at=starts,
                ends_at=ends if status == RESOLVED else None,
                fingerprint=fingerprint,
                generator_url=scrub(generator, 500) if isinstance(generator, str) else "",
            )
        )
    receiver = body.get("receiver", "")
    group_key = body.get("groupKey", "")
    external = body.get("externalURL", "")
    return Notification(
        status=str(body.get("status", "")) if body.get("status") in (FIRING, RESOLVED) else "",
        receiver=scrub(receiver, 100) if isinstance(receiver, str) else "",
        alerts=tuple(out),
        truncated=truncated,
        group_key=scrub(group_key, 300) if isinstance(group_key, str) else "",
        external_url=scrub(external, 300) if isinstance(external, str) else "",
    )


@dataclass(frozen=True)
class DeclareRule:
    """`declare = { match = { severity = "critical" }, sev = 2 }`: every label must equal its value."""

    match: Mapping[str, str] = field(default_factory=dict)
    sev: int = 2

    def matches(self, alert: Alert) -> bool:
        return alert.firing and all(alert.labels.get(k) == v for k, v in self.match.items())

    def describe(self) -> str:
        return " ".join(f'{k}="{v}"' for k, v in self.match.items()) or "every alert"


def title_of(alert: Alert) -> str:
    """The declared incident's title: the alert's summary, else its name."""
    return alert.summary or alert.name


def detected_by(alert: Alert) -> str:
    return f"alert {alert.name}"
