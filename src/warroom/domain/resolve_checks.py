"""What resolving shows first, and what it asks about again (the seed: "confirm metrics are back
to normal (don't just trust the mitigation)").

`/resolve` and `warroom resolve` both show, before they ask: every probe, up or down now; the
error rate now against its pre-incident baseline; whether metrics recovered (the
`metrics.recovered` event after the last bad signal) and when. Two things make them ask AGAIN,
and are recorded on the resolved event as overridden when the answer is yes:

- a probe is down now ("probe api down");
- the person resolving is not the Incident Commander, when one is named
  ("not the IC (IC is alice)").

Where the probes come from differs: the war room asks its poller (the damped state the panes
show); the CLI has no poller and reads the record's latest `probe.down` / `probe.up` per probe
(`probes_from_record`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState
from warroom.domain.recovery import ErrorRate, ProbeView, last_bad_event, recovered_after
from warroom.records import Record, record


def probes_from_record(events: Iterable[Event], configured: Iterable[str] = ()) -> tuple[ProbeView, ...]:
    """Each probe's state as the record says it: its latest `probe.down` or `probe.up` (a probe
    in `configured` with neither recorded has never been seen down: up)."""
    latest: dict[str, ProbeView] = {name: ProbeView(name, True, None) for name in configured}
    for ev in events:
        if ev.kind not in (Kind.PROBE_DOWN, Kind.PROBE_UP):
            continue
        name = str(ev.payload.get("probe") or "")
        if name:
            up = ev.kind == Kind.PROBE_UP
            latest[name] = ProbeView(name, up, ev.at if up else None)
    return tuple(latest.values())


def is_commander(actor: str, commander: str | None) -> bool:
    """True when nobody is named IC, or `actor` is the IC (handles compare case-insensitively)."""
    return commander is None or actor.strip().lstrip("@").casefold() == commander.strip().lstrip("@").casefold()


@record
class ResolveChecks(Record):
    """Everything `/resolve` and `warroom resolve` show before they ask."""

    actor: str
    commander: str | None
    probes: tuple[ProbeView, ...]
    #: The error rate now against its baseline; None when there are no error samples (no logs).
    rate: ErrorRate | None
    #: The `metrics.recovered` event after the last bad signal, or None (not recovered yet).
    recovered: Event | None

    @property
    def overrides(self) -> list[str]:
        """What resolving now overrides, in words; empty when every check passes."""
        out = [f"probe {p.name} down" for p in self.probes if not p.up]
        if not is_commander(self.actor, self.commander):
            out.append(f"not the IC (IC is {self.commander})")
        return out

    def lines(self) -> list[str]:
        """The checks, one line each, for the question's details."""
        if self.probes:
            probes = " · ".join(f"{p.name} {'up' if p.up else 'DOWN'}" for p in self.probes)
        else:
            probes = "none recorded"
        if self.rate is None:
            rate = "no error-rate samples (no [[log]] recorded)"
        elif self.rate.now is None:
            rate = "no recent minute counted" + (
                f" (baseline {self.rate.baseline:.1f}/min)" if self.rate.baseline is not None else ""
            )
        elif self.rate.baseline is None:
            rate = f"{self.rate.now:.1f}/min now (no baseline before detection)"
        else:
            verdict = "at baseline" if self.rate.calm_since is not None else "ABOVE baseline"
            rate = f"{self.rate.now:.1f}/min now, baseline {self.rate.baseline:.1f}/min ({verdict})"
        if self.recovered is not None:
            words = str(self.recovered.payload.get("text") or "")
            recovered = f"yes, at {self.recovered.at:%H:%M:%S} UTC" + (f" ({words})" if words else "")
        else:
            recovered = "not yet (every probe up and the error rate at baseline for 5 min)"
        ic = self.commander or "nobody named"
        return [
            f"Probes: {probes}",
            f"Error rate: {rate}",
            f"Metrics recovered: {recovered}",
            f"Resolving as {self.actor}; IC: {ic}",
        ]

    def again(self) -> tuple[str, list[str]]:
        """The second question (only when `overrides`): what it is, and why it asks again."""
        reasons = self.overrides
        return (
            "Resolve anyway? " + "; ".join(reasons),
            [
                *(f"- {r}" for r in reasons),
                "The seed: confirm metrics are back to normal; don't just trust the mitigation.",
                "Resolving anyway records who resolved and what was overridden.",
            ],
        )


def resolve_checks(
    state: IncidentState,
    actor: str,
    probes: Iterable[ProbeView],
    rate: ErrorRate | None,
) -> ResolveChecks:
    """The checks for resolving `state` as `actor`, given the probes and error rate now."""
    events = state.events
    recovered = recovered_after(events, last_bad_event(events))
    return ResolveChecks(actor, state.commander, tuple(probes), rate, recovered)


def detected_at(state: IncidentState) -> datetime:
    """When the incident was detected (its declaration when no detection time was given)."""
    return state.milestones.detected or state.declared_at
