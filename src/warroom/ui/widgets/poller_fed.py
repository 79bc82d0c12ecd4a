"""What the signal panes and the summary share: the configured sources as panes name them, and
`PollerFed`, a widget fed by the app's `Poller` that follows the incident on screen."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from textual.reactive import var
from textual.widget import Widget

from warroom.domain.deploy_rules import RECENT
from warroom.ui.poller import Poller
from warroom.sources.registry import configured_sources  # noqa: F401 (re-exported for the panes)

if TYPE_CHECKING:
    from warroom.config.model import Config


async def _leave(node: Widget, poller: Poller | None) -> None:
    """Stop listening; the widget that started the poller also stops it (closing its sources)."""
    if poller is None:
        return
    poller.unsubscribe(node)
    if poller.owner is node:
        await poller.stop()


def _clock_of(node: Widget, clock: Callable[[], datetime] | None) -> Callable[[], datetime]:
    found = clock or getattr(node.app, "clock", None)
    return found if callable(found) else (lambda: datetime.now(timezone.utc))


def _config_of(node: Widget, config: "Config | None") -> "Config":
    if config is not None:
        return config
    from warroom.config.model import Config

    return getattr(node.app, "config", None) or Config()


def detected_at(state: Any) -> datetime | None:
    """When the incident on screen was detected (None with no incident)."""
    return getattr(getattr(state, "milestones", None), "detected", None) if state is not None else None


class PollerFed(Widget):
    """A widget fed by the app's `Poller` (one `Poller.SourceUpdated` message per finished poll): the
    config and clock it reads (the app's unless given), joining the poller and leaving it."""

    #: Live updates paused, as the poller says (`Poller.PauseChanged`); panes bind to it.
    paused: var[bool] = var(False)

    def __init__(
        self,
        config: "Config | None" = None,
        *,
        poller: Poller | None = None,
        clock: Callable[[], datetime] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._config_arg = config
        self._clock_arg = clock
        self.poller: Poller | None = poller

    @property
    def config(self) -> "Config":
        return _config_of(self, self._config_arg)

    def now(self) -> datetime:
        return _clock_of(self, self._clock_arg)()

    def _join_poller(self) -> None:
        """Subscribe (starting the app's poller if it has none), tick every second, and follow
        the incident on screen (`_incident_changed`)."""
        if self.poller is None:
            self.poller = Poller.ensure(self.app, self.config, clock=self._clock_arg, owner=self)
        self.poller.subscribe(self)
        self.set_interval(1.0, self._tick)
        if hasattr(self.app, "incident"):
            self.watch(self.app, "incident", self._follow_incident)

    def _follow_incident(self, state: Any) -> None:
        self._reach_back(detected_at(state))
        self._incident_changed(state)

    def _reach_back(self, detected: datetime | None) -> None:
        """Deploys sources keep the suspects (just before detection) in their window, however
        long the incident runs; a widened window is polled at once."""
        if self.poller is None:
            return
        start = detected - RECENT if detected is not None else None
        for source in self.poller.sources:
            reach_back = getattr(source, "reach_back", None)
            if callable(reach_back) and reach_back(start):
                self.poller.poll_now(source.key)

    async def on_unmount(self) -> None:
        await _leave(self, self.poller)

    def _tick(self) -> None:
        raise NotImplementedError

    def _incident_changed(self, state: Any) -> None:
        raise NotImplementedError
