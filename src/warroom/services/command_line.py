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
    from warroom.domain.recovery import ErrorRate, ProbeView
    from warroom.domain.resolve_checks import ResolveChecks
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


def confirm_lines(
    command: Append, state: IncidentState, actor: str, checks: ResolveChecks | None = None
) -> tuple[str, list[str]]:
    """The question and what will happen, for a command that asks first (resolving); `checks`
    (the probes, the error rate, metrics recovered) are shown under it."""
    question, *rest = (command.confirm or "").split("\n")
    text = str(command.payload.get("text") or "")
    details = [
        f"Incident: {state.short_id} · {state.severity.label} · {state.status.value} · {state.title}",
        f"Resolution: {text}" if text else "Resolution: (no text)",
        f"Recorded as resolved by {actor}: the incident closes and the update countdown stops.",
        *rest,
        *(checks.lines() if checks is not None else ()),
    ]
    return question, details


def resolve_checks(
    state: IncidentState, actor: str, probes: list[ProbeView] | None, rate: ErrorRate | None
) -> ResolveChecks:
    """The checks `/resolve` shows: `probes` as the poller has them now (None without a poller:
    the record's latest DOWN/UP per probe), the error rate against its baseline."""
    from warroom.domain.resolve_checks import probes_from_record
    from warroom.domain.resolve_checks import resolve_checks as checks_for

    return checks_for(state, actor, probes if probes is not None else probes_from_record(state.events), rate)


def overriding(command: Append, actor: str, overrides: list[str]) -> Append:
    """The resolve command recording who resolved and what they overrode (unchanged when nothing was)."""
    if not overrides:
        return command
    from dataclasses import replace

    from warroom.domain import catalogue

    p = command.payload
    payload = catalogue.resolved(
        str(p.get("text") or ""), str(p.get("public") or ""), resolved_by=actor, overrode=list(overrides)
    )
    return replace(command, payload=payload)


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
