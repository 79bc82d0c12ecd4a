"""What a command-line line does once `domain.slash.interpret` has read it, without Textual.

The war room screen (`ui/screens/commands.py`) asks here whether a line that records may record
at all, what the resolve question says, and records it; it keeps only the showing: feedback,
the confirm dialog, the input's text and history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from warroom.domain.incident import IncidentState
    from warroom.domain.slash import Append
    from warroom.store.aio import AsyncEventStore

#: Said when the resolve question is answered Cancel (or Esc).
NOT_RESOLVED = "not resolved: nothing recorded (Up recalls the line)"


def refusal(readonly_config: bool, read_only: str | None, db_path: Path | str) -> str | None:
    """Why nothing typed may be recorded on this screen, or None when it may: a screen opened
    read-only (`ui.readonly = true`), or a database that cannot be written (`read_only` says why)."""
    if readonly_config:
        return "read-only screen (ui.readonly = true): nothing recorded"
    if read_only:
        return f"READ-ONLY: {db_path} cannot be written ({read_only}): nothing recorded"
    return None


def confirm_lines(command: Append, state: IncidentState, actor: str) -> tuple[str, list[str]]:
    """The question and what will happen, for a command that asks first (resolving)."""
    question, *rest = (command.confirm or "").split("\n")
    text = str(command.payload.get("text") or "")
    details = [
        f"Incident: {state.short_id} · {state.severity.label} · {state.status.value} · {state.title}",
        f"Resolution: {text}" if text else "Resolution: (no text)",
        f"Recorded as resolved by {actor}: the incident closes and the update countdown stops.",
        *rest,
    ]
    return question, details


async def record(store: AsyncEventStore, incident_id: int, command: Append, actor: str, at: datetime) -> str:
    """Append the line's event and return what to say once the store has committed it
    ("saved #12 · note added"). A store error (a locked database) propagates to the caller."""
    event: Any = await store.append(incident_id, command.kind, command.payload, actor=actor, at=at)
    ids = [f"#{event.id}"] if event is not None else []
    for kind, payload in command.then:  # e.g. the ack that also accepts an IC handoff
        more: Any = await store.append(incident_id, kind, payload, actor=actor, at=at)
        ids += [f"#{more.id}"] if more is not None else []
    return f"saved {', '.join(ids)} · {command.done}"


def not_saved(exc: BaseException) -> str:
    """The error for a line the store could not take: the text stays, Enter retries."""
    return f"NOT SAVED: {exc} (your text is kept: Enter retries)"
