"""The review's state panel: the incident as it stood at the scrubber's moment (severity,
status, roles, the update countdown and whether it was overdue, probes, the coach's warnings),
from `domain.review_index.Moment`. Rich `Text` only: names and titles are cleaned, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from warroom.domain.events import Event
from warroom.domain.metrics import format_duration
from warroom.domain.provenance import origin_text
from warroom.domain.review_index import Moment
from warroom.sanitize import clean


def describe_moment(moment: Moment, event: Event | None = None) -> Text:
    """The panel's text for `moment`: the time, and how long after the declaration it was; with
    the cursor row's `event`, who wrote it: display name and real `login@host` (the audit trail)."""
    text = Text()
    state = moment.state
    text.append(f"At {moment.at:%Y-%m-%d %H:%M:%S} UTC\n", "bold")

    if state is not None:
        text.append(f"declared + {format_duration(moment.at - state.declared_at)}\n")
    if state is None:
        text.append("before the declaration\n")
        return text
    text.append(f"{state.severity.label}", "bold")
    text.append(f" · {state.status.value}\n")
    if state.roles:
        for role, holder in sorted(state.roles.items()):
            text.append(f"{clean(role, cap=20)}: {clean(holder.person, cap=30)}\n")
    else:
        text.append("no roles held\n", "italic")
    update = moment.update
    if update is not None:
        if update.overdue:
            text.append("update OVERDUE", "bold reverse")
            text.append(f" by {format_duration(update.overdue_by)}\n")
        else:
            text.append(f"{update.describe()}\n")
    for name, value in sorted(moment.probes.items()):
        mark = "▼ down" if value == "down" else "▲ up"
        text.append(f"probe {clean(name, cap=30)} {mark}\n", "bold" if value == "down" else "")
    if moment.warnings:
        for warning, dismissed in moment.warnings:
            text.append("⚠ coach: ", "bold")
            text.append(clean(warning.text, cap=120))
            text.append(" (dismissed)\n" if dismissed else "\n")
    else:
        text.append("coach: no warning\n")
    if moment.fired is not None:
        text.append(f"coach warnings fired so far: {moment.fired}\n")
    count = moment.events_before
    text.append(f"{count:,} event{'' if count == 1 else 's'} up to here")
    if event is not None and not event.is_system:
        text.append("\nselected by ")
        text.append(clean(event.actor, cap=40), "bold")
        if where := origin_text(event):
            text.append(f" · login {clean(where, cap=80)}")
    return text


class ReviewState(Static):
    """Shows one `Moment` (see `describe_moment`)."""

    DEFAULT_CSS = """
    ReviewState { background: $surface; padding: 0 1; height: 1fr; overflow-y: auto; }
    """

    def show(self, moment: Moment, event: Event | None = None) -> None:
        self.update(describe_moment(moment, event))
