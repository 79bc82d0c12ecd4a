"""The machine's signals in the postmortem's timeline: between two people's entries, the signals
about one thing (a probe, a log, a host's metric, a status page) become one line.

A long incident is mostly signals (100,000 events are ~98% probe flaps and log spikes), and the
postmortem shows each run of them as one line: its first words, how many, until when and its
last words. So a run needs no more than a `SignalRun`: the store can summarise the rows of a
run without making an event of each (`store.signal_runs`), and the record's own events give the
same runs (`runs_of`), both worded by `SignalRun.entry`.

- `NOISE_KINDS`: the kinds that collapse; `signal_subject` says what one is about;
- `timeline_cuts(state)`: the people's entries (and milestones) that end a run, in time order,
  as (time, id): the runs between them are the same whoever groups them;
- `SignalRun`: one run, and the timeline line it makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from warroom.domain.catalogue import long_text
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState
from warroom.domain.postmortem_due import POSTMORTEM_KINDS
from warroom.domain.roles import IC
from warroom.records import Record, record

#: The machine's signals: between two people's entries they collapse to one line per subject.
NOISE_KINDS = frozenset(
    {
        Kind.PROBE_DOWN,
        Kind.PROBE_UP,
        Kind.LOG_SPIKE,
        Kind.RESOURCE,
        Kind.STATUSPAGE,
        Kind.SOURCE_ERROR,
        Kind.NOTIFY_SENT,
    }
)

#: Kinds that are not part of the incident's story: the postmortem itself, a coach dismissal.
LEFT_OUT_KINDS = POSTMORTEM_KINDS | {Kind.COACH_DISMISSED}

_PROBE_KINDS = (Kind.PROBE_DOWN, Kind.PROBE_UP)
_SUBJECT_KEYS = {
    Kind.LOG_SPIKE: "log",
    Kind.STATUSPAGE: "page",
    Kind.SOURCE_ERROR: "source",
    Kind.NOTIFY_SENT: "audience",
}


@record
class TimelineEntry(Record):
    """One line of the postmortem's timeline; `collapsed` counts the signals folded into it."""

    at: datetime
    text: str
    collapsed: int = 1


def signal_subject(kind: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    """What a signal is about: signals about the same thing collapse together (a probe's downs
    and ups are one subject)."""
    if kind in _PROBE_KINDS:
        return ("probe", str(payload.get("probe", "")))
    if kind == Kind.RESOURCE:
        return (kind, str(payload.get("metric", "")), str(payload.get("host", "")))
    return (kind, str(payload.get(_SUBJECT_KEYS.get(kind, ""), "")))


class SignalRun(NamedTuple):
    """The signals about one subject between two people's entries: the first one's time, id and
    words, the last one's time and words, how many, and (for a probe) how many were downs.

    A NamedTuple rather than a `@record`: a long incident has tens of thousands of runs, and a
    record's constructor costs ~4 µs against a tuple's ~0.5 µs."""

    at: datetime
    id: int
    first_text: str
    until: datetime
    last_text: str
    #: How many signals the run holds (`count` is the tuple's own method).
    signals: int = 1
    downs: int = 0
    #: A probe's downs and ups ("flapped"), rather than one signal repeated.
    flaps: bool = False

    def text(self) -> str:
        """The run as one line: `probe api DOWN — flapped 7 times until 14:09 (4 down, 3 up);
        last: probe api UP` (a run of one is its own words)."""
        if self.signals == 1:
            return self.first_text
        until = f"{self.until.hour:02d}:{self.until.minute:02d}"
        if self.flaps:
            what = f"flapped {self.signals} times until {until} ({self.downs} down, {self.signals - self.downs} up)"
        else:
            what = f"{self.signals} times until {until}"
        return f"{self.first_text} — {what}; last: {self.last_text}"

    def entry(self) -> TimelineEntry:
        """The run as a line of `postmortem.postmortem_timeline`."""
        return TimelineEntry(self.at, self.text(), self.signals)


def run_of(group: list[Event]) -> SignalRun:
    """The run that signal events about one subject make, in time order (at least one)."""
    first, last = group[0], group[-1]
    return SignalRun(
        first.at,
        first.id or 0,
        long_text(first),
        last.at,
        long_text(last) if len(group) > 1 else "",
        len(group),
        sum(1 for ev in group if ev.kind == Kind.PROBE_DOWN),
        first.kind in _PROBE_KINDS,
    )


def first_ic(state: IncidentState) -> Event | None:
    """The IC named at the declaration (within a minute of it), merged into its line."""
    for ev in state.events:
        if ev.kind == Kind.ROLE_ASSIGNED and ev.payload.get("role") == IC:
            return ev if ev.at - state.declared_at <= timedelta(minutes=1) else None
    return None


def left_out(ev: Event, ic: Event | None) -> bool:
    """Whether the timeline leaves `ev` out where it stands: the postmortem's own events, coach
    dismissals, the first IC (merged into the declaration's line) and the started and detected
    milestones (drawn from the milestones themselves). Such an entry ends no run of signals."""
    if ev.kind in LEFT_OUT_KINDS or ev is ic:
        return True
    return ev.kind == Kind.MILESTONE and ev.payload.get("name") in ("started", "detected")


def timeline_cuts(state: IncidentState) -> list[tuple[datetime, int]]:
    """(time, id) of every entry that ends a run of signals, in the timeline's order: the
    record's events that are neither signals nor left out."""
    ic = first_ic(state)
    cuts = [(ev.at, ev.id or 0) for ev in state.events if ev.kind not in NOISE_KINDS and not left_out(ev, ic)]
    cuts.sort()
    return cuts
