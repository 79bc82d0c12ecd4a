"""The war room's adapter over the one scheduler: snapshots in, Textual messages out.

`warroom.scheduler.Scheduler` runs every source on its own interval through the recorder's
`SourceHub` (next run when the last finishes, failing sources back off and show stale, events
recorded once across processes). Here each source's loop runs in a Textual worker, and each
finished poll is posted to the subscribed widgets as a `SourceUpdated` message. `pause()` holds
updates back from the screen (so a reader can read); polling and recording go on underneath, and
`resume()` shows the newest of each.

Widgets never poll: they `subscribe()` and receive a `Poller.SourceUpdated` message per finished poll.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.signal import Signal

from warroom.scheduler import (
    MAX_BACKOFF,
    Clock,
    PollFailure,
    Scheduler,
    SourceUpdate,
    backoff_delay,
    is_failure,
    source_name,
    utcnow,
)
from warroom.sources import registry

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import App
    from textual.dom import DOMNode
    from textual.worker import Worker

    from warroom.config.model import Config
    from warroom.domain.probe_rules import ProbeTracker
    from warroom.domain.recovery import ErrorRate, ProbeView
    from warroom.recorder import SourceHub
    from warroom.sources.base import Source

log = logging.getLogger(__name__)

__all__ = [
    "MAX_BACKOFF",
    "PollFailure",
    "Poller",
    "SourceUpdate",
    "backoff_delay",
    "build_sources",
    "is_failure",
    "source_name",
]


def build_sources(config: Config) -> list[Source]:
    """The configured sources of every registered kind."""
    return registry.build_sources(config)


_BY_APP: weakref.WeakKeyDictionary[App[Any], Poller] = weakref.WeakKeyDictionary()


class Poller:
    """Polls sources in Textual workers; subscribers get `Poller.SourceUpdated` / `Poller.PauseChanged`.

    `Poller(config, store=..., incident_id=..., holder=...)` records through the recorder's
    `SourceHub`; without a store the hub only observes (the panes still get each kind's rule,
    e.g. a probe's damped state). `Poller(sources=[...])` polls exactly those (tests, the demo).
    Call `start(app)` once; `Poller.for_app(app)` finds it again from any widget.
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
        config: Config | None = None,
        *,
        sources: Iterable[Source] | None = None,
        hub: SourceHub | None = None,
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
        self.scheduler: Scheduler | None = None
        self.build_error: str | None = None
        #: The widget that started this poller through `ensure` (it stops it when unmounted).
        self.owner: Any = None

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def for_app(cls, app: App[Any]) -> Poller | None:
        """The poller started on this app, if any."""
        return _BY_APP.get(app)

    @classmethod
    def ensure(
        cls, app: App[Any], config: Config | None = None, *, clock: Clock | None = None, owner: Any = None
    ) -> Poller:
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
    def sources(self) -> list[Source]:
        return list(self._sources or [])

    def start(self, host: DOMNode) -> None:
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
        if self._hub is None:
            from warroom.recorder import SourceHub

            recording = self._store is not None and self._incident_id is not None
            self._hub = SourceHub(
                self.config,
                self._store if recording else None,
                self._incident_id if recording else None,
                holder=self._holder,
                sources=self._sources,
            )
        self.scheduler = Scheduler(
            self._hub,
            publish=self._arrived,
            on_recorded=self._poke_follower,
            clock=self.clock,
            max_backoff=self.max_backoff,
        )
        for source in self._sources:
            worker = host.run_worker(
                self.scheduler.run_source(source),
                name=f"poll {source.key}",
                group="warroom-poller",
                description=f"polls {source.key} every {source.interval}s",
                exit_on_error=False,
            )
            self._workers.append(worker)
        if self._sources:
            self._workers.append(
                host.run_worker(
                    self.scheduler.watch_lease(),
                    name="watch the recorder lease",
                    group="warroom-poller",
                    exit_on_error=False,
                )
            )

    async def stop(self) -> None:
        """Cancel the workers and close the sources (their HTTP clients, followed files)."""
        for worker in self._workers:
            worker.cancel()
        self._workers.clear()
        await self._finish_pending()
        if self._hub is not None:
            try:
                await self._hub.release()  # hand the recorder lease to another process at once
            except Exception:
                log.exception("releasing the recorder lease failed")
        for source in self._sources or []:
            try:
                await source.aclose()
            except Exception:
                log.exception("closing %s failed", source.key)
        if self._host is not None and _BY_APP.get(self._host.app) is self:
            del _BY_APP[self._host.app]

    async def _finish_pending(self) -> None:
        """Source events the database never took (full disk, locked): written now if it takes
        them, else put in a file beside it; the app's `pending_events_note` says where, for the
        exit to print."""
        if self._hub is None:
            return
        try:
            path = await self._hub.finish()
        except Exception:
            log.exception("keeping the unwritten events failed")
            return
        pending = self._hub.pending
        if not pending or self._host is None:
            return
        n = len(pending)
        what = f"{n} source event{'s' if n != 1 else ''} could not be written ({pending.last_error})"
        where = (
            f"kept in {path}" if path else "and no file could take them: " + " ".join(pending.lines(self._incident_id))
        )
        self._host.app.pending_events_note = f"warroom: {what}; {where}"  # type: ignore[attr-defined]

    # --- subscribers -------------------------------------------------------------------------

    def subscribe(self, node: DOMNode) -> None:
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

    def unsubscribe(self, node: DOMNode) -> None:
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
        if self.scheduler is not None:
            self.scheduler.poll_now(key)

    def recorded(self, events: Sequence[Any]) -> None:
        """Events just read from the store (any process): while another screen records, its
        probe DOWN/UP become this screen's probe states, and those probes are polled now so
        their rows show it (this screen polls them seldom meanwhile: `SourceHub.paced`)."""
        if self._hub is None or self.scheduler is None:
            return
        for key in self._hub.adopt_recorded(events):
            self.scheduler.poll_now(key)

    def probe_trackers(self) -> dict[str, ProbeTracker]:
        """The flap-damping tracker of each probe, as the recorder's rule runs it (live)."""
        if self._hub is None:
            return {}
        from warroom.sources.observers import ProbeObserver

        hub = self._hub
        return {s.key: obs.tracker for s in self.sources if isinstance(obs := hub.observer(s), ProbeObserver)}

    def probe_views(self) -> list[ProbeView] | None:
        """Each probe up or down now, as its damped state has it (probes not polled yet are left
        out); None when no probe is configured, so callers fall back to the record."""
        from warroom.domain.probe_rules import ProbeState
        from warroom.domain.recovery import ProbeView

        trackers = self.probe_trackers()
        if not trackers:
            return None
        return [
            ProbeView(t.name, t.state is ProbeState.UP, t.since if t.state is ProbeState.UP else None)
            for t in trackers.values()
            if t.state is not ProbeState.UNKNOWN
        ]

    def error_rate(self, detected_at: datetime) -> ErrorRate | None:
        """The error rate now against its pre-incident baseline, as the recovery rule sees it
        (None without a `[[log]]`)."""
        if self._hub is None or not self._hub.recovery.has_logs:
            return None
        return self._hub.recovery.check(self.clock(), detected_at).rate

    # --- the loop ----------------------------------------------------------------------------

    def _arrived(self, update: SourceUpdate) -> None:
        """A poll finished: show it, or hold it while paused."""
        if self._paused:
            self._held[update.key] = update
        else:
            self._show(update)

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

    def _publish(self, item: SourceUpdate | bool) -> None:
        """Publish an update, or the new paused flag, to every subscriber."""
        if self._signal is not None:
            self._signal.publish(item)
