"""What the draft screen records and saves, kept apart from how it shows it (no Textual here).

`DraftRecorder` holds what the screen takes from the app (store, incident, config, database
path, actor, clock) and does the writing: `comms.posted` when an update is marked posted, one
`notify.sent` per webhook with its HTTP result, and a copy of the draft beside the database when
a post fails, so the words are never lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.domain import catalogue
from warroom.domain.events import Event, Kind

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState


def webhook_host(target: Any) -> str:
    """The host (and port, when given) a `[[notify]]` URL points at; words when it cannot be known."""
    from urllib.parse import urlsplit

    url = getattr(target, "url", "")
    template = getattr(url, "template", "")
    try:
        template_host = urlsplit(template).hostname or ""
    except ValueError:
        template_host = ""
    if "${" in template_host:  # `https://${TEAM_TOKEN}.example.com`: the host itself is a secret
        return "(a host set from the environment)"
    try:
        revealed = url.reveal() if hasattr(url, "reveal") else str(url)
    except KeyError as exc:  # ${SLACK_WEBHOOK} not set: the post will fail and say so
        return f"({exc.args[0] if exc.args else exc}: the post will fail)"
    try:
        split = urlsplit(revealed)
        host, port = split.hostname, split.port
    except ValueError:
        return "(not a valid URL)"
    if not host:
        return "(not a valid URL)"
    return f"{host}:{port}" if port else host


@dataclass
class WebhookRound:
    """Every `[[notify]]` target tried once: a line per result, and how many failed."""

    lines: list[str]
    failed: int
    total: int


@dataclass
class DraftRecorder:
    """The store and settings the draft screen writes through, resolved once it is mounted."""

    store: Any | None
    incident_id: int | None
    config: Any | None
    db_path: Path | None
    actor: str
    clock: Callable[[], datetime]

    @property
    def webhooks(self) -> tuple[Any, ...]:
        return tuple(getattr(self.config, "notify", ()) or ())

    def webhook_targets(self) -> list[str]:
        """Where `P` would post, one line per webhook: its name and host (`slack → hooks.slack.com`),
        never the URL's path, query or userinfo, which hold the token."""
        return [
            f"{getattr(t, 'name', None) or getattr(t, 'kind', 'webhook')} → {webhook_host(t)}" for t in self.webhooks
        ]

    @property
    def config_path(self) -> str:
        return str(getattr(self.config, "path", None) or "warroom.toml")

    def why_not_writable(self) -> str | None:
        """Why nothing can be recorded here, or None when it can."""
        if getattr(getattr(self.config, "ui", None), "readonly", False):
            return "This screen is read-only ([ui] readonly = true): nothing is recorded."
        if self.store is None or self.incident_id is None:
            return "No incident store is open here: nothing can be recorded."
        if getattr(self.store, "read_only", None):
            return f"READ-ONLY: the database cannot be written ({self.store.read_only}): nothing is recorded."
        return None

    async def mark_posted(self, audience: str, text: str, at: datetime) -> Event | None:
        """Append `comms.posted` with the audience and the exact text (raises on a store error)."""
        assert self.store is not None
        return await self.store.append(
            self.incident_id, Kind.COMMS_POSTED, catalogue.comms_posted(audience, text), actor=self.actor, at=at
        )

    async def post_webhooks(self, audience: str, text: str) -> WebhookRound:
        """Send `text` to every webhook in turn and record each result as `notify.sent`."""
        from warroom.notify import post_webhook_async

        assert self.store is not None
        targets = self.webhooks
        lines: list[str] = []
        failed = 0
        for target in targets:
            result = await post_webhook_async(target, text)
            payload = catalogue.notify_sent(audience, text, result.to_payload())
            try:
                await self.store.append(self.incident_id, Kind.NOTIFY_SENT, payload, actor=self.actor, at=self.clock())
            except Exception as exc:
                lines.append(f"(could not record the result: {exc})")
            lines.append(result.describe())
            failed += 0 if result.ok else 1
        return WebhookRound(lines, failed, len(targets))

    async def keep_copy(self, text: str, label: str) -> Path | str:
        """Save the draft beside the database (like `warroom draft --post` after a failure):
        the file's path, or words saying why there is none."""
        from warroom.clipboard import draft_dir_for, write_draft_file

        if self.db_path is None:
            return "(no database folder here to save a copy in)"
        try:
            return await asyncio.to_thread(write_draft_file, text, draft_dir_for(self.db_path), label, self.clock())
        except OSError as exc:
            return f"(could not save a copy: {exc.strerror or exc})"

    async def reload(self) -> IncidentState:
        """The incident refolded from the store (raises on a store error)."""
        assert self.store is not None
        return await self.store.incident(self.incident_id)
