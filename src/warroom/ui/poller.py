"""Runs every source on its own interval and hands frozen snapshots to the panes.

One async Textual worker per source. Each loop collects, publishes, then sleeps its interval, so
the next run is scheduled when the last one finishes: a slow source never overlaps itself or
piles up. A failing source (its snapshot carries `error`) backs off exponentially and is shown
as stale with its last good data. `pause()` holds updates back from the screen (so a reader can
read); polling and recording go on underneath, and `resume()` shows the newest of each.

Widgets never poll: they `subscribe()` and receive a `Poller.SourceUpdated` message per finished poll.

The one seam with the recorder is `_collect`: with a `SourceHub` the poll also records events
and samples (deduplicated across processes); without one it calls `source.collect(now)`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from textual.message import Message
from textual.signal import Signal

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.worker import Worker

    from warroom.config.model import Config
    from warroom.sources.base import Snapshot, Source

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Longest wait between retries of a failing source (never shorter than its own interval).
MAX_BACKOFF = 120.0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PollFailure:
    """Stands in for a snapshot when the poll itself failed (deadline passed, a bug raised)."""

    taken_at: datetime
    error: str

    def as_text(self) -> str:
        return f"error: {self.error}"


@dataclass(frozen=True)
class SourceUpdate:
    """One finished poll of one source, as the panes see it."""

    key: str  # "probe:api", "log:api", "resources", ...
    kind: str  # "probe" | "statuspage" | "log" | "deploys" | "resources" | "command"
    name: str  # what people call it: "api", "long queries"
    snapshot: Any  # the newest snapshot (carries `error` when the source failed)
    last_good: Any | None  # the newest snapshot without an error, or None
    failures: int  # consecutive failed polls (0: healthy)
    polled_at: datetime
    next_at: datetime  # when the next poll starts (later while backing off)
    events: tuple[Any, ...] = field(default=())  # events the hub recorded from this poll
    record_error: str | None = None  # the recorder could not write (locked database...)

    @property
    def error(self) -> str | None:
        return getattr(self.snapshot, "error", None) or None

    @property
    def stale(self) -> bool:
        """True while the source is failing: what is shown is older than it looks."""
        return self.failures > 0


def backoff_delay(interval: float, failures: int, cap: float = MAX_BACKOFF) -> float:
    """Seconds until the next poll: the interval, doubling per consecutive failure after the first."""
    interval = max(float(interval), 0.05)
    if failures <= 1:
        return interval
    return min(interval * (2 ** (failures - 1)), max(interval, cap))


def source_name(source: Any) -> str:
    name = getattr(source, "name", None)
    if isinstance(name, str) and name:
        return name
    key = str(getattr(source, "key", "?"))
    return key.split(":", 1)[1] if ":" in key else key


def build_sources(config: "Config") -> list["Source"]:
    """The configured sources, built by the recorder (the one place that knows every kind)."""
    from warroom.recorder import build_sources as recorder_build

    return list(recorder_build(config))


def is_failure(kind: str, snapshot: Any) -> bool:
    """Did the *source* fail (back off, show stale), as opposed to reporting bad news?

    A probe answering 503 is a result: it keeps its interval so recovery is seen at once; only a
    probe that cannot even be configured (`failure == "config"`) failed. A log follower keeps
    counting while one file is unreadable, and counts by the minute of each poll, so its errors
    never slow it down.
    """
    if not getattr(snapshot, "error", None):
        return False
    if isinstance(snapshot, PollFailure):
        return True
    if kind == "probe":
        return getattr(snapshot, "failure", None) == "config"
    return kind != "log"


_BY_APP: "weakref.WeakKeyDictionary[App[Any], Poller]" = weakref.WeakKeyDictionary()


class Poller:
    """Polls sources in Textual workers; subscribers get `Poller.SourceUpdated` / `Poller.PauseChanged`.

    `Poller(config, store=..., incident_id=..., holder=...)` records through the recorder's
    `SourceHub`; `Poller(sources=[...])` polls exactly those (tests, the demo). Call `start(app)`
    once; `Poller.for_app(app)` finds it again from any widget.
    """

    # Past tense, frozen payloads, and no bubbling: a pane update is for the node that
    # subscribed, not for every ancestor up to the app (a walk paid 1,000 times a minute).

    class SourceUpdated(Message, bubble=False):
        """A source finished a poll: `update` carries its frozen snapshot and freshness."""

        def __init__(self, update: SourceUpdate) -> None:
            super().__init__()
            self.update = update

    class PauseChanged(Message, bubble=False):
        """Live updates were paused (`paused=True`) or resumed."""

        def __init__(self, paused: bool) -> None:
            super().__init__()
            self.paused = paused

    def __init__(
        self,
        config: "Config | None" = None,
        *,
        sources: Iterable["Source"] | None = None,
        hub: Any | None = None,
        store: Any | None = None,
        incident_id: int | None = None,
        holder: str | None = None,
        clock: Clock | None = None,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self.config = config
        self._sources: list[Source] | None = list(sources) if sources is not None else None
        self._hub = hub
        self._store = store
        self._incident_id = incident_id
        self._holder = holder
        self.clock: Clock = clock or utcnow
        self.max_backoff = max_backoff
        self._latest: dict[str, SourceUpdate] = {}
        self._held: dict[str, SourceUpdate] = {}
        self._paused = False
        self._host: DOMNode | None = None
        self._signal: Signal[Any] | None = None
        self._workers: list[Worker[None]] = []
        self._wake: dict[str, asyncio.Event] = {}
        self._busy: set[str] = set()
        self.build_error: str | None = None
        #: The widget that started this poller through `ensure` (it stops it when unmounted).
        self.owner: Any = None

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def for_app(cls, app: "App[Any]") -> "Poller | None":
        """The poller started on this app, if any."""
        return _BY_APP.get(app)

    @classmethod
    def ensure(
        cls, app: "App[Any]", config: "Config | None" = None, *, clock: Clock | None = None, owner: Any = None
    ) -> "Poller":
        """The app's poller, started now if there is none: recording through the app's store
        (`app.store`, `app.incident_id`) when it has them, collecting only otherwise.

        A poller made here remembers `owner` (the widget that asked first), which stops it when
        it unmounts, so followed commands and HTTP clients close with the screen.
        """
        poller = _BY_APP.get(app)
        if poller is None:
            app_clock = getattr(app, "clock", None)
            poller = cls(
                config if config is not None else getattr(app, "config", None),
                # A read-only database (full disk, read-only mount): show the sources, record nothing.
                store=None if getattr(app, "read_only", None) else getattr(app, "store", None),
                incident_id=getattr(app, "incident_id", None),
                clock=clock or (app_clock if callable(app_clock) else None),
            )
            poller.owner = owner
            poller.start(app)
        return poller

    @property
    def started(self) -> bool:
        return self._host is not None

    @property
    def sources(self) -> list["Source"]:
        return list(self._sources or [])

    def start(self, host: "DOMNode") -> None:
        """Start one worker per source on `host` (normally the app). Idempotent."""
        if self._host is not None:
            return
        self._host = host
        self._signal = Signal(host, "warroom-poller")
        _BY_APP[host.app] = self
        if self._sources is None:
            try:
                self._sources = build_sources(self.config) if self.config is not None else []
            except Exception as exc:  # a bad config must not take the screen down
                log.exception("building sources failed")
                self.build_error = f"{type(exc).__name__}: {exc}"
                self._sources = []
        if self._hub is None and self._store is not None and self._incident_id is not None:
            self._hub = _make_hub(self.config, self._store, self._incident_id, self._holder, self._sources)
        for source in self._sources:
            self._wake[source.key] = asyncio.Event()
            worker = host.run_worker(
                self._run(source),
                name=f"poll {source.key}",
                group="warroom-poller",
                description=f"polls {source.key} every {source.interval}s",
                exit_on_error=False,
            )
            self._workers.append(worker)

    async def stop(self) -> None:
        """Cancel the workers and close the sources (their HTTP clients, followed files)."""
        for worker in self._workers:
            worker.cancel()
        self._workers.clear()
        await self._finish_pending()
        if self._hub is not None and hasattr(self._hub, "release"):
            try:
                await self._hub.release()  # hand the recorder lease to another process at once
            except Exception:
                log.exception("releasing the recorder lease failed")
        for source in self._sources or []:
            try:
                await source.aclose()
            except Exception:
                log.exception("closing %s failed", getattr(source, "key", source))
        if self._host is not None and _BY_APP.get(self._host.app) is self:
            del _BY_APP[self._host.app]

    async def _finish_pending(self) -> None:
        """Source events the database never took (full disk, locked): written now if it takes
        them, else put in a file beside it; the app's `pending_events_note` says where, for the
        exit to print."""
        finish = getattr(self._hub, "finish", None)
        if not callable(finish):
            return
        try:
            path = await finish()
        except Exception:
            log.exception("keeping the unwritten events failed")
            return
        pending = getattr(self._hub, "pending", None)
        if not pending or self._host is None:
            return
        n = len(pending)
        what = f"{n} source event{'s' if n != 1 else ''} could not be written ({pending.last_error})"
        where = f"kept in {path}" if path else "and no file could take them: " + " ".join(pending.lines(self._incident_id))
        self._host.app.pending_events_note = f"warroom: {what}; {where}"  # type: ignore[attr-defined]

    # --- subscribers -------------------------------------------------------------------------

    def subscribe(self, node: "DOMNode") -> None:
        """Send `node` a `Poller.SourceUpdated` per finished poll, starting with the newest of each."""
        if self._signal is None:
            raise RuntimeError("Poller.start(app) first")

        def deliver(item: Any) -> None:
            # One message object per node: messages carry per-delivery state.
            if isinstance(item, SourceUpdate):
                node.post_message(Poller.SourceUpdated(item))
            else:
                node.post_message(Poller.PauseChanged(bool(item)))

        self._signal.subscribe(node, deliver, immediate=True)
        for update in self._latest.values():
            node.post_message(Poller.SourceUpdated(update))
        if self._paused:
            node.post_message(Poller.PauseChanged(True))

    def unsubscribe(self, node: "DOMNode") -> None:
        if self._signal is not None:
            self._signal.unsubscribe(node)

    def latest(self, key: str) -> SourceUpdate | None:
        """The newest update shown for `key` (what the screen displays)."""
        return self._latest.get(key)

    def updates(self) -> Sequence[SourceUpdate]:
        return tuple(self._latest.values())

    # --- pause -------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Stop updating the screen; polls (and recording) go on and are held back."""
        if not self._paused:
            self._paused = True
            self._publish(True)

    def resume(self) -> None:
        """Show the newest held update of each source and carry on live."""
        if self._paused:
            self._paused = False
            self._publish(False)
            held, self._held = self._held, {}
            for update in held.values():
                self._show(update)

    def toggle_pause(self) -> bool:
        """Pause if live, resume if paused; returns the new `paused`."""
        self.resume() if self._paused else self.pause()
        return self._paused

    def poll_now(self, key: str | None = None) -> None:
        """Cut the current wait short for one source (or all): poll as soon as the last one ends."""
        for k, event in self._wake.items():
            if key is None or k == key:
                event.set()

    # --- the loop ----------------------------------------------------------------------------

    async def _collect(self, source: "Source", now: datetime) -> tuple["Snapshot", tuple[Any, ...], str | None]:
        """The seam: record through the hub when there is one, else just collect."""
        if self._hub is not None:
            outcome = await self._hub.poll(source, now)
            return outcome.snapshot, tuple(outcome.events or ()), outcome.record_error
        return await source.collect(now), (), None

    def _deadline(self, source: "Source") -> float:
        """A safety net only: sources enforce their own timeouts well inside this."""
        timeout = float(getattr(source, "timeout", 0) or 0)
        return max(15.0, 2.0 * float(source.interval), timeout + 5.0)

    async def _run(self, source: "Source") -> None:
        failures = 0
        last_good: Any | None = None
        key = source.key
        wake = self._wake[key]
        while True:
            # Cleared before the collect, so a `poll_now` during it polls again right after.
            wake.clear()
            now = self.clock()
            self._busy.add(key)
            events: tuple[Any, ...] = ()
            record_error: str | None = None
            try:
                snapshot, events, record_error = await asyncio.wait_for(self._collect(source, now), self._deadline(source))
            except asyncio.TimeoutError:
                snapshot = PollFailure(now, f"no result within {self._deadline(source):.0f}s")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # collect() must not raise; if it does, show it, keep going
                log.exception("polling %s failed", key)
                snapshot = PollFailure(now, f"{type(exc).__name__}: {exc}")
            finally:
                self._busy.discard(key)
            if events:
                self._poke_follower()
            if is_failure(str(getattr(source, "kind", "")), snapshot):
                failures += 1
            else:
                failures = 0
                last_good = snapshot
            delay = backoff_delay(source.interval, failures, self.max_backoff)
            polled = self.clock()
            update = SourceUpdate(
                key=key,
                kind=str(getattr(source, "kind", "")),
                name=source_name(source),
                snapshot=snapshot,
                last_good=last_good,
                failures=failures,
                polled_at=polled,
                next_at=polled + timedelta(seconds=delay),
                events=events,
                record_error=record_error,
            )
            if self._paused:
                self._held[key] = update
            else:
                self._show(update)
            try:
                await asyncio.wait_for(wake.wait(), delay)
            except asyncio.TimeoutError:
                pass

    def _poke_follower(self) -> None:
        """The hub wrote on the app's own connection, which `PRAGMA data_version` does not see:
        tell the store follower to read, so the events (late ones too) reach the timeline."""
        app = getattr(self._host, "app", None)
        poke = getattr(getattr(app, "follower", None), "poke", None)
        if callable(poke):
            poke()

    def _show(self, update: SourceUpdate) -> None:
        self._latest[update.key] = update
        self._publish(update)

    def _publish(self, item: "SourceUpdate | bool") -> None:
        """Publish an update, or the new paused flag, to every subscriber."""
        if self._signal is not None:
            self._signal.publish(item)


def _make_hub(config: Any, store: Any, incident_id: int, holder: str | None, sources: list[Any]) -> Any | None:
    """The recorder's SourceHub over these very sources (None: collect only, no recorder)."""
    from warroom.recorder import SourceHub

    return SourceHub(config, store, incident_id, holder=holder, sources=sources)
