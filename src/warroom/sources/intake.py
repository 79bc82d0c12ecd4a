"""The `[intake]` source: Alertmanager's webhook received, recorded, and shown in the alerts pane.

One `IntakeSource` per process, built like every source from the registry. Its HTTP server
(`sources.intake_http`) starts when a `SourceHub` attaches it (`warroom intake`, `warroom
record`, the war room's poller), so `warroom snapshot` never binds the port. Each notification is
cleaned and redacted (`parse_notification` with `scrub`), then recorded in one transaction
(`store.alerts`; notifications arriving while a commit is in flight share the next one:
`sources.intake_commit`, each answered only once committed): the firing and resolved transitions land once, keyed by fingerprint and
start/end time, on the incident the hub watches (or the newest open one), and a `[intake]
declare` rule opens an incident from a firing alert when none is open. `collect()` hands the
panes what the receiver holds now and the events written since the last look.

A second process configured with the same address cannot bind it: its pane says so and it tries
again as it backs off, taking over when the first process stops.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.domain.alerts import (
    Alert,
    DeclareRule,
    Notification,
    PayloadError,
    detected_by,
    parse_notification,
    title_of,
)
from warroom.domain.catalogue import alert_firing, alert_resolved
from warroom.domain.events import Event, Kind, parse_ts
from warroom.redact import known_secrets, redact_text
from warroom.sanitize import clean
from warroom.sources.intake_commit import GroupCommit
from warroom.sources.intake_http import Auth, IntakeServer, Rejected
from warroom.sources.snapshots import AlertsSnapshot
from warroom.store.alerts import AlertIndex, AlertsRecorded, AlertWrite

if TYPE_CHECKING:
    from warroom.config.model import IntakeConfig

log = logging.getLogger("warroom.intake")

#: How long a resolved alert stays in the pane (dim) before it goes.
FADE = timedelta(minutes=5)
#: The most alerts kept in memory for the pane (the record keeps every one).
KEEP = 500


_scrubbed: dict[tuple[str, int], str] = {}
_scrubbed_for: tuple[str, ...] | None = None


def scrub(text: str, cap: int) -> str:
    """One label or annotation as it may be stored and shown: no control or escape sequences,
    no secret, at most `cap` characters.

    Remembered: the same label values arrive in every notification. The memory is dropped when
    the set of known secrets changes, so a secret registered later is never served unredacted."""
    global _scrubbed_for
    secrets = known_secrets()
    if secrets is not _scrubbed_for or len(_scrubbed) > 5000:
        _scrubbed.clear()
        _scrubbed_for = secrets
    key = (text, cap)
    done = _scrubbed.get(key)
    if done is None:
        done = _scrubbed[key] = clean(redact_text(clean(text, cap=None)), cap=cap)
    return done


def scrubber() -> Callable[[str, int], str]:
    """`scrub` for one notification: the set of known secrets is checked once for all of its
    labels and annotations, not once for each (nothing registers a secret while one is read)."""
    global _scrubbed_for
    secrets = known_secrets()
    if secrets is not _scrubbed_for or len(_scrubbed) > 5000:
        _scrubbed.clear()
        _scrubbed_for = secrets
    memo = _scrubbed

    def scrub_one(text: str, cap: int) -> str:
        done = memo.get((text, cap))
        if done is None:
            done = memo[(text, cap)] = clean(redact_text(clean(text, cap=None)), cap=cap)
        return done

    return scrub_one


def auth_of(config: IntakeConfig, environ: Any = None) -> Auth | None:
    """The credentials requests must carry (None: none configured). KeyError names an unset variable."""
    env = os.environ if environ is None else environ
    if config.token is not None:
        return Auth(token=config.token.reveal(env))
    if config.user and config.password is not None:
        return Auth(user=config.user, password=config.password.reveal(env))
    return None


def writes_for(notification: Notification, rule: DeclareRule | None) -> list[AlertWrite]:
    """The transitions of one notification to record, firing ones oldest first."""
    out = []
    truncated = notification.truncated
    ordered = sorted(notification.alerts, key=lambda a: (not a.firing, a.starts_at))
    for alert in ordered:
        fields = {
            "alert": alert.name,
            "labels": dict(alert.labels),
            "annotations": {
                k: v for k, v in alert.annotations.items() if k in ("summary", "description", "runbook_url")
            },
            "fingerprint": alert.fingerprint,
            "starts_at": alert.starts_at,
            "generator_url": alert.generator_url,
            "truncated": truncated,
        }
        text = alert.text()
        if truncated:
            text += f" (+{truncated} more alerts left out by Alertmanager's max_alerts)"
        if alert.firing:
            declare = None
            if rule is not None and rule.matches(alert):
                declare = {
                    "title": title_of(alert),
                    "severity": rule.sev,
                    "detected_by": detected_by(alert),
                    "started_at": alert.starts_at,
                    "detected_at": alert.starts_at,
                }
            payload = alert_firing(text, **fields)
            out.append(AlertWrite(Kind.ALERT_FIRING, payload, alert.starts_at, key := alert.firing_key(), key, declare))
        else:
            ends = alert.ends_at or alert.starts_at
            payload = alert_resolved(text, ends_at=ends, **fields)
            out.append(AlertWrite(Kind.ALERT_RESOLVED, payload, ends, alert.resolved_key(), alert.firing_key()))
    return out


def alert_from_event(ev: Event) -> Alert | None:
    """The alert an `alert.firing`/`alert.resolved` event recorded (None for other events)."""
    if ev.kind not in (Kind.ALERT_FIRING, Kind.ALERT_RESOLVED):
        return None
    p = ev.payload
    try:
        return Alert(
            name=str(p["alert"]),
            status="firing" if ev.kind == Kind.ALERT_FIRING else "resolved",
            labels=dict(p.get("labels") or {}),
            annotations=dict(p.get("annotations") or {}),
            starts_at=parse_ts(p["starts_at"]),
            ends_at=parse_ts(p["ends_at"]) if p.get("ends_at") else None,
            fingerprint=str(p["fingerprint"]),
            generator_url=str(p.get("generator_url", "")),
        )
    except (KeyError, TypeError, ValueError):  # a damaged or foreign payload: not shown
        return None


class IntakeSource:
    """The receiver as a source (see the module docstring)."""

    kind = "intake"
    key = "intake"
    name = "intake"

    def __init__(
        self, config: IntakeConfig, *, environ: Any = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.config = config
        self.interval = float(config.interval)
        self.environ = environ
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rule = DeclareRule(dict(config.declare_match), config.declare_sev) if config.declare_sev else None
        self.listen = config.listen
        self.store: Any = None
        self.prefer: Callable[[], int | None] = lambda: None
        #: Where refusals and recording problems are told (stderr for `warroom intake`).
        self.say: Callable[[str], None] = log.info
        self._server: IntakeServer | None = None
        self._attached = False
        self._alerts: dict[str, Alert] = {}
        self._resolved_seen: dict[str, datetime] = {}  # when this receiver heard each resolution
        self._recorded: list[Event] = []
        self._told = ""  # the last listening problem said (said once, not each poll)
        self._followed: dict[int, int] = {}  # incident -> last event id read (not listening)
        self._index = AlertIndex()  # what the record held at the last notification (store.alerts)
        self._commits: GroupCommit | None = None  # notifications waiting together commit together
        self.received = 0
        self.rejected = 0
        self.last_rejection = ""
        self.truncated = 0
        self.unrecorded = 0

    # -- wiring ---------------------------------------------------------------------------------
    def attach(self, store: Any, prefer: Callable[[], int | None] | None = None) -> None:
        """Receive from now on, recording into `store`. `prefer()` names the incident the
        process watches: alerts go to it while it is open. Without a store (a read-only screen)
        nothing listens: answering Alertmanager 200 for alerts nobody records would lose them."""
        self.store = store
        if prefer is not None:
            self.prefer = prefer
        self._attached = store is not None

    async def start(self) -> None:
        """Bind the address (OSError when taken); `address` then says where it listens."""
        if self._server is not None:
            return
        auth = auth_of(self.config, self.environ)
        server = IntakeServer(
            self.config.host, self.config.port, self.accept, auth=auth, log=self._say, on_reject=self._rejected
        )
        await server.start()
        self._server = server
        self.listen = server.address

    @property
    def listening(self) -> bool:
        return self._server is not None

    def _say(self, line: str) -> None:
        self.say(redact_text(line))

    def _rejected(self, status: int, message: str) -> None:
        self.rejected += 1
        self.last_rejection = f"{status}: {message}"

    # -- a notification -------------------------------------------------------------------------
    async def receive(self, body: Any) -> str:
        """Record one decoded webhook body; Rejected(400) when it is not a notification."""
        return await self.accept(body)

    def accept(self, body: Any) -> asyncio.Future[str]:
        """`receive` without a coroutine per request (the HTTP server's path): the body is read
        now (Rejected at once when it is not a notification) and its writes queued for the next
        group commit; the future holds the 200's words once they are committed."""
        try:
            notification = parse_notification(body, scrubber())
        except PayloadError as exc:
            raise Rejected(400, f"not an Alertmanager notification: {exc}") from None
        self.received += 1
        if notification.truncated:
            self.truncated = notification.truncated
        now = self.clock()
        for alert in notification.alerts:
            self._alerts.pop(alert.fingerprint, None)  # re-inserted: newest last
            self._alerts[alert.fingerprint] = alert
            if alert.firing:
                self._resolved_seen.pop(alert.fingerprint, None)
            else:
                self._resolved_seen.setdefault(alert.fingerprint, now)
        self._forget(now)
        if self.store is None:  # started by hand without a store (tests): nothing to record into
            raise Rejected(503, "this warroom cannot record (read-only)")
        if self._commits is None or self._commits.store is not self.store:
            self._commits = GroupCommit(self.store, lambda: self.prefer(), self._index)
        return self._commits.submit(writes_for(notification, self.rule), self._recorded_words)

    def _recorded_words(self, done: AlertsRecorded) -> str:
        """Note what one notification recorded; the 200's words."""
        self._recorded.extend(done.events)
        if done.unrecorded:
            self.unrecorded += done.unrecorded
            self._say(
                f"intake: {done.unrecorded} alert transition(s) not recorded: no open incident"
                + (
                    f" and no [intake] declare rule matched ({self.rule.describe()})"
                    if self.rule
                    else " (no declare rule)"
                )
            )
        return f"{len(done.events)} recorded, {done.duplicates} already recorded, {done.unrecorded} with no incident"

    def _forget(self, now: datetime) -> None:
        """Drop alerts resolved more than FADE ago (by when this receiver heard it: a late
        notification still shows), and the oldest beyond KEEP."""
        for key, seen in list(self._resolved_seen.items()):
            if now - seen > FADE:
                self._alerts.pop(key, None)
                del self._resolved_seen[key]
        while len(self._alerts) > KEEP:
            oldest = next(iter(self._alerts))
            del self._alerts[oldest]
            self._resolved_seen.pop(oldest, None)

    # -- the source contract --------------------------------------------------------------------
    async def collect(self, now: datetime) -> AlertsSnapshot:
        error, note = None, ""
        if self._attached and self._server is None:
            try:
                await self.start()
                self._say(f"intake: listening on {self.listen} (Alertmanager webhook url http://{self.listen}/)")
                self._told = ""
            except KeyError as exc:
                error = f"cannot listen: {exc.args[0] if exc.args else exc}"
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE and self.store is not None:
                    # Another warroom (`record`, `intake`, a second screen) receives there and
                    # records: show what it records, and take over when it stops.
                    note = f"{self.config.listen} in use: another warroom receives; showing what it records"
                    await self._follow_record()
                else:
                    error = f"cannot listen on {self.config.listen}: {exc.strerror or exc}"
                if self._told != (error or note):
                    self._told = error or note
                    self._say(f"intake: {self._told}")
        self._forget(now)
        recorded, self._recorded = tuple(self._recorded), []
        alerts = sorted(self._alerts.values(), key=lambda a: (not a.firing, -(a.ends_at or a.starts_at).timestamp()))
        return AlertsSnapshot(
            taken_at=now,
            listen=self.listen,
            alerts=tuple(alerts),
            received=self.received,
            rejected=self.rejected,
            last_rejection=self.last_rejection,
            truncated=self.truncated,
            listening=self.listening,
            error=error,
            note=note,
            recorded=recorded,
        )

    async def _follow_record(self) -> None:
        """Read the alert events recorded since the last look (by the process that listens)."""
        incident = self.prefer()
        if incident is None:
            open_ids = await self.store.open_incident_ids()
            incident = max(open_ids) if open_ids else None
        if incident is None:
            return
        after = self._followed.get(incident, 0)
        for ev in await self.store.events(incident, after):
            self._followed[incident] = ev.id or after
            alert = alert_from_event(ev)
            if alert is None:
                continue
            self._alerts.pop(alert.fingerprint, None)
            self._alerts[alert.fingerprint] = alert
            if alert.firing:
                self._resolved_seen.pop(alert.fingerprint, None)
            else:
                self._resolved_seen[alert.fingerprint] = ev.recorded_at or ev.at

    async def aclose(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None
        if self._commits is not None:  # what was received is committed before the store closes
            await self._commits.drain()
