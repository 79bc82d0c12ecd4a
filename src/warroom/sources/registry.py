"""The source registry: every kind of live signal declared once.

A `SourceKind` says where its configuration comes from (`configured`: the config entries of its
section), how to build a source from one entry (`build`), what it returns (`snapshot_type`),
which rule observes it (`observer`), which pane shows it and which function writes its line in
the small-terminal summary (dotted paths, imported by the screen only, so this package never
imports Textual), and how `warroom snapshot` prints it (`text`, `json`). The recorder, the
scheduler, the panes, the summary, `warroom snapshot` and `/pin` completion all read this table;
none of them spells a kind.

Nothing here imports httpx or psutil: a kind's source module is imported when a source is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warroom.sources import snapshots as snap
from warroom.sources.metric_snapshots import MetricResult

if TYPE_CHECKING:
    from warroom.config.model import Config
    from warroom.sources.base import Source
    from warroom.sources.observers import SignalObserver

PROBE = "probe"
STATUSPAGE = "statuspage"
LOG = "log"
DEPLOYS = "deploys"
RESOURCES = "resources"
COMMAND = "command"
METRIC = "metric"
INTAKE = "intake"


@dataclass(frozen=True)
class SourceInfo:
    """A configured source as panes and the summary know it before its first result."""

    key: str  # "probe:api", "log:api", "resources": the source's own key
    kind: str
    name: str
    interval: float
    config: Any = None


@dataclass(frozen=True)
class PaneSpec:
    """Where a kind is shown on the war room screen.

    `path` is `"module:Class"` of a `SourcePane`; `column` is `"left"` or `"right"`. With
    `per_source` each configured source gets its own pane (`#pane-<id>-<n>`, or one
    `#pane-<id>s` saying how to configure it when none is); otherwise one pane (`#pane-<id>`)
    shows every source of every kind naming the same `id` (probes and status pages share
    `health`).
    """

    path: str
    column: str
    id: str
    per_source: bool = False
    #: Shown only when the kind is configured (no "how to configure" pane taking rows otherwise).
    optional: bool = False


def imported(path: str) -> Any:
    """The object a `"package.module:Name"` path names."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _lazy(path: str) -> Callable[..., Any]:
    """A factory that imports `path` on first call (sources pull in httpx, psutil...)."""

    def make(*args: Any, **kwargs: Any) -> Any:
        return imported(path)(*args, **kwargs)

    make.__qualname__ = make.__name__ = f"lazy {path}"
    return make


def _as_text(snapshot: Any) -> str:
    return snapshot.as_text()


def _to_json(snapshot: Any) -> Any:
    return snapshot.to_json()


def _errored(snapshot: Any) -> bool:
    return bool(getattr(snapshot, "error", None))


@dataclass(frozen=True)
class SourceKind:
    """One kind of live signal, declared once (see the module docstring)."""

    kind: str  # "probe": the sources' `kind`, and their keys' prefix
    section: str  # the TOML array it is configured by: `[[probe]]`
    configured: Callable[[Config], Sequence[Any]]  # the config entries of this kind
    build: Callable[[Any], Source]  # one source from one entry
    snapshot_type: type
    pane: PaneSpec
    summary: str  # "module:function" writing the summary line: (info, update, now, *, detected_at)
    observer: Callable[[Any], SignalObserver] | None = None  # the rule, given the source
    singleton: bool = False  # one source at most, keyed and named by the kind (`resources`)
    #: Did the source fail (back off, show stale) rather than report bad news? A probe answering
    #: 503 is a result; only its `failure == "config"` is the source failing.
    failed: Callable[[Any], bool] = _errored
    text: Callable[[Any], str] = _as_text  # `warroom snapshot`
    #: "module:function" writing ONE summary line for every source of the kind, `(infos, updates,
    #: now, *, detected_at)`, instead of a line each (20 Prometheus queries are one line at 80x24).
    summary_all: str | None = None
    json: Callable[[Any], Any] = _to_json  # `warroom snapshot --json`

    def key_of(self, name: str) -> str:
        return self.kind if self.singleton else f"{self.kind}:{name}"

    def infos(self, config: Config) -> list[SourceInfo]:
        out = []
        for entry in self.configured(config):
            name = self.kind if self.singleton else entry.name
            out.append(SourceInfo(self.key_of(name), self.kind, name, float(entry.interval), entry))
        return out


_KINDS: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> SourceKind:
    """Add (or replace) a kind; order of registration is the order sources are listed in."""
    _KINDS[kind.kind] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that register a kind of their own clean up with this)."""
    _KINDS.pop(name, None)


def kinds() -> tuple[SourceKind, ...]:
    return tuple(_KINDS.values())


def kind_names() -> tuple[str, ...]:
    return tuple(_KINDS)


def kind_of(name: str) -> SourceKind | None:
    return _KINDS.get(name)


def configured_sources(config: Config) -> list[SourceInfo]:
    """Every configured source, in registry order then config order (keys match the sources')."""
    return [info for kind in _KINDS.values() for info in kind.infos(config)]


def source_names(config: Config) -> list[str]:
    """Every configured source's name, in the order the summary lists them (completion for /pin)."""
    return [info.name for info in configured_sources(config)]


def build_sources(config: Config, kinds: Collection[str] | None = None) -> list[Source]:
    """One source per configured entry of every kind, or of `kinds` only (a kind left out is not
    even imported: `snapshot --only log` does not load psutil). Whatever a source prints is
    redacted of every secret the config uses."""
    from warroom.redact import register_config_secrets

    register_config_secrets(config)
    chosen = [kind for name, kind in _KINDS.items() if kinds is None or name in kinds]
    return [kind.build(entry) for kind in chosen for entry in kind.configured(config)]


def observer_for(source: Any) -> SignalObserver:
    """The rule that watches `source` (a plain `SignalObserver` for kinds without one)."""
    from warroom.sources.observers import SignalObserver

    kind = _KINDS.get(str(getattr(source, "kind", "")))
    return kind.observer(source) if kind is not None and kind.observer is not None else SignalObserver()


def source_failed(kind: str, snapshot: Any) -> bool:
    """Did the *source* fail (back off, show stale), as opposed to reporting bad news?"""
    if isinstance(snapshot, snap.PollFailure):
        return True
    found = _KINDS.get(kind)
    return found.failed(snapshot) if found is not None else _errored(snapshot)


def _resources(config: Config) -> Sequence[Any]:
    res = config.resources
    return (res,) if res is not None and res.enabled else ()


def _probe_failed(snapshot: Any) -> bool:
    return _errored(snapshot) and getattr(snapshot, "failure", None) == "config"


def _never_failed(snapshot: Any) -> bool:
    """A log follower keeps counting while one file is unreadable, and counts by the minute of
    each poll, so its errors never slow it down."""
    return False


def _observer(name: str) -> Callable[[Any], SignalObserver]:
    return _lazy(f"warroom.sources.observers:{name}")


_HEALTH = PaneSpec("warroom.ui.widgets.probes:ProbesPane", "left", "health")
_SUMMARY = "warroom.ui.widgets.summary:"

for _kind in (
    SourceKind(
        PROBE,
        "probe",
        lambda c: c.probes,
        _lazy("warroom.sources.probes:ProbeSource"),
        snap.ProbeResult,
        _HEALTH,
        _SUMMARY + "probe_row",
        _observer("ProbeObserver"),
        failed=_probe_failed,
    ),
    SourceKind(
        STATUSPAGE,
        "statuspage",
        lambda c: c.statuspages,
        _lazy("warroom.sources.statuspage:StatusPageSource"),
        snap.StatusPageResult,
        _HEALTH,
        _SUMMARY + "statuspage_row",
        _observer("StatusPageObserver"),
    ),
    SourceKind(
        METRIC,
        "metric",
        lambda c: c.section("metric"),
        _lazy("warroom.sources.prometheus:MetricSource"),
        MetricResult,
        PaneSpec("warroom.ui.widgets.metrics:MetricsPane", "right", "metrics", optional=True),
        "warroom.ui.widgets.metrics:metric_row",
        _lazy("warroom.sources.metric_observer:MetricObserver"),
        summary_all="warroom.ui.widgets.metrics:metrics_summary",
    ),
    SourceKind(
        LOG,
        "log",
        lambda c: c.logs,
        _lazy("warroom.sources.logs:LogSource"),
        snap.LogCounts,
        PaneSpec("warroom.ui.widgets.logs:LogPane", "right", "log", per_source=True),
        _SUMMARY + "log_row",
        _observer("LogObserver"),
        failed=_never_failed,
    ),
    SourceKind(
        DEPLOYS,
        "deploys",
        lambda c: c.deploys,
        _lazy("warroom.sources.deploys:DeploysSource"),
        snap.DeployList,
        PaneSpec("warroom.ui.widgets.deploys:DeploysPane", "left", "deploys"),
        _SUMMARY + "deploys_row",
        _observer("DeploysObserver"),
    ),
    SourceKind(
        RESOURCES,
        "resources",
        _resources,
        _lazy("warroom.sources.resources:ResourcesSource"),
        snap.ResourceSnapshot,
        PaneSpec("warroom.ui.widgets.resources:ResourcesPane", "left", "resources"),
        _SUMMARY + "resources_row",
        _observer("ResourcesObserver"),
        singleton=True,
    ),
    SourceKind(
        COMMAND,
        "command",
        lambda c: c.commands,
        _lazy("warroom.sources.commands:CommandSource"),
        snap.CommandOutput,
        PaneSpec("warroom.ui.widgets.commands:CommandPane", "right", "command", per_source=True),
        _SUMMARY + "command_row",
    ),
    SourceKind(
        INTAKE,
        "intake",
        lambda c: (c.intake,) if c.intake is not None else (),
        _lazy("warroom.sources.intake:IntakeSource"),
        snap.AlertsSnapshot,
        PaneSpec("warroom.ui.widgets.alerts:AlertsPane", "left", "alerts", optional=True),
        _SUMMARY + "alerts_row",
        singleton=True,
    ),
):
    register(_kind)


def iter_panes(config: Config) -> Iterator[tuple[PaneSpec, list[SourceInfo]]]:
    """Each pane the screen shows, with its sources: one per `id`, or one per source for
    `per_source` kinds (with no sources: one pane that says how to configure the kind)."""
    infos = configured_sources(config)
    shared: dict[str, tuple[PaneSpec, list[SourceInfo]]] = {}
    order: list[Any] = []
    for kind in _KINDS.values():
        mine = [i for i in infos if i.kind == kind.kind]
        spec = kind.pane
        if spec.optional and not mine:
            continue
        if spec.per_source:
            order.append((spec, mine))
        elif spec.id in shared:
            shared[spec.id][1].extend(mine)
        else:
            shared[spec.id] = (spec, mine)
            order.append(spec.id)
    for item in order:
        yield shared[item] if isinstance(item, str) else item
