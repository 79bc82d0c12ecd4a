"""Deploys as values, and the rule that turns a newly seen deploy into one timeline event.

A `Deploy` is what every deploys source (git, kubectl, command) produces. `DeployTracker`
remembers which deploys it has seen and emits a `deploy.seen` event for each new one.

Baseline rule (so opening a war room does not flood the timeline): the first time a *group*
of deploys is observed (a git/command source as a whole, or one Kubernetes deployment), deploys
older than `recent` (default 30 minutes) are taken as already known and emit nothing; deploys
within the last 30 minutes do emit, because a deploy just before an incident is the first
suspect and belongs on its timeline. After that every deploy not seen before emits, whatever
its age. A failed or empty observation changes nothing (what was seen stays seen), so a source
that recovers does not re-announce its history.

The dedupe key `deploy:<source>:<ident>` is a natural key: two processes watching the same
incident produce the same key for the same deploy, and the store records it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from warroom.domain import catalogue
from warroom.domain.events import Kind, format_ts, utc
from warroom.domain.signals import SignalEvent
from warroom.records import Record, record

RECENT = timedelta(minutes=30)


@record
class Deploy(Record):
    """One deploy: a commit on a ref, a Kubernetes revision, or a line from a command.

    `ident` is unique within its source: the full sha (git), `<deployment>:<revision>`
    (kubectl), or the id from the command's line. `short` is what people say: `a1b2c3d`,
    `rev 6`. `at` is aware UTC. `ref` is the branch (git) or deployment name (kubectl).
    `rollback_argv` is empty when no rollback is known; `rollback_command` is what to type.
    """

    source: str
    ident: str
    short: str
    at: datetime
    subject: str = ""
    author: str = ""
    ref: str = ""
    image: str = ""
    revision: int | None = None
    rollback_argv: tuple[str, ...] = ()
    rollback_command: str = ""
    rollback_cwd: str | None = None  # where `rollback_command` is meant to be typed (the argv has it)

    @property
    def group(self) -> str:
        """The unit the baseline rule applies to: one deployment for kubectl, else the source."""
        return self.ref if self.revision is not None else ""

    def describe(self) -> str:
        """The timeline line: `deploy api a1b2c3d by alice: Bump pool size (rollback: ...)`."""
        head = f"deploy {self.source}"
        if self.revision is not None and self.ref:
            head += f" deploy/{self.ref}"
        head += f" {self.short}"
        if self.author:
            head += f" by {self.author}"
        what = self.subject or (f"image {self.image}" if self.image else "")
        if what:
            head += f": {what}"
        if self.rollback_command:
            head += f" (rollback: {self.rollback_command})"
        return head

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (event payloads, `warroom snapshot --json`)."""
        return {
            "source": self.source,
            "ident": self.ident,
            "short": self.short,
            "at": format_ts(self.at),
            "subject": self.subject,
            "author": self.author,
            "ref": self.ref,
            "image": self.image,
            "revision": self.revision,
            "rollback_argv": list(self.rollback_argv),
            "rollback_command": self.rollback_command,
            "rollback_cwd": self.rollback_cwd,
        }


def newest_first(deploys: Iterable[Deploy]) -> tuple[Deploy, ...]:
    """Sort by time (newest first), never by position; ties keep a stable, readable order."""
    return tuple(sorted(deploys, key=lambda d: (utc(d.at), d.revision or 0, d.ident), reverse=True))


def deploys_before(deploys: Sequence[Deploy], detected_at: datetime, window: timedelta = RECENT) -> list[Deploy]:
    """Deploys in the `window` before detection (inclusive), newest first: the usual suspects."""
    end = utc(detected_at)
    start = end - window
    return [d for d in newest_first(deploys) if start <= utc(d.at) <= end]


class DeployTracker:
    """Remembers seen deploys; `observe` returns a `deploy.seen` event for each new one."""

    def __init__(self, recent: timedelta = RECENT) -> None:
        self.recent = recent
        self._seen: set[tuple[str, str]] = set()  # (source, ident)
        self._groups: set[tuple[str, str]] = set()  # (source, group) already baselined

    def observe(self, deploys: Iterable[Deploy], now: datetime) -> list[SignalEvent]:
        """Compare with what was seen before; events come out oldest first."""
        now = utc(now)
        fresh: list[Deploy] = []
        new_groups: set[tuple[str, str]] = set()
        for d in deploys:
            key = (d.source, d.ident)
            if key in self._seen:
                continue
            self._seen.add(key)
            group = (d.source, d.group)
            if group not in self._groups:
                # First sight of this group: older deploys are the baseline, known before
                # we started watching; only recent ones are news.
                new_groups.add(group)
                if utc(d.at) < now - self.recent:
                    continue
            fresh.append(d)
        self._groups |= new_groups
        return [deploy_event(d, now) for d in sorted(fresh, key=lambda d: (utc(d.at), d.revision or 0))]

    def seen(self, source: str, ident: str) -> bool:
        return (source, ident) in self._seen


def deploy_event(deploy: Deploy, now: datetime) -> SignalEvent:
    """The event for one deploy: dated when it happened (never in the future), keyed naturally."""
    at = min(utc(deploy.at), utc(now))
    payload = catalogue.deploy_seen(deploy.to_json(), seen_at=now)
    return SignalEvent(
        kind=Kind.DEPLOY,
        text=deploy.describe(),
        at=at,
        payload=payload,
        dedupe_key=f"deploy:{deploy.source}:{deploy.ident}",
    )
