"""Dismissing the coach line's warning (`x` in key mode, `/dismiss`): one `coach.dismissed` event.

The dismissal is recorded with the warning's rule, situation key and words, so every screen
(and `warroom show`) knows it was heard; the same warning returns only when the situation
changes (a new key: another IC, another severity, the next missed deadline). It writes to the
record only (no outside effect), so it asks nothing first; a read-only screen refuses it.
"""

from __future__ import annotations

from typing import Any

from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.services import command_line
from warroom.ui.widgets.coach_line import CoachLine

NOTHING = "no coach warning to dismiss"


async def dismiss(screen: Any) -> tuple[str, str]:
    """`screen`: the war room screen (`commands.LineScreen`, not imported: it imports this).
    Record the dismissal of the warning shown now; returns the feedback and its kind
    ("saved", "info" when there was nothing to dismiss, "error" when nothing was recorded)."""
    app = screen.wapp
    line = screen.query_one(CoachLine)
    line.tick()  # as of this second: a warning that just stopped holding is not dismissed
    warning = line.warning
    if warning is None:
        return NOTHING, "info"
    refused = command_line.refusal(app.config.ui.readonly, getattr(app, "read_only", None), app.db_path)
    if refused:
        return refused, "error"
    payload = catalogue.coach_dismissed(warning.rule, warning.key, warning.text)
    try:
        event = await app.store.append(
            screen.incident_id, Kind.COACH_DISMISSED, payload, actor=app.actor, at=app.clock()
        )
    except Exception as exc:  # a locked database, a full disk: say so, the warning stays
        return command_line.not_saved(exc).replace(" (your text is kept: Enter retries)", ""), "error"
    line.dismissing(warning)
    if screen.follower is not None:
        screen.follower.poke()
    event_id = f"#{event.id} · " if event is not None and getattr(event, "id", None) else ""
    return f"saved {event_id}dismissed: {warning.text} (it returns if the situation changes)", "saved"


async def dismiss_current(screen: Any) -> None:
    """`x`: dismiss, and say what happened on the command line."""
    text, kind = await dismiss(screen)
    screen.feedback(text, kind)
