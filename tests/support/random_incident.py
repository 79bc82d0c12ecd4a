"""Random incident records for comparing a fast replay with its straightforward reference.

Every kind the coach reads is drawn (severity and status changes, IC changes and handoffs, posts
to each audience, notes about fixes and causes, deploys, mitigations, commands, back-dated
milestones, postmortem entries, signals), at whole seconds so that many share an instant, and
sometimes with ids out of time order (as when two processes append at once).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tests.support.event_samples import SAMPLES
from warroom.domain import catalogue as c
from warroom.domain.deploy_rules import Deploy, deploy_event
from warroom.domain.events import Event, Kind
from warroom.domain.roles import COMMS, IC, SCRIBE, TECH

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
PEOPLE = ("alice", "bob", "carol")
NOTES = (
    "p95 at 4 s on api",
    "pushing a hotfix for the pool",
    "root cause is the pool change",
    "root cause later, in the postmortem",
    "500s because the pool is exhausted",
    "don't push a fix, roll back",
    "paging bob because he owns the db",
)
SIGNALS = (Kind.PROBE_DOWN, Kind.PROBE_UP, Kind.LOG_SPIKE, Kind.RESOURCE, Kind.NOTIFY_SENT, Kind.EVIDENCE)


def _sample(kind: str) -> dict:
    return dict(SAMPLES[kind][1])


def random_incident(seed: int, count: int = 150, minutes: int = 150) -> list[Event]:
    """One incident's record: a declaration, then `count` entries over `minutes` minutes."""
    rnd = random.Random(seed)
    sev = rnd.choice((1, 1, 2, 2, 3))
    rows: list[tuple[datetime, str, str, dict]] = [(T0, Kind.DECLARED, "alice", c.declared("Checkout 500s", sev))]
    # A coarse clock makes entries share instants; a fine one spreads them out.
    step = rnd.choice((1, 30, 60))
    # Some rooms are one person holding every role (the SEV-1 "heroic solo" the coach warns of).
    holders = PEOPLE[:1] if rnd.random() < 0.25 else PEOPLE
    for _ in range(count):
        at = T0 + timedelta(seconds=step * rnd.randrange(0, minutes * 60 // step))
        who = rnd.choice(PEOPLE)
        roll = rnd.random()
        if roll < 0.25:
            kind = rnd.choice(SIGNALS)
            rows.append((at, kind, "warroom", _sample(kind)))
        elif roll < 0.40:
            rows.append((at, Kind.NOTE, who, c.note(rnd.choice(NOTES))))
        elif roll < 0.47:
            before, sev = sev, rnd.choice((1, 2, 2, 3, 4))
            rows.append((at, Kind.SEVERITY, who, c.severity_changed(before, sev, "")))
        elif roll < 0.57:
            role = rnd.choice((IC, IC, TECH, COMMS, SCRIBE))
            rows.append((at, Kind.ROLE_ASSIGNED, who, c.role_assigned(role, rnd.choice(holders))))
        elif roll < 0.61:
            rows.append((at, Kind.ROLE_RELEASED, who, c.role_released(rnd.choice((IC, TECH)))))
        elif roll < 0.64:
            a, b = rnd.sample(PEOPLE, 2)
            kind = rnd.choice((Kind.HANDOFF_PROPOSED, Kind.HANDOFF_ACCEPTED))
            payload = c.handoff_proposed(a, b) if kind == Kind.HANDOFF_PROPOSED else c.handoff_accepted(a, b)
            rows.append((at, kind, who, payload))
        elif roll < 0.74:
            audience = rnd.choice(("internal", "internal", "external"))
            rows.append((at, Kind.COMMS_POSTED, who, c.comms_posted(audience, "update")))
        elif roll < 0.77:
            rows.append((at, Kind.MITIGATED, who, c.mitigation_applied(rnd.choice(("flag off", "rolled back")))))
        elif roll < 0.80:
            kind_name = rnd.choice(("rollback", "flag", "restart"))
            payload = c.mitigation_run(
                kind=kind_name, name=kind_name, argv=["./m.sh"], exit_code=rnd.choice((0, 1)), duration_s=1.0, output=""
            )
            rows.append((at, Kind.MITIGATION, who, payload))
        elif roll < 0.83:
            argv = rnd.choice((["kubectl", "rollout", "undo", "api"], ["kubectl", "get", "pods"]))
            rows.append((at, Kind.COMMAND_RUN, who, c.command_run(argv=argv, exit_code=0, duration_s=1.0, output="")))
        elif roll < 0.87:
            deployed = at - timedelta(minutes=rnd.randrange(0, 60))
            short = f"{rnd.randrange(16**7):07x}"
            deploy = Deploy(rnd.choice(("api", "web")), short + "abc", short, deployed, subject="bump")
            event = deploy_event(deploy, at)
            rows.append((at, Kind.DEPLOY, "warroom", dict(event.payload) | {"text": event.text}))
        elif roll < 0.90:
            kind = rnd.choice((Kind.RESOLVED, Kind.REOPENED, Kind.STATUS))
            payload = {
                Kind.RESOLVED: c.resolved("errors normal"),
                Kind.REOPENED: c.reopened("back"),
                Kind.STATUS: c.status_changed("Investigating", rnd.choice(("Identified", "Resolved")), ""),
            }[kind]
            rows.append((at, kind, who, payload))
        elif roll < 0.93:
            name = rnd.choice(("detected", "mitigated", "acknowledged"))
            back = at - timedelta(minutes=rnd.randrange(0, 20))
            rows.append((at, Kind.MILESTONE, who, c.milestone_set(name, back, "")))
        elif roll < 0.95:
            rows.append((at, Kind.ACKNOWLEDGED, who, c.acknowledged()))
        elif roll < 0.97:
            kind = rnd.choice((Kind.POSTMORTEM_SECTION, Kind.ACTION_ADDED))
            rows.append((at, kind, who, _sample(kind)))
        else:
            rows.append((at, Kind.METRICS_RECOVERED, "warroom", _sample(Kind.METRICS_RECOVERED)))
    rows.sort(key=lambda r: r[0])
    ids = list(range(1, len(rows) + 1))
    if rnd.random() < 0.3:  # a few neighbours appended out of time order
        for _ in range(len(ids) // 10):
            i = rnd.randrange(1, len(ids) - 1)
            ids[i], ids[i + 1] = ids[i + 1], ids[i]
    return [Event(7, at, kind, who, payload, id=i) for i, (at, kind, who, payload) in zip(ids, rows, strict=True)]


def dismissal(at: datetime, rule: str, key: str, event_id: int) -> Event:
    """A `coach.dismissed` entry for one situation."""
    return Event(7, at, Kind.COACH_DISMISSED, "carol", c.coach_dismissed(rule, key, "dismissed"), id=event_id)
