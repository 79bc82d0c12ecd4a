"""The timeline filter typed after `/` (as in less and k9s), parsed and matched without a UI.

    kind:mitigation actor:alice rollback        every word must match
    kind:probe,deploy                           a comma gives alternatives for one field
    "connection pool"                           quotes keep words together
    -kind:log                                   a leading minus leaves matches out

A word with a colon that names no field (`14:05`, `http://api`) is a plain word. `kind:` matches the event kind (`mitigation.applied`) or its timeline label (`MITIGATED`),
`actor:` who recorded it, and a plain word the event's words (the same text the timeline shows)
or its actor; all case-insensitive substrings. An empty filter matches everything.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from warroom.domain.catalogue import label, short_text
from warroom.domain.events import Event, Kind
from warroom.records import Record, record

#: The fields a term may name (`kind:`, `actor:`, `text:`; a bare word is `text:`).
FIELDS = ("kind", "actor", "text")

#: The record's milestones, where `[` and `]` jump: declared, acknowledged, mitigated, resolved,
#: reopened, a milestone set by hand, and every severity change.
MILESTONE_KINDS = frozenset(
    {
        Kind.DECLARED,
        Kind.ACKNOWLEDGED,
        Kind.MITIGATED,
        Kind.RESOLVED,
        Kind.REOPENED,
        Kind.MILESTONE,
        Kind.SEVERITY,
    }
)


def is_milestone(event: Event) -> bool:
    """A moment the review jumps between with `[` and `]`."""
    if event.kind == Kind.STATUS:
        return str(event.payload.get("to", "")).lower() == "resolved"
    return event.kind in MILESTONE_KINDS


@record
class Term(Record):
    """One condition: a field, its alternatives (any may match), and whether it excludes."""

    field: str
    values: tuple[str, ...]
    negated: bool = False

    def matches(self, event: Event) -> bool:
        hit = any(_field_has(event, self.field, v) for v in self.values)
        return hit != self.negated


@record
class EventFilter(Record):
    """Every term must match (an empty filter matches every event)."""

    terms: tuple[Term, ...] = ()
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.terms

    def matches(self, event: Event) -> bool:
        return all(t.matches(event) for t in self.terms)

    def select(self, events: Iterable[Event]) -> list[Event]:
        """The events that match, in the order given."""
        if not self.terms:
            return list(events)
        return [e for e in events if self.matches(e)]

    def describe(self) -> str:
        """The filter as typed, tidied (for the timeline's title)."""
        return " ".join(self.text.split())


def _field_has(event: Event, field: str, value: str) -> bool:
    if field == "kind":
        return value in event.kind.lower() or value in label(event.kind).lower()
    if field == "actor":
        return value in event.actor.lower()
    return value in event.actor.lower() or value in short_text(event).lower()


def parse_filter(text: str) -> EventFilter:
    """Read what was typed after `/`. Raises ValueError with a one-line reason for a filter that
    cannot be read (an unclosed quote, a field with no value)."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise ValueError("unclosed quote in the filter: close it or leave it out") from None
    terms = []
    for word in words:
        negated = word.startswith("-") and len(word) > 1
        body = word[1:] if negated else word
        field, sep, value = body.partition(":")
        if not sep or field.lower() not in FIELDS:  # `14:05`, `http://x`: words with a colon
            field, value = "text", body
        else:
            field = field.lower()
        values = (
            tuple(v.strip().lower() for v in value.split(",") if v.strip()) if field != "text" else (value.lower(),)
        )
        if not values or not values[0]:
            raise ValueError(f"{field}: needs a value, like {field}:{'mitigation' if field == 'kind' else 'alice'}")
        terms.append(Term(field, values, negated))
    return EventFilter(tuple(terms), text)
