"""The trace the SEV-2 rule leaves: when users were due to hear from us, and when they did.

The playbook: SEV-2 means "user comms within 30 min" (`[cadence] sev2_first_user_comms`). The
countdown (`cadence.user_comms_due`) says what is due now; this says, for `show` and the
postmortem, how the first user-facing (`external`) update went: on time, late by N minutes,
still pending, overdue, never sent before resolution, or not needed. Pure: derived from the
record as of `now`, nothing appended.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from warroom.domain.cadence import USER_AUDIENCE, UpdateCadence
from warroom.domain.severity import Severity
from warroom.records import Record, record

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState


FirstUpdateOutcome = Literal["on_time", "late", "pending", "overdue", "missed", "not_needed", "not_required"]


def _minutes_phrase(delta: timedelta) -> str:
    """`18 minutes`, `1 minute`: whole minutes, rounded up (a few seconds late is still late)."""
    minutes = late_minutes(delta)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def late_minutes(delta: timedelta) -> int:
    """Whole minutes, rounded up: 30 s late reads "late by 1 minute", never "by 0 minutes"."""
    seconds = max(int(delta.total_seconds()), 0)
    return -(-seconds // 60)


@record
class FirstUserUpdate(Record):
    """The trace the SEV-2 rule leaves ("user comms within 30 min"): when the first user-facing
    (`external`) update was due, when it went out, and whether that was on time. Derived from the
    record as of `now`, so it reads the same during the incident and in the postmortem."""

    #: Minutes the rule allows (`[cadence] sev2_first_user_comms`).
    rule_minutes: int
    #: When the incident reached SEV-2 or worse (None: it never did, so the rule never applied).
    reached_at: datetime | None
    due_at: datetime | None
    #: When the first external update was marked posted (None: not yet, or never).
    sent_at: datetime | None
    #: When the incident was resolved, as of `now` (None while open).
    resolved_at: datetime | None
    outcome: FirstUpdateOutcome
    #: How late it went out (`late`; zero when `on_time`), is so far (`overdue`), or was by
    #: resolution (`missed`); None when nothing went out and nothing is late yet.
    late_by: timedelta | None

    @property
    def late_by_minutes(self) -> int | None:
        return late_minutes(self.late_by) if self.late_by is not None else None

    def describe(self) -> str:
        """One line for `show`: `first user update due 05:52 UTC, sent 06:10 UTC: late by 18 minutes`."""
        if self.outcome == "not_required" or self.due_at is None:
            return "first user update: not required (the incident never reached SEV-2 or worse)"
        due = f"first user update due {self.due_at:%H:%M} UTC ({self.rule_minutes} min after reaching SEV-2)"
        if self.outcome == "on_time" and self.sent_at is not None:
            return f"{due}, sent {self.sent_at:%H:%M} UTC: on time"
        if self.outcome == "late" and self.sent_at is not None and self.late_by is not None:
            return f"{due}, sent {self.sent_at:%H:%M} UTC: late by {_minutes_phrase(self.late_by)}"
        if self.outcome == "overdue" and self.late_by is not None:
            return f"{due}, not sent yet: OVERDUE by {_minutes_phrase(self.late_by)}"
        if self.outcome == "missed" and self.resolved_at is not None:
            return f"{due}, never sent: resolved at {self.resolved_at:%H:%M} UTC without telling users"
        if self.outcome == "not_needed" and self.resolved_at is not None:
            return f"{due}: not needed, resolved at {self.resolved_at:%H:%M} UTC before it was due"
        return f"{due}, not sent yet"

    def to_json(self, fmt: Any) -> dict[str, Any]:
        """The same facts for `show --json`; `fmt` formats a time (the store's `format_ts`)."""
        return {
            "rule_minutes": self.rule_minutes,
            "required": self.outcome not in ("not_required", "not_needed"),
            "reached_sev2_at": fmt(self.reached_at) if self.reached_at else None,
            "due_at": fmt(self.due_at) if self.due_at else None,
            "sent_at": fmt(self.sent_at) if self.sent_at else None,
            "outcome": self.outcome,
            "late_by_minutes": self.late_by_minutes,
            "text": self.describe(),
        }


def first_user_update(state: IncidentState, now: datetime, cadence: UpdateCadence | None = None) -> FirstUserUpdate:
    """When users were due to hear from us (SEV-2 or worse: within `sev2_first_user_comms` minutes
    of reaching it) and when the first `external` update went out: on time, late by N minutes,
    still pending or overdue, or never (resolved without one)."""
    cadence = cadence or UpdateCadence()
    rule = cadence.sev2_first_user_comms
    reached = next((c.at for c in state.severity_history if c.at <= now and c.after <= Severity.SEV2), None)
    resolved = state.milestones.resolved
    resolved = resolved if resolved is not None and resolved <= now and not state.is_open else None
    if reached is None:
        return FirstUserUpdate(rule, None, None, None, resolved, "not_required", None)
    due_at = reached + timedelta(minutes=rule)
    sent_at = next((p.at for p in state.comms if p.audience == USER_AUDIENCE and p.at <= now), None)
    if sent_at is not None:
        if sent_at <= due_at:  # posted exactly at the deadline is on time, as for the countdown
            return FirstUserUpdate(rule, reached, due_at, sent_at, resolved, "on_time", timedelta(0))
        return FirstUserUpdate(rule, reached, due_at, sent_at, resolved, "late", sent_at - due_at)
    if resolved is not None:
        if resolved <= due_at:
            return FirstUserUpdate(rule, reached, due_at, None, resolved, "not_needed", None)
        return FirstUserUpdate(rule, reached, due_at, None, resolved, "missed", resolved - due_at)
    if now > due_at:
        return FirstUserUpdate(rule, reached, due_at, None, None, "overdue", now - due_at)
    return FirstUserUpdate(rule, reached, due_at, None, None, "pending", None)
