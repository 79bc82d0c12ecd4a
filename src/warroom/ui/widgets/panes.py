"""The signal panes of the war room, and the one-line-per-source summary for small terminals.

    SignalPanes(config)    mounted by the war room screen into its signal column
    SourceSummary(config)  mounted above the timeline (shown below 100 columns)

Both subscribe to the app's `Poller` (started here if the app has none) and receive one
`Poller.SourceUpdated` message per finished poll; each update goes to the pane that owns its key, which
repaints only the rows that changed. Every kind of source has a pane: an unconfigured kind shows
how to configure it. Height is shared out by what each pane has to show (`share_heights`), so at
120x40 every pane is on screen; what is left over goes to panes with `Detail` rows to show
(`grow_heights`: a process table, every rollback, long log lines in full), so at 200x60 the space
is used by more content, not left blank.

`/pin PANE` (`SignalPanes.pin`) records what a pane shows as an `evidence.pinned` event.
`z` is the screen's: every pane is focusable and maximizable (`Screen.maximize`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from warroom.layout.pane_layout import grow_heights, share_heights
from warroom.sources import registry
from warroom.sources.registry import configured_sources
from warroom.sources.snapshots import CommandOutput
from warroom.ui.poller import Poller
from warroom.ui.widgets.deploys import DeploysPane
from warroom.ui.widgets.pane_base import RowList, SourceInfo, SourcePane, hidden
from warroom.ui.widgets.poller_fed import PollerFed, detected_at
from warroom.ui.widgets.summary import MAX_SUMMARY_ROWS, fold_healthy_rows, summary_row

if TYPE_CHECKING:
    from warroom.config.model import Config
    from warroom.domain.probe_rules import ProbeTracker
    from warroom.scheduler import SourceUpdate


#: Below this many columns the two pane columns stack into one.
SIDE_BY_SIDE_WIDTH = 110
BORDER = 2


class SignalPanes(PollerFed):
    """One pane per kind of signal (probes and status pages, deploys, resources, each log, each
    command), fed by the poller; unconfigured kinds show how to configure them."""

    DEFAULT_CSS = """
    SignalPanes { height: 1fr; layout: horizontal; overflow: hidden hidden; }
    SignalPanes > .pane-column { width: 1fr; height: 1fr; overflow: hidden hidden; }
    SignalPanes.-stacked { layout: vertical; overflow-y: auto; }
    SignalPanes.-stacked > .pane-column { height: auto; }
    """

    class CommandFeedback(Message):
        """A line for the command line after `/pin` ("pinned api", "no pane named x"); bubbles
        up to the war room screen. `error` shows it as a failure."""

        def __init__(self, text: str, error: bool = False) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.panes: list[SourcePane] = []
        self.by_key: dict[str, SourcePane] = {}
        self.infos: dict[str, SourceInfo] = {}
        self._last_layout: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        self.infos = {i.key: i for i in configured_sources(self.config)}
        columns: dict[str, list[SourcePane]] = {"left": [], "right": []}
        for spec, infos in registry.iter_panes(self.config):
            pane_cls: type[SourcePane] = registry.imported(spec.path)
            if not spec.per_source:
                panes = [pane_cls.for_sources(infos, id=f"pane-{spec.id}")]
            else:
                panes = [pane_cls.for_sources([i], id=f"pane-{spec.id}-{n}") for n, i in enumerate(infos)]
                panes = panes or [pane_cls.for_sources([], id=f"pane-{spec.id}s")]
            columns.setdefault(spec.column, []).extend(panes)
        left, right = columns["left"], columns["right"]
        self.panes = left + right
        for pane in self.panes:
            pane.data_bind(SignalPanes.paused)
        for pane in self.panes:
            for key in pane.keys:
                self.by_key[key] = pane
        with Vertical(classes="pane-column", id="panes-left"):
            yield from left
        with Vertical(classes="pane-column", id="panes-right"):
            yield from right

    def on_mount(self) -> None:
        self._join_poller()
        now = self.now()
        for pane in self.panes:
            pane.tick(now)  # "waiting for the first result" rows, never a blank box
        self.watch(self.screen, "maximized", self._maximized_changed, init=False)
        self.call_after_refresh(self.relayout)

    # --- feed --------------------------------------------------------------------------------

    def on_poller_source_updated(self, message: Poller.SourceUpdated) -> None:
        update = message.update
        pane = self.by_key.get(update.key)
        if pane is None:
            return
        pane.show(update, self.now())
        self.relayout()

    def on_poller_pause_changed(self, message: Poller.PauseChanged) -> None:
        self.paused = message.paused  # the panes are bound to it

    def _tick(self) -> None:
        if self.paused:
            return  # a paused screen holds still, ages included
        now = self.now()
        for pane in self.panes:
            pane.tick(now)
        self.relayout()

    def _incident_changed(self, state: Any) -> None:
        detected = detected_at(state)
        for pane in self.panes:
            if isinstance(pane, DeploysPane):
                pane.set_detected(detected, self.now())

    # --- layout ------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.relayout()

    def _maximized_changed(self, maximized: Widget | None) -> None:
        self._last_layout = ()
        self.relayout()

    def relayout(self) -> None:
        """Share the height between panes by what they have to show; cheap when nothing changed."""
        if not self.is_mounted or not self.panes:
            return
        width, height = self.size.width, self.size.height
        side_by_side = width >= SIDE_BY_SIDE_WIDTH
        maximized = self.screen.maximized if self.is_attached else None
        wants = tuple(p.wanted_rows() + BORDER for p in self.panes)
        mosts = tuple(p.most_rows() + BORDER for p in self.panes)
        key = (width, height, side_by_side, wants, mosts, maximized)
        if key == self._last_layout or height <= 0:
            return
        self._last_layout = key
        self.set_class(not side_by_side, "-stacked")
        mins = [min(p.min_rows() + BORDER, w) for p, w in zip(self.panes, wants)]
        columns = [self.query_one("#panes-left").children, self.query_one("#panes-right").children]
        groups = columns if side_by_side else [[p for col in columns for p in col]]
        for group in groups:
            idx = [self.panes.index(p) for p in group]  # type: ignore[arg-type]
            first = [self.panes[i].WHOLE for i in idx]
            heights = share_heights(height, [wants[i] for i in idx], [mins[i] for i in idx], first)
            heights = grow_heights(height, heights, [mosts[i] for i in idx])
            for i, h in zip(idx, heights):
                pane = self.panes[i]
                target: Any = "1fr" if pane is maximized else h
                if pane.styles.height is None or str(pane.styles.height) != str(target):
                    pane.styles.height = target

    # --- names, zoom and /pin ----------------------------------------------------------------

    def pane_names(self) -> list[str]:
        """What `/pin` accepts: every configured source's name."""
        return [info.name for info in self.infos.values()]

    def resolve(self, name: str) -> list[SourceInfo]:
        """Sources a `/pin` argument names: a key (`log:api`) or a name (`api`: every match)."""
        wanted = name.strip().lower()
        by_key = [i for k, i in self.infos.items() if k.lower() == wanted]
        return by_key or [i for i in self.infos.values() if i.name.lower() == wanted]

    async def pin(self, name: str) -> list[Any]:
        """Record what the named pane shows now as evidence (`/pin NAME`); answers with
        `SignalPanes.CommandFeedback`."""
        from warroom.domain.evidence import evidence_from_output
        from warroom.redact import redact_text

        app = self.app
        store = getattr(app, "store", None)
        incident_id = getattr(app, "incident_id", None)
        targets = self.resolve(name)
        if not targets:
            return self._feedback(f"no pane named {name} (panes: {', '.join(self.pane_names()) or 'none'})", True)
        if store is None or incident_id is None:
            return self._feedback("no incident store open: nothing can be pinned", True)
        recorded, now = [], self.now()
        for info in targets:
            pane = self.by_key[info.key]
            update = pane.updates.get(info.key)
            if update is None:
                self._feedback(f"{info.name}: nothing to pin yet (no result so far)", True)
                continue
            snap = update.snapshot
            run = snap if isinstance(snap, CommandOutput) else None
            # One path for every pane: the pane's own text (the snapshot's `as_text` plus what
            # only the pane knows, e.g. a probe's flap-damped UP/DOWN), the command and exit code
            # from the snapshot when it has them.
            ev = evidence_from_output(
                info.name,
                run.command_line if run is not None else "",
                run.exit_code if run is not None else None,
                snap.taken_at,
                pane.pin_text(info.key),
                source_kind=info.kind,
                error=run.error if run is not None else None,
                pinned_at=now,
            )
            payload = {"text": redact_text(ev.text), **dict(ev.payload)}
            payload["output"] = redact_text(str(payload.get("output", "")))
            try:
                event = await store.append(
                    incident_id, ev.kind, payload, actor=str(getattr(app, "actor", "warroom")), at=ev.at
                )
            except Exception as exc:  # a locked database: say so, keep the screen
                self._feedback(f"could not pin {info.name}: {exc}", True)
                continue
            recorded.append(event)
            self._feedback(f"pinned {info.kind} {info.name} to the timeline")
        poke = getattr(getattr(app, "follower", None), "poke", None)
        if recorded and callable(poke):
            poke()
        return recorded

    def _feedback(self, text: str, error: bool = False) -> list[Any]:
        self.post_message(self.CommandFeedback(text, error=error))
        return []


class SourceSummary(PollerFed):
    """One line per configured source, for terminals too small for the panes (80x24)."""

    DEFAULT_CSS = """
    SourceSummary { height: auto; padding: 0 1; }
    """

    def __init__(self, config: Config | None = None, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.infos: list[SourceInfo] = []
        self.updates: dict[str, SourceUpdate] = {}
        self.detected_at: datetime | None = None

    def compose(self) -> ComposeResult:
        self.infos = configured_sources(self.config)
        yield RowList(classes="summary-rows")

    def on_mount(self) -> None:
        self._join_poller()
        self.redraw()

    @property
    def trackers(self) -> dict[str, ProbeTracker]:
        """Each probe's flap-damping tracker: the recorder's, which the scheduler runs (live)."""
        return self.poller.probe_trackers() if self.poller is not None else {}

    @property
    def texts(self) -> list[str]:
        return self.query_one(RowList).texts

    def on_poller_source_updated(self, message: Poller.SourceUpdated) -> None:
        self.updates[message.update.key] = message.update
        self.redraw()

    def on_poller_pause_changed(self, message: Poller.PauseChanged) -> None:
        self.paused = message.paused
        self.redraw()

    def _incident_changed(self, state: Any) -> None:
        self.detected_at = detected_at(state)

    def _tick(self) -> None:
        if not self.paused:
            self.redraw()

    def on_show(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        if not self.is_mounted or hidden(self):
            return  # shown only below 100 columns: catch up on Show
        now = self.now()
        rows: list[Content] = []
        names: list[str] = []
        grouped: set[str] = set()
        for info in self.infos:
            kind = registry.kind_of(info.kind)
            if kind is not None and kind.summary_all:  # one line for all of the kind's sources
                if info.kind not in grouped:
                    grouped.add(info.kind)
                    mine = [i for i in self.infos if i.kind == info.kind]
                    write = registry.imported(kind.summary_all)
                    rows.append(write(mine, self.updates, now, detected_at=self.detected_at))
                    names.append(", ".join(i.name for i in mine))
                continue
            rows.append(summary_row(info, self.updates.get(info.key), now, detected_at=self.detected_at))
            names.append(info.name)
        budget = MAX_SUMMARY_ROWS - (1 if self.paused else 0)
        rows = fold_healthy_rows(rows, names, budget)
        if self.paused:
            rows.append(Content("⏸ PAUSED · p resumes"))
        self.query_one(RowList).set_rows(rows)
