"""IC handoff: propose a new Incident Commander, who becomes IC only by acknowledging it.

Pure decisions shared by the war room (`/handoff NAME`, `/ack`) and the CLI (`warroom handoff
NAME`, `warroom ack`): what to record and what to say, checked against the incident as it stands.
The rules (the README says the same):

- a proposal needs an IC to hand off from: with nobody IC, name one directly (`/ic NAME`);
- proposing the current IC, or the person a pending handoff already names, records nothing;
- a proposal to someone else while one is pending replaces it (the timeline keeps both);
- the incoming person's ack (`/ack` typed as them, `warroom ack --as NAME`) records the
  acceptance and makes them IC; if nobody had acknowledged the incident yet, that same ack
  acknowledges it too (it is the first "I have it"), and the feedback says so;
- anyone else's ack keeps its meaning (acknowledge the incident) and says the handoff is pending;
- naming an IC directly (`/ic`, `/role ic`, `warroom role ic`) cancels a pending handoff, even
  re-naming the current IC: that is how a proposal is withdrawn.
"""

from __future__ import annotations

from typing import Any

from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.incident import IncidentState
from warroom.domain.roles import IC
from warroom.records import Record, record

#: Where the words are shown: the war room's command line or a shell.
SLASH = "slash"
CLI = "cli"


@record
class Step(Record):
    """Events to append, in order (kind, payload), and what to say once they are saved."""

    events: tuple[tuple[str, dict[str, Any]], ...]
    message: str


@record
class Refused(Record):
    """The request cannot be carried out as asked; `message` says why and what to do instead."""

    message: str


@record
class NoChange(Record):
    """What is asked for already holds: nothing is recorded; `message` says what holds."""

    message: str


def ack_hint(name: str, surface: str = SLASH) -> str:
    """How `name` completes a handoff, in the words of where it is read."""
    if surface == CLI:
        return f"{name} acknowledges with `warroom ack --as {name}`"
    return f"{name} acknowledges with /ack"


def _assign_hint(name: str, surface: str) -> str:
    return f"`warroom role ic {name}`" if surface == CLI else f"/ic {name}"


def propose(state: IncidentState, incoming: str, surface: str = SLASH) -> Step | Refused | NoChange:
    """A proposal to make `incoming` (a checked handle) the next IC."""
    current = state.commander
    if current is None:
        return Refused(
            f"nobody is IC, so there is nothing to hand off: name {incoming} directly with "
            f"{_assign_hint(incoming, surface)}"
        )
    pending = state.handoff
    if incoming == current:
        cancel = ""
        if pending is not None:
            cancel = f" (to cancel the pending handoff to {pending.incoming}: {_assign_hint(current, surface)})"
        return NoChange(f"{current} is already IC: nothing recorded{cancel}")
    if pending is not None and pending.incoming == incoming:
        return NoChange(f"handoff to {incoming} is already pending: {ack_hint(incoming, surface)}")
    replaced = f", replacing the pending one to {pending.incoming}" if pending is not None else ""
    payload = catalogue.handoff_proposed(current, incoming)
    message = (
        f"handoff IC {current} → {incoming} proposed{replaced}: {current} stays IC until {ack_hint(incoming, surface)}"
    )
    return Step(((Kind.HANDOFF_PROPOSED, payload),), message)


def accept(state: IncidentState, actor: str) -> Step | None:
    """The events an ack by `actor` records when it completes a handoff to them; None when no
    handoff to `actor` is pending (the ack then means what it always meant)."""
    pending = state.handoff
    if pending is None or pending.incoming != actor:
        return None
    outgoing = state.commander or pending.outgoing
    events: list[tuple[str, dict[str, Any]]] = []
    also = ""
    if state.milestones.acknowledged is None:
        events.append((Kind.ACKNOWLEDGED, catalogue.acknowledged()))
        also = "; incident acknowledged too"
    events.append((Kind.HANDOFF_ACCEPTED, catalogue.handoff_accepted(outgoing, actor)))
    return Step(tuple(events), f"{actor} is IC now: IC {outgoing} → {actor}{also}")


def pending_note(state: IncidentState, surface: str = SLASH) -> str:
    """`; handoff to bob is pending: bob acknowledges with /ack` while one is pending, else ""."""
    pending = state.handoff
    if pending is None:
        return ""
    return f"; handoff to {pending.incoming} is pending: {ack_hint(pending.incoming, surface)}"


def cancel_note(state: IncidentState, role: str) -> str:
    """What naming or vacating `role` does to a pending handoff (said beside the assignment)."""
    if role != IC or state.handoff is None:
        return ""
    return f" (the pending handoff to {state.handoff.incoming} is cancelled)"


def board_text(state: IncidentState) -> str:
    """`→ bob (pending ack)` after the IC's name while a handoff is pending, else ""."""
    return f"→ {state.handoff.incoming} (pending ack)" if state.handoff is not None else ""
