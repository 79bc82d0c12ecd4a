"""The deploys pane: every `[[deploys]]` source merged, newest first; suspects marked.

    ◆ 14:02  a1b2c3d  api   alice  Bump pool size   ◆ 6m before detection
      ↶ Roll back api a1b2c3d (deployed 6 min before detection) · m runs it
        $ git revert --no-edit a1b2c3d4e5f6...
      13:10  rev 6    prod  deploy/api  image registry/api:1.42.0
    ✖ ERROR prod: kubectl not found (kubectl rollout history deploy/api) · 10s ago

In key mode Up/Down select a deploy and `y` copies its rollback command (its SHA when it has
none). With room to spare (a tall terminal, `z`), every deploy shows its rollback command and image
too (detail rows); the suspects always do.

"Just before detection" is the domain's `deploys_before` window (30 minutes up to the incident's
detection): those deploys are the first suspects, so each is offered as the mitigation screen
offers it (`domain.mitigation.rollback_offer`: "Roll back api a1b2c3d (deployed 6 min before
detection)") with its exact rollback command; `m` opens that screen to run it.
Commit subjects and authors are untrusted text: cleaned, never markup.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from warroom.domain.deploy_rules import Deploy, deploys_before, newest_first
from warroom.domain.events import utc
from warroom.domain.metrics import format_duration
from warroom.domain.mitigation import rollback_offer
from warroom.sources.snapshots import DeployList
from warroom.ui.widgets.pane_base import (
    MUTED_STYLE,
    Copyable,
    Detail,
    Pick,
    SourceInfo,
    SourcePane,
    error_row,
    freshness,
    line,
    pad,
    untrusted,
)

SUSPECT_STYLE = "bold $text-warning"


def when_text(at: datetime, now: datetime) -> str:
    """`14:02` today (UTC), `Mar 03 14:02` before that."""
    at, now = utc(at), utc(now)
    return f"{at:%H:%M}" if at.date() == now.date() else f"{at:%b %d %H:%M}"


def deploy_copy(deploy: Deploy) -> Copyable:
    """What `y` copies for a deploy: its exact rollback command, else its SHA (or revision)."""
    name = f"{deploy.source} {deploy.short}"
    if deploy.rollback_command:
        return Copyable(deploy.rollback_command, f"rollback command for {name}")
    return Copyable(deploy.ident, f"SHA of {name}" if deploy.revision is None else f"revision of {name}")


class DeploysPane(SourcePane):
    """Recent deploys from every deploys source, newest first, the ones before detection marked."""

    TITLE = "Deploys"
    EMPTY = (
        "No deploy sources. Add to warroom.toml:\n"
        "  [[deploys]]\n"
        '  kind = "git"        # or "kubectl" (namespace, deployments) or "command" (argv)\n'
        '  name = "api"\n'
        '  repo = "/srv/repos/api"\n'
        '  since = "2h"'
    )
    MIN_ROWS = 3

    def __init__(self, sources: list[SourceInfo], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(sources, id=id, classes=classes)
        self.detected_at: datetime | None = None

    def set_detected(self, detected_at: datetime | None, now: datetime) -> None:
        """The incident's detection time: deploys in the 30 minutes before it are marked."""
        if detected_at != self.detected_at:
            self.detected_at = detected_at
            self.redraw(now)

    def all_deploys(self) -> tuple[Deploy, ...]:
        found: list[Deploy] = []
        for update in self.updates.values():
            snap = update.snapshot if isinstance(update.snapshot, DeployList) else update.last_good
            if snap is not None:
                found.extend(snap.deploys)
        return newest_first(found)

    def suspects(self) -> set[tuple[str, str]]:
        if self.detected_at is None:
            return set()
        return {(d.source, d.ident) for d in deploys_before(self.all_deploys(), self.detected_at)}

    def rows(self, now: datetime) -> list[Content | Detail | Pick]:
        out: list[Content | Detail | Pick] = []
        for info in self.sources:
            update = self.updates.get(info.key)
            if update is not None and update.error:
                command = ""
                snap = update.snapshot
                if isinstance(snap, DeployList) and snap.commands and snap.commands[-1] not in update.error:
                    command = f" ({untrusted(snap.commands[-1], 200)})"
                out.append(line(error_row(update, now, untrusted(info.name, 40)), command))
                stale = freshness(update, now)
                if stale:
                    out.append(line("   ", stale))
        deploys = self.all_deploys()
        suspects = self.suspects()
        waiting = [s for s in self.sources if s.key not in self.updates]
        if not deploys:
            if waiting:
                out.append(line(("waiting for " + ", ".join(untrusted(s.name, 40) for s in waiting), MUTED_STYLE)))
            elif not out:
                out.append(line(("no deploys in the window", MUTED_STYLE)))
            return out
        # The source column only helps when there is more than one deploys source.
        sources_w = max(len(untrusted(d.source, 20)) for d in deploys) if len(self.sources) > 1 else 0
        short_w = max(len(untrusted(d.short, 14)) for d in deploys)
        for d in deploys:
            suspect = (d.source, d.ident) in suspects
            where = f"deploy/{untrusted(d.ref, 40)}" if d.revision is not None else untrusted(d.author, 16)
            what = untrusted(d.subject, 200) or (f"image {untrusted(d.image, 120)}" if d.image else "")
            parts: list[str | tuple[str, str]] = [
                ("◆ " if suspect else "  ", SUSPECT_STYLE),
                (when_text(d.at, now), MUTED_STYLE),
                "  ",
                pad(untrusted(d.short, 14), short_w),
                "  ",
                pad(untrusted(d.source, 20), sources_w) + "  " if sources_w else "",
                where,
                "  ",
                what,
            ]
            if suspect and self.detected_at is not None:
                before = format_duration(utc(self.detected_at) - utc(d.at))
                parts.append((f"  ◆ {before} before detection", SUSPECT_STYLE))
            out.append(Pick(line(*parts), deploy_copy(d), f"{d.source}:{d.ident}"))
            if suspect and self.detected_at is not None:
                # The suspect's offer, in the mitigation screen's words (`m` runs it, asking first).
                # Two rows, so a narrow column cuts neither the offer nor the command.
                offer = untrusted(rollback_offer(d, self.detected_at), 200)
                out.append(line(("  ↶ ", SUSPECT_STYLE), (offer, SUSPECT_STYLE), (" · m runs it", MUTED_STYLE)))
                command = untrusted(d.rollback_command, 300) if d.rollback_command else "no rollback command known"
                out.append(line(("    $ ", MUTED_STYLE), command))
            elif d.rollback_command:
                out.append(Detail(line(("      ↶ rollback: ", MUTED_STYLE), untrusted(d.rollback_command, 300))))
            if d.image and d.subject:
                out.append(Detail(line(("      image: ", MUTED_STYLE), untrusted(d.image, 200))))
        return out

    def pin_text(self, key: str) -> str:
        update = self.updates.get(key)
        if update is None:
            return "no result yet"
        return update.snapshot.as_text()
