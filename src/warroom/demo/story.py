"""The demo incident: who does what, when, and in which words.

The story, about 10 minutes at speed 1 (600 script seconds):
- Before the run: deploys over the last two hours (the checkout SDK upgrade 8 minutes ago), the
  payments provider degraded, a synthetic probe alerting, and alice declaring SEV-2 as IC.
- Detect (0-100 s): dave ships a retry "hotfix" (fix-forward); /health turns 503 and slow, the log
  fills with pool-exhausted errors and panics; the real probes, log follower and deploy watcher
  record it.
- Triage (100-190 s): roles filled, raised to SEV-1 ("pick higher when in doubt"), errors read.
- Mitigate (215-255 s): the provider recovered but we are still down, so it is ours: rollback with a
  real `git revert --no-edit`, recorded as the mitigation.
- Communicate (165-530 s): internal and external updates in the playbook's words (drafts from warroom's own renderer where it has one).
- Resolve (300-510 s): recovery seen by the probes, SEV-2, Monitoring, metrics confirmed, then resolved.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from warroom.demo.gitrepo import PastDeploy
from warroom.demo.scenario import DemoContext, Step
from warroom.demo.state import Phase
from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.roles import COMMS, IC, SCRIBE, TECH

SCRIPT_SECONDS = 600.0
TITLE = "Checkout slow and failing for some customers"
IMPACT = "Card payments at checkout take over 2 s; some customers see errors"
SUMMARY = "Checkout and card payments failing for customers"
EXTERNAL_IMPACT = "Customers cannot reliably complete card payments at checkout."
IC_NAME, TECH_NAME, COMMS_NAME, DEPLOYER, SCRIBE_NAME = "alice", "bob", "carol", "dave", "erin"

HISTORY = [
    PastDeploy(112, "erin", "search: cache facet counts for 60s (#471)", "search/cache.yaml", "facets_ttl: 60s\n"),
    PastDeploy(86, "bob", "api: bump Go toolchain to 1.22.4 (#473)", "api/toolchain", "go 1.22.4\n"),
    PastDeploy(
        58, "carol", "payments: idempotency keys on refunds (#476)", "payments/refunds.yaml", "idempotency: required\n"
    ),
    PastDeploy(33, "erin", "search: raise query timeout to 800ms (#478)", "search/timeouts.yaml", "query: 800ms\n"),
    PastDeploy(
        8,
        "dave",
        "checkout: upgrade payments SDK to 4.2.0 (#479)",
        "checkout/retry.yaml",
        "sdk: 4.2.0\nattempts: 1\nbackoff: exponential\n",
    ),
]
HOTFIX_SUBJECT = "checkout: hotfix - retry provider timeouts 5x"
HOTFIX_FILES = {"checkout/retry.yaml": "sdk: 4.2.0\nattempts: 5\nbackoff: none\n"}


def hhmm(at: datetime) -> str:
    return at.strftime("%H:%M")


def seed_incident(store: Any, now: datetime, channel_prefix: str = "#incident-") -> int:
    """Declare the demo incident with its first few minutes already on the timeline; its id."""
    started = now - timedelta(minutes=6)
    detected = now - timedelta(minutes=4)
    declared = now - timedelta(minutes=3)
    ev = store.declare(
        TITLE,
        2,
        actor=IC_NAME,
        impact=IMPACT,
        detected_by="synthetic probe",
        started_at=started,
        detected_at=detected,
        at=declared,
        feature="Checkout",
    )
    iid = ev.incident_id
    store.append(
        iid,
        Kind.ROLE_ASSIGNED,
        catalogue.role_assigned(IC, IC_NAME),
        actor=IC_NAME,
        at=declared + timedelta(seconds=10),
    )
    store.append(iid, Kind.ACKNOWLEDGED, catalogue.acknowledged(), actor=IC_NAME, at=declared + timedelta(seconds=15))
    store.append(
        iid,
        Kind.NOTE,
        catalogue.note(
            f"Synthetic checkout probe alerting since {hhmm(detected)} UTC (p95 over 2 s). "
            "Reproduced by hand: checkout takes about a second, some requests 502."
        ),
        actor=IC_NAME,
        at=now - timedelta(minutes=2),
    )
    sdk_at = now - timedelta(minutes=8)
    store.append(
        iid,
        Kind.NOTE,
        catalogue.note(
            "payments-provider status page: Minor Service Outage, Card payments degraded. "
            f"Checking our side too: checkout SDK 4.2.0 went out at {hhmm(sdk_at)} UTC."
        ),
        actor=IC_NAME,
        at=now - timedelta(minutes=1),
    )
    return iid


# -- helpers the steps share -------------------------------------------------------------------


def _hotfix(ctx: DemoContext) -> str:
    sha = ctx.facts.get("bad_sha")
    return f"hotfix {sha[:7]}" if sha else "the hotfix"


def _role(role: str, person: str):
    return lambda ctx: ctx.append(Kind.ROLE_ASSIGNED, catalogue.role_assigned(role, person), IC_NAME)


def _sev(before: int, after: int, reason: str):
    return lambda ctx: ctx.append(Kind.SEVERITY, catalogue.severity_changed(before, after, reason), IC_NAME)


def _status(before: str, after: str, text: str):
    return lambda ctx: ctx.append(
        Kind.STATUS, catalogue.status_changed(before, after, text.format(hotfix=_hotfix(ctx))), IC_NAME
    )


def _note(actor: str, text: str):
    def run(ctx: DemoContext) -> None:
        now = ctx.state.clock.now()
        ctx.note(
            actor, text.format(hotfix=_hotfix(ctx), now=hhmm(now), deploy_at=ctx.facts.get("deploy_at", "the deploy"))
        )

    return run


def _started(ctx: DemoContext) -> str:
    started = ctx.started_at or ctx.state.clock.now()
    return hhmm(started - timedelta(minutes=6))


def internal_post(ctx: DemoContext) -> str:
    """The playbook's internal chat block, filled in (used when the draft renderer is unavailable)."""
    now = ctx.state.clock.now()
    status_page = ctx.base_url.rstrip("/") + "/status" if ctx.base_url else "<link>"
    return (
        f"🚨 SEV-1 declared: {SUMMARY}\n"
        f"Incident commander: @{IC_NAME}\n"
        f"Comms lead: @{COMMS_NAME}\n"
        f"Channel: #incident-{now:%Y-%m-%d}-inc-{ctx.incident_id}\n"
        f"Status page: {status_page}\n"
        "Updates every 15 min until resolved."
    )


def draft(audience: str, fallback: Any) -> Any:
    """What the Comms Lead copies from the draft screen: warroom's own draft for `audience`."""

    def text(ctx: DemoContext) -> str:
        try:
            from warroom.domain.drafts import render_draft

            state = ctx.store.incident(ctx.incident_id)
            cfg = ctx.config
            return render_draft(
                state,
                audience,
                ctx.state.clock.now(),
                cadence=getattr(cfg, "cadence", None),
                team=getattr(cfg, "team", None),
            ).text
        except Exception:  # the story must go on with the playbook's words
            return fallback(ctx)

    return text


def external_post(status: str, lead: str) -> Any:
    """The playbook's status-page text with the status prefix, as an edited external draft."""

    def text(ctx: DemoContext) -> str:
        lines = [f"[{status}] {lead}", f"Started: {_started(ctx)} UTC", f"Impact: {EXTERNAL_IMPACT}"]
        if status != "Resolved":
            lines.append("We'll post an update within 30 minutes.")
        return "\n".join(lines)

    return text


def _post(audience: str, make: Any):
    return lambda ctx: ctx.append(Kind.COMMS_POSTED, catalogue.comms_posted(audience, make(ctx)), COMMS_NAME)


def internal_update(ctx: DemoContext) -> str:
    now = ctx.state.clock.now()
    return (
        f"Update (SEV-2, Monitoring): checkout recovered after rolling back {_hotfix(ctx)}. "
        f"Watching the probes and the error rate. Next update by {hhmm(now + timedelta(minutes=30))} UTC."
    )


# -- world steps -------------------------------------------------------------------------------


def bad_deploy(ctx: DemoContext) -> None:
    """The fix-forward lands: a real commit in the deploy repo, and the service starts failing."""
    now = ctx.state.clock.now()
    sha = ctx.repo.commit(HOTFIX_SUBJECT, DEPLOYER, now, HOTFIX_FILES) if ctx.repo is not None else None
    ctx.facts["bad_sha"] = sha
    ctx.facts["deploy_at"] = now.strftime("%H:%M:%S")
    ctx.state.deploy_sha = sha
    ctx.state.set_phase(Phase.OUTAGE, at=ctx.step_at)


def rollback(ctx: DemoContext) -> None:
    """The mitigation, for real: `git revert --no-edit SHA`, then the service recovers."""
    sha = ctx.facts.get("bad_sha")
    revert = ctx.repo.revert(sha, TECH_NAME, ctx.state.clock.now()) if (ctx.repo is not None and sha) else None
    ctx.facts["revert_sha"] = revert
    ctx.facts["rollback_event_id"] = ctx.store.max_event_id()
    ctx.state.set_phase(Phase.RECOVERED, at=ctx.step_at)


def rotate_log(ctx: DemoContext) -> None:
    """logrotate runs: every line up to the step's script time stays in the old file."""
    if ctx.logs is not None:
        ctx.logs.rotate(at=ctx.step_at)


def record_mitigation(ctx: DemoContext) -> None:
    sha, revert = ctx.facts.get("bad_sha"), ctx.facts.get("revert_sha")
    if sha and revert:
        text = f"Rolled back {_hotfix(ctx)}: git revert --no-edit {sha} (revert commit {revert[:7]})"
    else:
        text = "Rolled back the hotfix deploy (git was not available, so no revert commit was made)"
    ctx.append(Kind.MITIGATED, catalogue.mitigation_applied(text), TECH_NAME)


def _resolved(ctx: DemoContext) -> str:
    return f"[Resolved] Checkout healthy since the rollback of {_hotfix(ctx)}."


def resolve(ctx: DemoContext) -> None:
    ctx.append(
        Kind.RESOLVED,
        catalogue.resolved(
            f"Checkout healthy since the rollback of {_hotfix(ctx)}. Channel stays "
            "open for postmortem prep; review within 5 business days.",
            "Checkout and card payments are working normally.",
        ),
        IC_NAME,
    )


def _probe_went(kind: str, after_fact: str | None = None):
    def ready(ctx: DemoContext) -> bool:
        after = int(ctx.facts.get(after_fact, 0) or 0) if after_fact else 0
        return ctx.seen(kind, after, name="api-health")

    return ready


def build_steps() -> list[Step]:
    """The whole script, in script seconds (divide by --speed for wall seconds)."""
    return [
        Step(
            30,
            "detect",
            "dave blames the provider",
            _note(
                DEPLOYER,
                "Provider timeouts in the api log since "
                "the SDK upgrade and their status page says degraded. Shipping a retry hotfix to ride it out.",
            ),
        ),
        Step(60, "detect", "bad deploy lands", bad_deploy),
        Step(
            75,
            "detect",
            "dave notes the hotfix",
            _note(DEPLOYER, "Hotfix is out at {deploy_at} UTC: {hotfix} retries provider timeouts 5x."),
        ),
        Step(
            100,
            "triage",
            "alice sees the probe go down",
            _note(
                IC_NAME,
                "api-health probe DOWN: /health answers "
                "503 and slowly. Checkout is failing for everyone now, not just some.",
            ),
            wait_for=_probe_went(Kind.PROBE_DOWN),
            max_wait=80,
        ),
        Step(110, "triage", "bob takes Tech Lead", _role(TECH, TECH_NAME)),
        Step(
            120,
            "triage",
            "alice raises to SEV-1",
            _sev(2, 1, "Checkout down for all customers. Pick higher when in doubt."),
        ),
        Step(135, "triage", "carol takes Comms Lead", _role(COMMS, COMMS_NAME)),
        Step(
            150,
            "triage",
            "bob reads the errors",
            _note(
                TECH_NAME,
                "Error spike in the api log: 'connection pool "
                "exhausted' and 'payment call failed after 5 retries', starting {deploy_at} UTC, right after {hotfix}.",
            ),
        ),
        Step(165, "communicate", "carol posts internally", _post("internal", draft("internal", internal_post))),
        Step(180, "triage", "the api log rotates", rotate_log),
        Step(
            190,
            "communicate",
            "carol posts Investigating",
            _post(
                "external",
                external_post("Investigating", "We are aware of an issue affecting checkout and card payments."),
            ),
        ),
        Step(205, "triage", "the provider recovers", lambda ctx: ctx.state.set_provider("none")),
        Step(
            215,
            "mitigate",
            "bob calls the rollback",
            _note(
                TECH_NAME,
                "payments-provider is operational again "
                "and we are still 503: it is ours. Rolling back {hotfix} now, root cause later from the rolled-back "
                "diff.",
            ),
            wait_for=_probe_went(Kind.PROBE_DOWN),
            max_wait=120,
        ),
        Step(
            225,
            "mitigate",
            "alice marks it Identified",
            _status(
                "Investigating",
                "Identified",
                "Cause: {hotfix} "
                "retries every provider call 5x without backoff and exhausts the db pool. Rolling back.",
            ),
        ),
        Step(
            235,
            "communicate",
            "carol posts Identified",
            _post(
                "external",
                external_post(
                    "Identified",
                    "We have identified the cause of the checkout errors and are rolling back a recent change.",
                ),
            ),
        ),
        Step(250, "mitigate", "bob rolls back", rollback),
        Step(255, "mitigate", "bob records the mitigation", record_mitigation),
        Step(
            300,
            "resolve",
            "bob sees recovery",
            _note(TECH_NAME, "/health answers 200 again; 5xx and pool errors falling since the rollback."),
            wait_for=_probe_went(Kind.PROBE_UP, "rollback_event_id"),
            max_wait=90,
        ),
        Step(320, "triage", "erin takes Scribe", _role(SCRIBE, SCRIBE_NAME)),
        Step(
            340,
            "resolve",
            "alice lowers to SEV-2",
            _sev(1, 2, "Mitigated: customers can pay again. Downgrading is free."),
        ),
        Step(
            360,
            "resolve",
            "alice marks it Monitoring",
            _status(
                "Identified", "Monitoring", "Rolled back {hotfix}; watching the checkout probe and the error rate."
            ),
        ),
        Step(
            375,
            "communicate",
            "carol posts Monitoring",
            _post(
                "external",
                external_post(
                    "Monitoring", "A fix has been applied and checkout is recovering. We are monitoring the results."
                ),
            ),
        ),
        Step(
            400, "communicate", "carol posts an internal update", _post("tactical", draft("tactical", internal_update))
        ),
        Step(
            470,
            "resolve",
            "alice confirms the metrics",
            _note(
                IC_NAME,
                "Metrics back to normal: both probes UP, "
                "error rate at baseline, db sessions back to 2. Not just trusting the rollback.",
            ),
        ),
        Step(
            490,
            "resolve",
            "erin lists follow-ups",
            _note(
                SCRIBE_NAME,
                "For the postmortem: provider retries need "
                "backoff and a budget; alert on db pool saturation; hotfixes go through the canary like any deploy.",
            ),
        ),
        Step(510, "resolve", "alice resolves", resolve),
        Step(520, "communicate", "carol posts Resolved internally", _post("internal", draft("internal", _resolved))),
        Step(
            530,
            "communicate",
            "carol posts Resolved",
            _post(
                "external",
                external_post(
                    "Resolved", "This incident has been resolved. Checkout and card payments are working normally."
                ),
            ),
        ),
        Step(SCRIPT_SECONDS, "resolve", "the story ends", lambda ctx: None),
    ]
