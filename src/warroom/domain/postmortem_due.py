"""When a postmortem is due, whether it has started, and whether it is done.

The playbook: "Within 5 business days of resolution." The due date is the resolution's date (UTC)
plus 5 business days, Saturdays and Sundays skipped: resolved on Friday 2026-12-04, due Friday
2026-12-11; resolved on a Saturday, due the Friday after (the weekend does not count).

- *Started*: the incident's first postmortem event (a section written, an action item added).
- *Done*: a `postmortem.done` event, which `warroom postmortem done` records only when the
  postmortem's lint (`postmortem_lint.lint`) finds nothing: every narrative section written, at
  least one action item, each with an owner, a due date and a type, none vague, no person named
  in Root cause or What went poorly. Later edits do not undo it.
- *Due reminders*: every resolved incident (drills left out: nobody was hurt) whose postmortem is
  not done, as "postmortem for INC-3 due Fri 2026-12-11 (in 3 days)" or "(overdue by 2 days)".
  `warroom list`, `warroom due` and the declare dialog show them.

Pure: `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from warroom.domain.events import Event, Kind, short_id
from warroom.domain.incident import IncidentState
from warroom.records import Record, record

#: "Within 5 business days of resolution."
REVIEW_BUSINESS_DAYS = 5

#: Every kind the review writes: the first of them marks the postmortem started.
POSTMORTEM_KINDS = frozenset(
    {Kind.POSTMORTEM_SECTION, Kind.POSTMORTEM_DONE, Kind.ACTION_ADDED, Kind.ACTION_EDITED, Kind.ACTION_DONE}
)


def add_business_days(day: date, count: int) -> date:
    """`day` plus `count` weekdays (Saturday and Sunday are skipped)."""
    current = day
    left = count
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def postmortem_due_date(resolved_at: datetime) -> date:
    """The day the postmortem is due: 5 business days after the resolution's (UTC) date."""
    return add_business_days(resolved_at.date(), REVIEW_BUSINESS_DAYS)


def postmortem_started_at(events: Iterable[Event]) -> datetime | None:
    """When the postmortem started (its first event), None when it has not."""
    return min((ev.at for ev in events if ev.kind in POSTMORTEM_KINDS), default=None)


def postmortem_done_at(events: Iterable[Event]) -> datetime | None:
    """When the postmortem was closed (`warroom postmortem done`), None while it is not."""
    return min((ev.at for ev in events if ev.kind == Kind.POSTMORTEM_DONE), default=None)


def days_phrase(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


@record
class PostmortemDue(Record):
    """One resolved incident whose postmortem is not done yet."""

    incident_id: int
    title: str
    due: date
    started: bool

    def days_left(self, today: date) -> int:
        """Days until the due date (0 on the day, negative once overdue)."""
        return (self.due - today).days

    def when(self, today: date) -> str:
        """`in 3 days`, `today`, `overdue by 2 days`."""
        left = self.days_left(today)
        if left > 0:
            return f"in {days_phrase(left)}"
        if left == 0:
            return "today"
        return f"overdue by {days_phrase(-left)}"

    def is_overdue(self, today: date) -> bool:
        return self.days_left(today) < 0

    def describe(self, today: date) -> str:
        """`postmortem for INC-3 due Fri 2026-12-11 (in 3 days)`; `, started` once it has begun."""
        started = ", started" if self.started else ""
        return f"postmortem for {short_id(self.incident_id)} due {self.due:%a %Y-%m-%d} ({self.when(today)}{started})"


def postmortem_due(state: IncidentState) -> PostmortemDue | None:
    """The incident's postmortem reminder, or None (open, a drill, or its postmortem done)."""
    resolved = state.milestones.resolved
    if state.is_open or resolved is None or state.drill or postmortem_done_at(state.events) is not None:
        return None
    started = postmortem_started_at(state.events) is not None
    return PostmortemDue(state.incident_id, state.title, postmortem_due_date(resolved), started)


def postmortems_due(states: Sequence[IncidentState]) -> list[PostmortemDue]:
    """Every postmortem still to write, soonest due first."""
    found = [due for s in states if (due := postmortem_due(s)) is not None]
    return sorted(found, key=lambda d: (d.due, d.incident_id))


def reminder_lines(states: Sequence[IncidentState], today: date, limit: int | None = None) -> list[str]:
    """One line per postmortem still to write, soonest due first (what `list`, `due` and the
    declare dialog print); past `limit` lines, one more says how many were left out."""
    lines = [due.describe(today) for due in postmortems_due(states)]
    if limit is not None and len(lines) > limit:
        left = len(lines) - limit
        return lines[:limit] + [f"… and {left} more postmortem{'' if left == 1 else 's'} to write (`warroom list`)"]
    return lines
