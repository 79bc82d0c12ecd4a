"""One sample payload per catalogued event kind, each made by the kind's own builder.

The catalogue tests walk these: a kind added to the catalogue without a sample here fails them,
so every kind is worded, built and shown the same way on the screen and by `warroom show`.
Texts are short so each event's words fit on one timeline line at the widths the tests use.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from warroom.domain import catalogue as c
from warroom.domain.events import Kind

AT = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)

#: kind -> (actor, payload). The machine's kinds carry the line their rule wrote in "text".
SAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    Kind.DECLARED: ("alice", c.declared("Checkout 500s", 2, impact="EU carts")),
    Kind.SEVERITY: ("bob", c.severity_changed(2, 1, "all regions")),
    Kind.STATUS: ("bob", c.status_changed("Investigating", "Identified", "bad pool")),
    Kind.ROLE_ASSIGNED: ("alice", c.role_assigned("Tech Lead", "bob")),
    Kind.ROLE_RELEASED: ("alice", c.role_released("Scribe")),
    Kind.HANDOFF_PROPOSED: ("alice", c.handoff_proposed("alice", "bob")),
    Kind.HANDOFF_ACCEPTED: ("bob", c.handoff_accepted("alice", "bob")),
    Kind.NOTE: ("carol", c.note("p95 at 4 s on api")),
    Kind.ACKNOWLEDGED: ("alice", c.acknowledged()),
    Kind.MITIGATED: ("bob", c.mitigation_applied("rolled back a1b2c3d")),
    Kind.RESOLVED: ("alice", c.resolved("errors normal", public="all fine")),
    Kind.REOPENED: ("alice", c.reopened("errors are back")),
    Kind.MILESTONE: ("alice", c.milestone_set("started", AT, "LB log")),
    Kind.AMENDED: ("alice", c.amended("the deploy was b2c3")),
    Kind.FEATURE_SET: ("carol", c.feature_set("Checkout")),
    Kind.PUBLIC_SUMMARY: ("carol", c.public_summary("Payments work again")),
    Kind.COMMS_POSTED: ("carol", c.comms_posted("internal", "SEV-1 declared\nmore lines")),
    Kind.NOTIFY_SENT: (
        "carol",
        c.notify_sent("internal", "SEV-1 declared", {"target": "chat", "ok": True}) | {"text": "chat: posted (200)"},
    ),
    Kind.PROBE_DOWN: (
        "warroom",
        c.probe_down(
            probe="api",
            status_code=503,
            elapsed=0.2,
            failure="status",
            error=None,
            previous="up",
            failures=3,
            first_failure_at="2025-03-04T13:59:00.000000Z",
        )
        | {"text": "probe api DOWN: 503"},
    ),
    Kind.PROBE_UP: (
        "warroom",
        c.probe_up(
            probe="api", status_code=200, elapsed=0.1, down_seconds=300.0, down_since=None, first_success_at=None
        )
        | {"text": "probe api UP after 5m"},
    ),
    Kind.STATUSPAGE: (
        "warroom",
        c.statuspage_changed(
            page="stripe", indicator="minor", description="Degraded", components=[["API", "degraded"]], first=False
        )
        | {"text": "stripe: minor (Degraded)"},
    ),
    Kind.LOG_SPIKE: (
        "warroom",
        c.log_spike(log="app", count=50, baseline=2.0, factor=5.0, minute="2025-03-04T14:00Z")
        | {"text": "log app error spike: 50/min"},
    ),
    Kind.DEPLOY: (
        "warroom",
        c.deploy_seen({"source": "api", "ident": "a1b2c3d"}, seen_at=AT) | {"text": "deploy api a1b2c3d by dave"},
    ),
    Kind.METRIC_THRESHOLD: (
        "warroom",
        c.metric_threshold(
            metric="api 5xx",
            state="crit",
            previous="ok",
            value=0.07,
            threshold=0.05,
            unit="ratio",
            series="",
            at=AT,
        )
        | {"text": "metric api 5xx CRIT: 7% (>= 5%)"},
    ),
    Kind.METRICS_RECOVERED: (
        "warroom",
        c.metrics_recovered(
            probes=["api", "web", "db"],
            error_rate=0.2,
            baseline=0.3,
            since=AT,
            held_s=300.0,
            text="all 3 probes up for 5 min",
            after_event=7,
        ),
    ),
    Kind.RESOURCE: (
        "warroom",
        c.resource_threshold(metric="memory", state="high", value=93.0, threshold=90.0, host="web1", at=AT)
        | {"text": "memory at 93%"},
    ),
    Kind.EVIDENCE: (
        "bob",
        c.evidence_pinned(
            pane="slow queries",
            source_kind="command",
            command=["psql"],
            exit_code=0,
            error=None,
            at=AT,
            output="3 rows",
            lines_cut=0,
        )
        | {"text": 'pinned command "slow queries"'},
    ),
    Kind.COMMAND_RUN: (
        "bob",
        c.command_run(argv=["kubectl", "get", "pods"], exit_code=0, duration_s=1.2, output="api-1 Running"),
    ),
    Kind.MITIGATION: (
        "bob",
        c.mitigation_run(
            kind="flag",
            name="off",
            argv=["flagctl", "off"],
            exit_code=0,
            duration_s=1.2,
            output="flag off",
        ),
    ),
    Kind.SOURCE_ERROR: ("warroom", c.source_error("git not found", source="deploys")),
    Kind.CLOCK_STEPPED: (
        "warroom",
        c.clock_stepped(step_s=3600.0, before=AT, after=AT + timedelta(hours=1)),
    ),
    Kind.ALERT_FIRING: (
        "warroom",
        c.alert_firing(
            "alert firing: HighErrorRate job=api",
            alert="HighErrorRate",
            labels={"alertname": "HighErrorRate", "job": "api"},
            annotations={"summary": "5xx over 5 %"},
            fingerprint="1a30ba71cca2921f",
            starts_at=AT,
        ),
    ),
    Kind.ALERT_RESOLVED: (
        "warroom",
        c.alert_resolved(
            "alert resolved: HighErrorRate job=api",
            alert="HighErrorRate",
            labels={"alertname": "HighErrorRate", "job": "api"},
            annotations={},
            fingerprint="1a30ba71cca2921f",
            starts_at=AT,
            ends_at=AT,
        ),
    ),
    Kind.COACH_DISMISSED: ("alice", c.coach_dismissed("no-ic", "SEV-2", "SEV-2 with no IC")),
    Kind.RUNBOOK_CHECKED: (
        "bob",
        c.runbook_checked(runbook="High 5xx rate", file="high-5xx-rate.md", item="Flip the flag off", checked=True),
    ),
    Kind.POSTMORTEM_SECTION: ("alice", c.postmortem_section("root_cause", "pool too small")),
    Kind.POSTMORTEM_DONE: ("alice", c.postmortem_done()),
    Kind.ACTION_ADDED: ("alice", c.action_added("Pool alert", owner="bob", due="2025-03-11")),
    Kind.ACTION_EDITED: ("alice", c.action_edited(1, owner="carol")),
    Kind.ACTION_DONE: ("bob", c.action_done(1)),
}
