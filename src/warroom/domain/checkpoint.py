"""Checkpoints of the fold: an incident's state at event N, so a long incident opens by folding
only the events after N instead of all of them.

Why a checkpoint is exact: `fold` applies events strictly in id (recording) order, and `apply`
reads nothing but the state and the event at hand. So the state after events 1..N, followed by
events N+1.. applied in id order, is the state after all of them. An event recorded late (its
`at` hours before the checkpoint, `recorded_late_s` from the pending file), a back-dated note or
milestone, or an `event.amended` correcting an earlier event, all have ids after N: the full
fold applies them after event N too, at the same place. The events table is append-only
(triggers) with increasing ids, so nothing before N ever changes. The one way a checkpoint
goes stale is the fold itself changing (a new warroom folds differently): the store keys every
checkpoint by a fingerprint of the fold's code and ignores the others (`store.checkpoints`).

This module converts a state to JSON-native data and back (without its events: a checkpoint
holds what the fold derived, not the log) and resumes a fold from a checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import datetime
from enum import Enum
from typing import Any

from warroom.domain import incident
from warroom.domain.events import Event, format_ts, parse_ts
from warroom.domain.incident import IncidentState, apply_readable
from warroom.records import Record

#: Events folded since the last checkpoint after which a new one is worth writing.
CHECKPOINT_EVERY = 500


class CheckpointUnreadable(ValueError):
    """Stored checkpoint data this warroom cannot turn back into a state (ignore it, refold)."""


def _known_types() -> dict[str, type]:
    """The record and enum types a state may hold: those the fold's module defines or imports.
    A type added there later is known at once; anything else makes `encode_state` refuse."""
    known: dict[str, type] = {}
    for value in vars(incident).values():
        if isinstance(value, type) and (issubclass(value, Record) or issubclass(value, Enum)) and value is not Record:
            known[value.__name__] = value
    return known


_TYPES = _known_types()
_EVENT_SLOTS = Event.__slots__


def _encode(value: Any) -> Any:
    if isinstance(value, Enum):  # before str and int: Status is a str, Severity an int
        name = type(value).__name__
        if _TYPES.get(name) is not type(value):
            raise CheckpointUnreadable(f"cannot checkpoint a {name}")
        return {"$e": name, "v": value.value}
    if value is None or isinstance(value, bool | str | int | float):
        return value
    if isinstance(value, datetime):
        return {"$t": format_ts(value)}
    if isinstance(value, Event):
        return {"$ev": {slot: _encode_event_field(slot, getattr(value, slot)) for slot in _EVENT_SLOTS}}
    if isinstance(value, Record):
        name = type(value).__name__
        if _TYPES.get(name) is not type(value):
            raise CheckpointUnreadable(f"cannot checkpoint a {name}")
        return {"$r": name, "f": {f.name: _encode(getattr(value, f.name)) for f in fields(value)}}  # type: ignore[arg-type]
    if isinstance(value, tuple):
        return {"$tu": [_encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"$d": {k: _encode(v) for k, v in value.items()}}
    raise CheckpointUnreadable(f"cannot checkpoint a {type(value).__name__}")


def _encode_event_field(slot: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return format_ts(value)
    if slot in ("payload", "origin"):
        return dict(value)  # JSON already: it came from the database
    return value


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise CheckpointUnreadable("untagged list")
        return value
    if "$t" in value:
        return parse_ts(value["$t"])
    if "$e" in value:
        return _type(value["$e"], Enum)(value["v"])
    if "$tu" in value:
        return tuple(_decode(v) for v in value["$tu"])
    if "$d" in value:
        return {k: _decode(v) for k, v in value["$d"].items()}
    if "$ev" in value:
        data = dict(value["$ev"])
        if set(data) != set(_EVENT_SLOTS):
            raise CheckpointUnreadable("an event with other fields")
        for slot in ("at", "recorded_at"):
            if data[slot] is not None:
                data[slot] = parse_ts(data[slot])
        return Event(**data)
    if "$r" in value:
        cls = _type(value["$r"], Record)
        stored = value["f"]
        names = {f.name for f in fields(cls)}
        if set(stored) != names:  # a state of another shape (another warroom's fold)
            raise CheckpointUnreadable(f"{cls.__name__} with other fields")
        return cls(**{name: _decode(v) for name, v in stored.items()})
    raise CheckpointUnreadable("untagged object")


def _type(name: str, base: type) -> Any:
    cls = _TYPES.get(name)
    if cls is None or not issubclass(cls, base):
        raise CheckpointUnreadable(f"unknown type {name!r}")
    return cls


def encode_state(state: IncidentState) -> dict[str, Any]:
    """The state as JSON-native data, without its events (`last_event_id` says where it is).

    Raises CheckpointUnreadable when the state holds a value of a type this module does not
    know: then no checkpoint is written, and the incident is folded in full as before."""
    return _encode(replace(state, events=()))  # type: ignore[no-any-return]


def decode_state(data: Any) -> IncidentState:
    """The state `encode_state` gave `data` for (its `events` empty). Raises CheckpointUnreadable
    for anything else: the caller ignores that checkpoint and folds from the start."""
    try:
        state = _decode(data)
    except CheckpointUnreadable:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise CheckpointUnreadable(f"damaged checkpoint: {exc}") from None
    if not isinstance(state, IncidentState):
        raise CheckpointUnreadable("not an incident state")
    return state


def resume(checkpoint: IncidentState, events: Iterable[Event]) -> IncidentState:
    """The state after `checkpoint` and then `events` (in id order, as the store returns them):
    the same as folding every event from the declaration (see the module docstring).

    Events at or before the checkpoint (`id <= last_event_id`) are already in it: they are not
    applied again, but are kept in `events`, which holds exactly the `events` given (the newest
    ones, for the timeline; the older ones load later).
    """
    given = tuple(events)
    state: IncidentState | None = checkpoint
    last = checkpoint.last_event_id
    for ev in given:
        if ev.id is not None and ev.id <= checkpoint.last_event_id:
            continue
        state = apply_readable(state, ev)
        last = max(last, ev.id or 0)
    if state is None:  # apply never forgets a declared incident; be correct anyway
        raise ValueError("the fold lost its declaration")
    return replace(state, events=given, last_event_id=last)
