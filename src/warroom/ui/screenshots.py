"""Make the README's screenshots from fixed data: `python -m warroom.ui.screenshots OUTDIR`.

Writes `warroom-<theme>-120x40.svg` for every theme, `warroom-dark-80x24.svg` and
`warroom-dark-200x60.svg` (and a README.md listing them): the war room
on a fixed incident (a timeline, roles with one vacant) with every signal pane showing data, at a
frozen clock, so the same code always draws the same pictures (never edit them by hand).

The signals are the real pane widgets fed through the real poller by `FrozenSource`s: each
replays fixed snapshots built with the sources' own snapshot types (`frozen_sources`), so the
pictures are what a user sees, minus the live machine (latencies, CPU and git hashes would
differ on every run). Tests use the same fixture (`build_fixture`, `fixture_app(signals=True)`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from warroom.config.metric import MetricConfig
from warroom.config.model import (
    CommandConfig,
    Config,
    DeploysConfig,
    LogConfig,
    ProbeConfig,
    ResourcesConfig,
    Secret,
    StatusPageConfig,
    TeamConfig,
)
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

DEFAULT = "warroom-dark"

#: When the fixture incident was declared, and the frozen "now" it is shown at.
DECLARED_AT = datetime(2025, 3, 4, 14, 2, 0, tzinfo=UTC)
FROZEN_NOW = DECLARED_AT + timedelta(minutes=19, seconds=30)

FIXTURE_CONFIG = Config(
    team=TeamConfig(
        name="payments",
        roster=("alice", "bob", "carol", "dave"),
        extra_roles=("Customer Liaison",),
    )
)

#: The fixture with a source of every kind (their data comes from `frozen_sources`, never a network).
SIGNALS_CONFIG = Config(
    team=FIXTURE_CONFIG.team,
    probes=(
        ProbeConfig("checkout-api", Secret("https://checkout.internal/healthz")),
        ProbeConfig("checkout-eu", Secret("https://eu.checkout.internal/healthz")),
        ProbeConfig("login", Secret("https://login.internal/healthz")),
    ),
    statuspages=(
        StatusPageConfig("payments-provider", Secret("https://status.payprovider.example/api/v2/summary.json")),
    ),
    logs=(LogConfig("api", path="/var/log/payments/api.log"),),
    deploys=(DeploysConfig("payments", "git", repo="/srv/repos/payments"),),
    resources=ResourcesConfig(),
    commands=(
        CommandConfig(
            "db connections", ("psql", "-c", "select state, count(*) from pg_stat_activity group by 1 order by 2 desc")
        ),
    ),
    sections=(
        (
            "metric",
            (
                MetricConfig(
                    "checkout 5xx",
                    Secret("http://prometheus.internal:9090"),
                    'sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m]))'
                    ' / sum(rate(http_requests_total{job="checkout"}[5m]))',
                    warn=0.01,
                    crit=0.05,
                    unit="ratio",
                ),
            ),
        ),
    ),
)


def frozen_clock() -> datetime:
    return FROZEN_NOW


def build_fixture(db_path: Path) -> int:
    """Write the fixed incident (a SEV-2 raised to SEV-1, rolled back, monitoring); its id."""
    store = EventStore.open(db_path)
    try:
        t = DECLARED_AT
        declared = store.declare(
            "Checkout API returning 500s for EU customers",
            2,
            actor="alice",
            impact="EU customers cannot complete checkout (about 30% of orders)",
            detected_by="alert: checkout-5xx-rate",
            started_at=t - timedelta(minutes=10),
            at=t,
        )
        inc = declared.incident_id

        def add(minutes: float, kind: str, payload: dict[str, Any], actor: str) -> None:
            store.append(inc, kind, payload, actor=actor, at=t + timedelta(minutes=minutes))

        add(0.5, Kind.ROLE_ASSIGNED, {"role": "Incident Commander", "person": "alice"}, "alice")
        add(0.8, Kind.NOTE, {"text": "paging payments on-call; bob joining as tech lead"}, "alice")
        add(1.2, Kind.ACKNOWLEDGED, {}, "alice")
        add(1.7, Kind.PROBE_DOWN, {"text": "probe checkout-api DOWN: 503 in 0.12s"}, "warroom")
        add(2.1, Kind.ROLE_ASSIGNED, {"role": "Tech Lead", "person": "bob"}, "alice")
        add(2.7, Kind.NOTE, {"text": "support: 41 tickets in 10 min, all EU card payments"}, "dave")
        add(3.2, Kind.NOTE, {"text": "5xx rate 38% on eu-west-1 since 13:52, right after deploy 4f2a91c"}, "bob")
        add(
            4.0,
            Kind.DEPLOY,
            {"text": "deploy 4f2a91c payments: raise connection pool to 400 (carol, 13:49)"},
            "warroom",
        )
        add(4.6, Kind.NOTE, {"text": "db: 400/400 connections in use, pool waits up to 2s"}, "bob")
        add(5.5, Kind.SEVERITY, {"from": 2, "to": 1, "reason": "most EU checkouts failing"}, "alice")
        add(6.0, Kind.COMMS_POSTED, {"audience": "internal", "text": "SEV-1 declared: checkout 500s for EU"}, "alice")
        add(6.4, Kind.ROLE_ASSIGNED, {"role": "Scribe", "person": "dave"}, "alice")
        add(6.9, Kind.ROLE_ASSIGNED, {"role": "Customer Liaison", "person": "carol"}, "alice")
        add(
            7.7,
            Kind.NOTE,
            {"text": "rolling back 4f2a91c: kubectl rollout undo deploy/payments --to-revision=41"},
            "bob",
        )
        add(
            8.3,
            Kind.COMMS_POSTED,
            {"audience": "external", "text": "We are investigating failed card payments for customers in Europe."},
            "alice",
        )
        add(9.6, Kind.NOTE, {"text": "rollout undo complete: 12/12 pods on revision 41"}, "bob")
        add(10.3, Kind.MITIGATED, {"text": "rolled back deploy/payments to revision 41"}, "bob")
        add(11.0, Kind.PROBE_UP, {"text": "probe checkout-api UP after 9m"}, "warroom")
        add(11.8, Kind.NOTE, {"text": "support macro updated: customers pointed at the status page"}, "carol")
        add(12.5, Kind.STATUS, {"from": "Investigating", "to": "Monitoring", "text": "5xx back to 0.4%"}, "alice")
        add(13.2, Kind.NOTE, {"text": "pool back to 200 connections; p99 checkout 380 ms"}, "bob")
        add(14.0, Kind.NOTE, {"text": "watching error budget for 15 minutes before resolving"}, "alice")
        add(16.5, Kind.NOTE, {"text": "EU card payment success rate 99.2%, normal for a Tuesday"}, "dave")
        return inc
    finally:
        store.close()


class FrozenSource:
    """A source that replays fixed snapshots, one per poll, then keeps giving the last one.

    It waits for `release()` (called by `settle` once the panes listen), so every pane sees
    the whole history (sparklines) however late it was mounted.
    """

    def __init__(self, key: str, kind: str, name: str, snapshots: Sequence[Any]) -> None:
        self.key, self.kind, self.name = key, kind, name
        #: The config entry the rules read (thresholds), set from SIGNALS_CONFIG by `frozen_sources`.
        self.config: Any = None
        self.interval = 0.0  # as fast as the poller goes: a history plays in a fraction of a second
        self._snapshots = list(snapshots)
        self._next = 0
        self._released = asyncio.Event()

    def release(self) -> None:
        self._released.set()

    @property
    def played(self) -> bool:
        return self._next >= len(self._snapshots)

    @property
    def last(self) -> Any:
        return self._snapshots[-1]

    async def collect(self, now: datetime) -> Any:
        await self._released.wait()
        snapshot = self._snapshots[min(self._next, len(self._snapshots) - 1)]
        self._next += 1
        if self.played:
            self.interval = 3600.0  # nothing new to tell: stop the 20 Hz replay
        return snapshot

    def samples(self, snapshot: Any) -> list[Any]:
        """A replay hands out no samples (nothing is recorded from it)."""
        return []

    async def aclose(self) -> None:
        return None


def frozen_sources(now: datetime) -> list[FrozenSource]:
    """Snapshots of every kind for the fixture incident, as seen at `now` (14:21:30 UTC): the
    checkout probes recovered after the rollback, the error burst in the api log dying down, the
    suspect deploy 3 minutes before detection, a busy database."""
    from warroom.domain.deploy_rules import Deploy
    from warroom.domain.log_rules import LogGroup
    from warroom.sources.commands import CommandOutput
    from warroom.sources.deploys import DeployList
    from warroom.sources.logs import LogCounts
    from warroom.sources.probes import ProbeResult
    from warroom.sources.registry import COMMAND, DEPLOYS, LOG, PROBE, RESOURCES, STATUSPAGE, configured_sources
    from warroom.sources.resources import CoreLoad, DiskUsage, MemoryUsage, ProcessUsage, ResourceSnapshot, SwapUsage
    from warroom.sources.statuspage import ComponentStatus, StatusIncident, StatusPageResult

    def ago(seconds: float) -> datetime:
        return now - timedelta(seconds=seconds)

    def probes(name: str, url: str, latencies: list[float], failing: int = 0) -> FrozenSource:
        """A probe's history, oldest first, 10 s apart; `failing` 503s in the middle."""
        snaps, n = [], len(latencies)
        first_bad = (n - failing) // 2
        for i, elapsed in enumerate(latencies):
            bad = first_bad <= i < first_bad + failing
            snaps.append(
                ProbeResult(
                    name=name,
                    url=url,
                    method="GET",
                    taken_at=ago(4 + 10 * (n - 1 - i)),
                    ok=not bad,
                    status_code=503 if bad else 200,
                    elapsed=elapsed,
                    failure="unexpected status" if bad else None,
                    error="503 (expected 200-399)" if bad else None,
                    expected="200-399",
                )
            )
        return FrozenSource(f"{PROBE}:{name}", PROBE, name, snaps)

    def commit(sha: str, minutes_ago: float, author: str, subject: str) -> Deploy:
        argv = ("git", "revert", "--no-edit", sha)
        return Deploy(
            "payments",
            sha,
            sha[:7],
            ago(60 * minutes_ago),
            subject,
            author,
            "main",
            rollback_argv=argv,
            rollback_command=" ".join(argv),
        )

    def log_line(seconds_ago: float, text: str) -> str:
        return f"{ago(seconds_ago):%Y-%m-%dT%H:%M:%S.%f}"[:-3] + f"Z {text}"

    groups = (  # count, seconds ago of the newest example, the line after its timestamp
        (1204, 576.786, "ERROR [db] connection pool exhausted: 400/400 in use, waited 2000ms req_id=7f3a91"),
        (842, 571.214, "ERROR [checkout] payment authorization failed: upstream 503 from payments-eu order=58121"),
        (611, 575.902, "ERROR [http] POST /v2/checkout 500 in 2113ms region=eu-west-1 req_id=7f3a92"),
        (37, 126.45, "ERROR [db] slow query 1840ms: UPDATE payments SET state = $1 WHERE id = $2"),
        (21, 588.102, "ERROR [grpc] ledger.Record deadline exceeded after 1500ms peer=ledger-2"),
        (14, 601.377, "WARN [pool] connection reaped after 30s idle in transaction pid=48213"),
        (12, 663.031, "FATAL [worker] panic: send on closed channel (goroutine 1423)"),
    )
    top = tuple(
        LogGroup(text.split(" ", 2)[2][:40], count, log_line(secs, text), ago(secs)) for count, secs, text in groups
    )
    cpu = [22.0, 24.0, 31.0, 78.0, 91.0, 94.0, 88.0, 52.0, 38.0, 35.0, 33.0, 36.0]
    gib = 1024**3
    resources = [
        ResourceSnapshot(
            taken_at=ago(2 * (len(cpu) - 1 - i)),
            host="pay-eu-1",
            cpu_percent=pct,
            cpu_count=8,
            busiest_cores=(CoreLoad(3, min(100.0, pct * 1.4)), CoreLoad(5, pct * 1.1)),
            load=(3.12, 5.87, 4.02),
            memory=MemoryUsage(32 * gib, 19 * gib, 2 * gib, gib // 2, 11 * gib, 12 * gib, 62.5),
            swap=SwapUsage(4 * gib, 0, 4 * gib),
            disks=(
                DiskUsage("/", 200 * gib, 142 * gib, 58 * gib, 71.0, "/dev/nvme0n1p1", "/"),
                DiskUsage(
                    "/var/lib/postgresql", 500 * gib, 431 * gib, 69 * gib, 86.2, "/dev/nvme1n1", "/var/lib/postgresql"
                ),
            ),
            tcp_states=(("ESTAB", 412), ("TIME-WAIT", 188), ("LISTEN", 9), ("CLOSE-WAIT", 3)),
            top_cpu=(
                ProcessUsage(2210, "payments-api", 142.0, 3 * gib),
                ProcessUsage(1804, "postgres", 61.0, 6 * gib),
                ProcessUsage(990, "envoy", 12.0, 300 * 1024**2),
            ),
            top_memory=(
                ProcessUsage(1804, "postgres", 61.0, 6 * gib),
                ProcessUsage(2210, "payments-api", 142.0, 3 * gib),
                ProcessUsage(990, "envoy", 12.0, 300 * 1024**2),
            ),
        )
        for i, pct in enumerate(cpu)
    ]
    sql = "select state, count(*) from pg_stat_activity group by 1 order by 2 desc"
    sessions = (
        "        state        | count\n---------------------+-------\n idle                |   112\n"
        " active              |    38\n idle in transaction |     4\n(3 rows)\n"
    )
    out = [
        probes(
            "checkout-api",
            "https://checkout.internal/healthz",
            [0.14, 0.15, 0.13, 2.91, 3.12, 3.40, 2.84, 0.41, 0.16, 0.14, 0.13, 0.12],
            failing=4,
        ),
        probes(
            "checkout-eu",
            "https://eu.checkout.internal/healthz",
            [0.19, 0.21, 0.18, 1.92, 2.40, 2.05, 0.88, 0.31, 0.22, 0.20, 0.19, 0.19],
        ),
        probes("login", "https://login.internal/healthz", [0.05, 0.04, 0.05, 0.06, 0.05, 0.04, 0.05, 0.05]),
        FrozenSource(
            f"{STATUSPAGE}:payments-provider",
            STATUSPAGE,
            "payments-provider",
            [
                StatusPageResult(
                    "payments-provider",
                    "https://status.payprovider.example/api/v2/summary.json",
                    ago(25),
                    "minor",
                    "Partially Degraded Service",
                    (ComponentStatus("Card payments EU", "degraded_performance"),),
                    (StatusIncident("Elevated card authorization latency in Europe", "monitoring", "minor"),),
                    "PayProvider",
                    True,
                    200,
                    0.21,
                )
            ],
        ),
        FrozenSource(
            f"{LOG}:api",
            LOG,
            "api",
            [
                LogCounts(
                    "api",
                    ago(1),
                    None,
                    (3, 2, 4, 212, 240, 251, 236, 198, 75, 12, 6, 4, 3, 2, 1),
                    2706,
                    top,
                    ("/var/log/payments/api.log",),
                    False,
                    "following /var/log/payments/api.log",
                    "/var/log/payments/api.log",
                    "error|panic|fatal",
                    15,
                )
            ],
        ),
        FrozenSource(
            f"{DEPLOYS}:payments",
            DEPLOYS,
            "payments",
            [
                DeployList(
                    "payments",
                    "git",
                    ago(20),
                    (
                        commit(
                            "4f2a91c0d3b7e6a5f4c3b2a1908f7e6d5c4b3a29",
                            32.5,
                            "carol",
                            "payments: raise connection pool to 400",
                        ),
                        commit(
                            "7b9e2d41c8a3f5e6d7c8b9a0f1e2d3c4b5a69788",
                            60.2,
                            "dave",
                            "checkout: retry idempotent payment calls",
                        ),
                        commit(
                            "e1c0a77b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0a1c",
                            101.0,
                            "alice",
                            "eu-west-1: bump payments replicas to 12",
                        ),
                        commit(
                            "3d5f8aa9e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2",
                            143.0,
                            "bob",
                            "api: upgrade Go toolchain to 1.22.4",
                        ),
                        commit(
                            "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
                            171.5,
                            "carol",
                            "payments: idempotency keys on refunds (#476)",
                        ),
                        commit(
                            "c0ffee1234567890abcdef1234567890abcdef12",
                            205.0,
                            "erin",
                            "search: cache facet counts for 60s (#471)",
                        ),
                    ),
                    window=7200.0,
                )
            ],
        ),
        FrozenSource(RESOURCES, RESOURCES, RESOURCES, resources),
        _metric_source(now),
        FrozenSource(
            f"{COMMAND}:db connections",
            COMMAND,
            "db connections",
            [CommandOutput("db connections", f"psql -c '{sql}'", ago(6), 0, 0.08, sessions)],
        ),
    ]
    entries = {info.key: info.config for info in configured_sources(SIGNALS_CONFIG)}
    for source in out:
        source.config = entries.get(source.key)
    return out


def _metric_source(now: datetime) -> FrozenSource:
    """The checkout 5xx ratio over 30 minutes: quiet, the burst after the bad deploy, back down."""
    from warroom.sources.metric_snapshots import MetricResult, MetricSeries

    end = now.timestamp()
    shape = [0.003] * 26 + [0.02, 0.06, 0.09, 0.11, 0.12, 0.1, 0.08, 0.07, 0.05, 0.03, 0.012] + [0.005] * 23
    history = tuple((end - 30 * (len(shape) - 1 - i), value) for i, value in enumerate(shape))
    (cfg,) = SIGNALS_CONFIG.section("metric")
    result = MetricResult(
        cfg.name,
        cfg.url.redacted(),
        cfg.query,
        cfg.unit,
        now - timedelta(seconds=3),
        (MetricSeries("{}", 0.004, history),),
        "vector",
        warn=cfg.warn,
        crit=cfg.crit,
    )
    return FrozenSource(f"metric:{cfg.name}", "metric", cfg.name, [result])


def fixture_app(
    db_path: Path, theme: str | None = None, clock: Callable[[], datetime] = frozen_clock, signals: bool = False
) -> Any:
    """A WarRoomApp on the fixed incident (built if the database is new); `signals`: every
    pane fed with the frozen snapshots (else no sources are configured)."""
    from warroom.ui.app import WarRoomApp

    if not db_path.exists():
        build_fixture(db_path)
    if not signals:
        return WarRoomApp(db_path, FIXTURE_CONFIG, theme=theme, clock=clock, actor="carol")
    return WarRoomApp(
        db_path, SIGNALS_CONFIG, theme=theme, clock=clock, actor="carol", sources=frozen_sources(FROZEN_NOW)
    )


def _all_shown(app: Any) -> bool:
    """Every frozen source has played its last snapshot and the poller has published it."""
    sources = getattr(app, "fixed_sources", None)
    if not sources:
        return True
    from warroom.ui.poller import Poller

    poller = Poller.for_app(app)
    latest = [poller.latest(s.key) if poller is not None else None for s in sources]
    return all(s.played and u is not None and u.snapshot is s.last for s, u in zip(sources, latest))


async def settle(pilot: Any) -> None:
    """Wait (bounded) until the war room has loaded its incident, is following the store and
    every frozen source has been shown in full, then freeze the cursor."""
    from warroom.ui.screens.warroom import WarRoomScreen
    from warroom.ui.widgets.commandline import CommandInput

    app = pilot.app
    sources = getattr(app, "fixed_sources", None) or []
    for _ in range(250):
        panes = app.screen.query("SignalPanes")
        if not sources or (panes and panes.first().is_mounted):
            break
        await pilot.pause(0.02)
    for source in sources:
        source.release()
    for _ in range(250):
        screen = app.screen
        if isinstance(screen, WarRoomScreen) and screen.state is not None and screen.follower and _all_shown(app):
            break
        await pilot.pause(0.02)
    for command in app.screen.query(CommandInput):
        command.cursor_blink = False
    if getattr(app, "fixed_sources", None):
        await pilot.pause()  # the panes take the last updates off their queues
        await pilot.pause(0.2)  # and share out their heights
    await pilot.pause()


async def _shoot(db_path: Path, theme: str, size: tuple[int, int], out: Path) -> Path:
    app = fixture_app(db_path, theme, signals=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        svg = app.export_screenshot(title=f"warroom · {theme} · {size[0]}x{size[1]}")
    path = out / f"warroom-{theme.removeprefix('warroom-')}-{size[0]}x{size[1]}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


#: (theme, size) of every picture: each theme at 120x40, and the default theme small and large.
SHOTS = [(None, (120, 40)), (DEFAULT, (80, 24)), (DEFAULT, (200, 60))]

README = """# Screenshots

Made by `python -m warroom.ui.screenshots screenshots/` from fixed data (the fixture incident in
`src/warroom/ui/screenshots.py`, every pane fed frozen snapshots, a frozen clock); never edited
by hand. Regenerate them after a visible change and look at them before committing.

{files}
"""


async def make_screenshots(out: Path) -> list[Path]:
    from warroom.config.themes import theme_names

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="warroom-shots-") as tmp:
        db = Path(tmp) / "warroom.db"
        build_fixture(db)
        for theme, size in SHOTS:
            for name in theme_names() if theme is None else [theme]:
                written.append(await _shoot(db, name, size, out))
    lines = [
        f"- `{p.name}`: {p.stem.removeprefix('warroom-').rsplit('-', 1)[0]} theme at {p.stem.rsplit('-', 1)[1]}"
        for p in written
    ]
    (out / "README.md").write_text(README.format(files="\n".join(lines)), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warroom.ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder for the SVGs (e.g. screenshots/)")
    args = parser.parse_args(argv)
    for path in asyncio.run(make_screenshots(args.outdir)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
