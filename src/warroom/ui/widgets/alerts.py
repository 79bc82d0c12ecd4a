"""The alerts pane: what Alertmanager says is firing now, from the `[intake]` receiver.

    ▲ FIRING  HighErrorRate  3m  job=api severity=critical instance=api-1:8080
        5xx over 5 % · runbook https://wiki.example/rb/5xx · ☰ runbook: High 5xx rate (r)
    ✔ RESOLVED DiskFull      1m ago  instance=db-1
    listening on 127.0.0.1:9095 · 4 notifications · 1 refused (413: body over 1 MiB)

Firing alerts first, with their age (since `startsAt`) and labels; resolved ones stay dim for a
few minutes (`sources.intake.FADE`) and then go. The `runbook_url` annotation is shown as it
came, and the shipped/configured runbooks whose front matter names the alert are offered (the
same matching as the coach line: `domain.runbook_match`). Every label and annotation is cleaned
text, never markup.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from textual.content import Content

from warroom.domain.alerts import Alert
from warroom.domain.events import Event, Kind
from warroom.domain.runbook_match import suggest
from warroom.sources.snapshots import AlertsSnapshot
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    OK_STYLE,
    WARN_STYLE,
    Detail,
    SourcePane,
    age_text,
    error_row,
    freshness,
    line,
    pad,
    seconds_since,
    untrusted,
)

NAME_W = 16


def alert_event(alert: Alert) -> Event:
    """The alert as the event the runbook matcher reads (its name and summary are its words)."""
    return Event(0, alert.starts_at, Kind.ALERT_FIRING, "warroom", {"text": alert.text(), "alert": alert.name})


class AlertsPane(SourcePane):
    """Firing alerts with age and labels, resolved ones fading out (see the module docstring)."""

    TITLE = "Alerts"
    EMPTY = (
        "No alert intake. Add to warroom.toml, and point Alertmanager's webhook_configs url at it:\n"
        "  [intake]\n"
        '  listen = "127.0.0.1:9095"\n'
        '  declare = { match = { severity = "critical" }, sev = 2 }'
    )
    MIN_ROWS = 2
    WHOLE = True

    def __init__(self, sources: list[Any], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(sources, id=id, classes=classes)
        self.books: list[Any] = []

    def on_mount(self) -> None:
        self.run_worker(self._load_runbooks(), name="alerts runbooks", group="alerts", exit_on_error=False)

    async def _load_runbooks(self) -> None:
        from warroom.runbooks import load_library

        config = getattr(self.app, "config", None)
        paths = tuple(getattr(getattr(config, "runbooks", None), "paths", ()) or ())
        library = await asyncio.to_thread(load_library, paths)
        self.books = list(library.books)
        if self._now is not None:
            self.redraw(self._now)

    def snapshot(self) -> AlertsSnapshot | None:
        for update in self.updates.values():
            snap = update.snapshot if isinstance(update.snapshot, AlertsSnapshot) else update.last_good
            if isinstance(snap, AlertsSnapshot):
                return snap
        return None

    def runbook_for(self, alert: Alert) -> Any | None:
        found = suggest(alert_event(alert), self.books) if self.books else []
        return found[0] if found else None

    def rows(self, now: datetime) -> list[Content | Detail]:
        out: list[Content | Detail] = []
        for update in self.updates.values():
            if update.error:
                out.append(error_row(update, now, "intake"))
                stale = freshness(update, now)
                if stale:
                    out.append(line("   ", stale))
        snap = self.snapshot()
        if snap is None:
            if not out:
                out.append(line(("waiting for the receiver", MUTED_STYLE)))
            return out
        if not snap.alerts:
            out.append(line(("no alerts firing", OK_STYLE)))
        for alert in snap.alerts:
            out.extend(self._alert_rows(alert, now))
        out.append(self._footer(snap))
        return out

    def _alert_rows(self, alert: Alert, now: datetime) -> list[Content | Detail]:
        name = pad(untrusted(alert.name, NAME_W), NAME_W)
        labels = untrusted(alert.label_text(), 200)
        if alert.firing:
            age = age_text(seconds_since(alert.starts_at, now))
            head = line(("▲ FIRING   ", BAD_STYLE), name, (f" {age:>4} ", WARN_STYLE), labels)
        else:
            ago = age_text(seconds_since(alert.ends_at or alert.starts_at, now))
            head = line(("✔ RESOLVED ", MUTED_STYLE), (name, MUTED_STYLE), (f" {ago} ago  {labels}", MUTED_STYLE))
            return [head]
        rows: list[Content | Detail] = [head]
        extra: list[str | tuple[str, str]] = []
        if alert.summary:
            extra.append(untrusted(alert.summary, 160))
        if alert.runbook_url:
            extra.append(("runbook " + untrusted(alert.runbook_url, 160), MUTED_STYLE))
        book = self.runbook_for(alert)
        if book is not None:
            extra.append((f"☰ runbook: {untrusted(book.title, 60)} (r)", WARN_STYLE))
        if extra:
            parts: list[str | tuple[str, str]] = ["    "]
            for n, part in enumerate(extra):
                if n:
                    parts.append((" · ", MUTED_STYLE))
                parts.append(part)
            rows.append(line(*parts))
        if alert.description:
            rows.append(Detail(line("    ", (untrusted(alert.description, 300), MUTED_STYLE))))
        return rows

    @staticmethod
    def _footer(snap: AlertsSnapshot) -> Content:
        where = f"listening on {untrusted(snap.listen, 60)}" if snap.listening else "not listening"
        if snap.note:
            where = untrusted(snap.note, 120)
        text = where if snap.note else f"{where} · {snap.received} notification{'s' if snap.received != 1 else ''}"
        parts: list[str | tuple[str, str]] = [(text, MUTED_STYLE)]
        if snap.truncated:
            parts.append((f" · ⚠ {snap.truncated} alerts left out by Alertmanager (max_alerts)", WARN_STYLE))
        if snap.rejected:
            parts.append((f" · {snap.rejected} refused ({untrusted(snap.last_rejection, 60)})", WARN_STYLE))
        return line(*parts)
