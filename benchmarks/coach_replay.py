"""The coach's replay over a long incident, as a ratio to folding the same record once.

    python benchmarks/coach_replay.py [--events 100000] [--show-events 20000]

A SEV-1 that ran eight hours: probes, log spikes and resource samples (the machine's signals),
notes every few seconds, recorded commands, deploys, updates posted, severity changes, IC
changes and handoffs, coach dismissals. In this process, best of three:
  fold     `incident.fold` over the record (the state every screen starts from)
  replay   `coach_replay.fired` (which warnings fired, at each moment and deadline)
Target: replay <= 3x fold (it used to cost the square of the record: ~20 minutes at 100,000).

Then `warroom show` (the installed command, a fresh process) on a database of `--show-events`
entries loaded through the store's bulk path (`import_incidents`), against the same command with
its Coach section's cost measured in-process: target, the Coach section adds < 1 s.
Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from verdict import Verdict, sized  # noqa: E402

from warroom.domain import catalogue as c  # noqa: E402
from warroom.domain.cadence import UpdateCadence  # noqa: E402
from warroom.domain.coach_replay import fired  # noqa: E402
from warroom.domain.deploy_rules import Deploy, deploy_event  # noqa: E402
from warroom.domain.events import Event, Kind  # noqa: E402
from warroom.domain.incident import fold  # noqa: E402
from warroom.domain.roles import COMMS, IC, TECH  # noqa: E402

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
HOURS = 8
PEOPLE = ("alice", "bob", "carol", "dave")
WORDS = ("error", "rate", "checkout", "db", "p99", "latency", "pool", "replica", "cache", "api")


def make_record(n: int, seed: int = 7) -> list[Event]:
    """One long SEV-1's record of `n` entries, in time order (ids follow time)."""
    rnd = random.Random(seed)
    span = HOURS * 3600
    rows: list[tuple[datetime, str, str, dict]] = [(T0, Kind.DECLARED, "alice", c.declared("checkout 500s", 1))]
    probe = c.probe_down(
        probe="api",
        status_code=503,
        elapsed=0.2,
        failure="status",
        error=None,
        previous="up",
        failures=3,
        first_failure_at="2026-12-04T09:00:00.000000Z",
    )
    spike = c.log_spike(log="api", count=420, baseline=12.0, factor=35.0, minute="09:00")
    sev = 1
    for i in range(n - 1):
        at = T0 + timedelta(seconds=span * (i + 1) / n)
        who = rnd.choice(PEOPLE)
        roll = rnd.random()
        if roll < 0.55:
            rows.append((at, Kind.PROBE_DOWN, "warroom", probe | {"text": "api down: HTTP 503"}))
        elif roll < 0.65:
            rows.append((at, Kind.LOG_SPIKE, "warroom", spike | {"text": "api: 420 errors/min"}))
        elif roll < 0.93:
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 12)))
            rows.append((at, Kind.NOTE, who, c.note(text)))
        elif roll < 0.96:
            argv = ["kubectl", "get", "pods", "-n", rnd.choice(WORDS)]
            rows.append((at, Kind.COMMAND_RUN, who, c.command_run(argv=argv, exit_code=0, duration_s=0.4, output="")))
        elif roll < 0.97:
            audience = rnd.choice(("internal", "internal", "external"))
            rows.append((at, Kind.COMMS_POSTED, who, c.comms_posted(audience, "update")))
        elif roll < 0.975:
            before, sev = sev, rnd.choice((1, 1, 2, 3))
            rows.append((at, Kind.SEVERITY, who, c.severity_changed(before, sev, "")))
        elif roll < 0.985:
            role = rnd.choice((IC, IC, TECH, COMMS))
            rows.append((at, Kind.ROLE_ASSIGNED, who, c.role_assigned(role, rnd.choice(PEOPLE))))
        elif roll < 0.99:
            a, b = rnd.sample(PEOPLE, 2)
            rows.append((at, Kind.HANDOFF_PROPOSED, a, c.handoff_proposed(a, b)))
        elif roll < 0.995:
            short = f"{rnd.randrange(16**7):07x}"
            deploy = Deploy("api", short + "abc", short, at - timedelta(minutes=3), subject="bump pool")
            event = deploy_event(deploy, at)
            rows.append((at, Kind.DEPLOY, "warroom", dict(event.payload) | {"text": event.text}))
        else:
            rows.append((at, Kind.COACH_DISMISSED, who, c.coach_dismissed("no-ic", "SEV-1", "dismissed")))
    return [Event(1, at, kind, who, payload, id=i + 1) for i, (at, kind, who, payload) in enumerate(rows)]


def best_of(times: int, work) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def show_seconds(db: Path) -> float:
    """Wall time of the installed `warroom show` on `db` (a fresh process, best of three)."""
    warroom = ROOT / ".venv" / "bin" / "warroom"
    command = [str(warroom)] if warroom.exists() else [sys.executable, "-m", "warroom"]
    env = os.environ | {"WARROOM_USER": "bench", "NO_COLOR": "1"}

    def run() -> None:
        done = subprocess.run([*command, "--db", str(db), "show", "1"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"warroom show failed: {done.stderr.strip()}")
        if "Coach" not in done.stdout:
            raise SystemExit("warroom show printed no Coach section")

    return best_of(3, run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=sized(100_000, 50_000))  # 20,000 was too few to be steady
    parser.add_argument("--show-events", type=int, default=sized(20_000, 5_000))
    args = parser.parse_args()
    verdict = Verdict("coach_replay")

    events = make_record(args.events)
    now = T0 + timedelta(hours=HOURS, minutes=1)
    moments = len({e.at for e in events if e.kind not in (Kind.PROBE_DOWN, Kind.LOG_SPIKE)})
    fold_s = best_of(3, lambda: fold(events))
    found: list = []
    replay_s = best_of(3, lambda: found.__setitem__(slice(None), fired(events, now, UpdateCadence())))
    ratio = replay_s / fold_s
    print(f"record   {len(events):,} events, {moments:,} moments, {len(found)} warnings fired")
    print(f"fold     {fold_s * 1000:8.1f} ms")
    met = verdict.check(
        "replay <= 3x fold",
        ratio <= 3,
        figure=f"{replay_s * 1000:.0f} ms",
        reference=f"fold {fold_s * 1000:.0f} ms",
        ratio=ratio,
    )
    print(f"replay   {replay_s * 1000:8.1f} ms   ratio {ratio:.2f}x   {met}")

    from warroom.commands.show import coach_lines
    from warroom.store.sync import EventStore

    small = make_record(args.show_events, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "show.db"
        store = EventStore.open(db)
        try:
            store.import_incidents([small])
            state = store.incident(1)
        finally:
            store.close()
        coach_s = best_of(3, lambda: coach_lines(state, now))
        total_s = show_seconds(db)
    print(f"show     {args.show_events:,} events: `warroom show` {total_s * 1000:.0f} ms in all, of which the Coach")
    met = verdict.check(
        "Coach section adds < 1 s to show",
        coach_s < 1.0,
        figure=f"{coach_s * 1000:.0f} ms",
        reference=f"`warroom show` {total_s * 1000:.0f} ms in all",
        ratio=coach_s / 1.0,
    )
    print(f"         section {coach_s * 1000:.0f} ms (without it: ~{(total_s - coach_s) * 1000:.0f} ms)   {met}")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
