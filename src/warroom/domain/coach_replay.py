"""Which coach warnings fired during an incident, replayed from the record alone.

`warroom show` lists them without any event of their own: the rules are replayed over the
record at each moment something could change their answer (each event's time) and at each
deadline that passes with nothing recorded (15 minutes after reaching SEV-1/2, each update's due
time), so the same record always gives the same list, whoever asks and whenever.

A warning fired once per situation (rule and key); a recorded dismissal of that situation is
shown beside it (who dismissed it, and when).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from warroom.domain.cadence import UpdateCadence, next_update, user_comms_due
from warroom.domain.coach import MITIGATION_WINDOW, CoachWarning, Dismissal, dismissals, evaluate, serious_since
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import IncidentState, apply_readable
from warroom.records import Record, record

_SIGNALS = frozenset(
    {
        Kind.PROBE_DOWN,
        Kind.PROBE_UP,
        Kind.STATUSPAGE,
        Kind.LOG_SPIKE,
        Kind.RESOURCE,
        Kind.SOURCE_ERROR,
        Kind.NOTIFY_SENT,
        Kind.EVIDENCE,
    }
)

#: A deadline is checked just after it passes ("overdue" is strictly after the due time).
_PAST = timedelta(seconds=1)


@record
class FiredWarning(Record):
    """A warning that fired: when its situation first held, and its dismissal if any."""

    warning: CoachWarning
    at: datetime
    dismissal: Dismissal | None = None

    def to_json(self) -> dict[str, object]:
        w, d = self.warning, self.dismissal
        return {
            "rule": w.rule,
            "key": w.key,
            "at": format_ts(self.at),
            "text": w.text,
            "quote": w.quote,
            "dismissed_by": d.actor if d else None,
            "dismissed_at": format_ts(d.at) if d else None,
        }


def _deadlines(state: IncidentState, at: datetime, cadence: UpdateCadence) -> list[datetime]:
    """The moments after `at` when a rule's answer may change with nothing recorded."""
    found = []
    if state.is_open:
        reached = serious_since(state, at)
        if reached is not None:
            found.append(reached + MITIGATION_WINDOW)
        due = next_update(state, at, cadence).due_at
        if due is not None:
            found.append(due + _PAST)
        users = user_comms_due(state, at, cadence).due_at
        if users is not None:
            found.append(users + _PAST)
    return [d for d in found if d > at]


def fired(events: Iterable[Event], now: datetime, cadence: UpdateCadence | None = None) -> list[FiredWarning]:
    """Every warning that fired up to `now`, in the order it fired, with its dismissal if any."""
    cadence = cadence or UpdateCadence()
    ordered = sorted((e for e in events if e.at <= now), key=lambda e: (e.at, e.id if e.id is not None else 0))
    # Signals (probes, log spikes...) change no rule's answer: only the people's events, deploys
    # and commands are moments to look again (which keeps a long incident's replay quick).
    moments = sorted({e.at for e in ordered if e.kind not in _SIGNALS} | ({ordered[0].at} if ordered else set()))
    queue = list(moments)
    heapq.heapify(queue)
    queued = set(moments)
    first: dict[tuple[str, str], FiredWarning] = {}
    state: IncidentState | None = None
    applied = 0
    while queue:
        at = heapq.heappop(queue)
        while applied < len(ordered) and ordered[applied].at <= at:
            state = apply_readable(state, ordered[applied])
            applied += 1
        if state is None:
            continue
        seen = replace(state, events=tuple(ordered[:applied]))
        for warning in evaluate(seen, at, cadence):
            first.setdefault((warning.rule, warning.key), FiredWarning(warning, at))
        for deadline in _deadlines(seen, at, cadence):
            if deadline <= now and deadline not in queued:
                queued.add(deadline)
                heapq.heappush(queue, deadline)
    recorded = dismissals(ordered, now)
    result = []
    for (rule, key), item in first.items():
        dismissal = next((d for d in recorded if d.rule == rule and d.key == key), None)
        result.append(replace(item, dismissal=dismissal))
    return sorted(result, key=lambda f: f.at)
