"""MTTx summaries over many incidents: median, nearest-rank p90, by severity and by month."""

from datetime import UTC, datetime, timedelta

from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.metrics import aggregate, by_month, by_severity, months_between


def _incident(n: int, start: datetime, resolve_after_min: int, sev: int = 2, drill: bool = False, raise_to: int = 0):
    payload = {"title": f"incident {n}", "severity": sev, "drill": drill}
    events = [Event(n, start, Kind.DECLARED, "alice", payload, id=1)]
    if raise_to:
        events.append(Event(n, start, Kind.SEVERITY, "alice", {"from": sev, "to": raise_to}, id=2))
    events.append(Event(n, start + timedelta(minutes=resolve_after_min), Kind.RESOLVED, "alice", {}, id=3))
    state = fold(events)
    assert state is not None
    return state


T0 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def test_median_and_nearest_rank_p90_over_ten_incidents():
    states = [_incident(i, T0, minutes) for i, minutes in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], start=1)]
    mttr = aggregate(states)["mttr"]
    assert mttr.count == 10
    assert mttr.median == timedelta(minutes=5, seconds=30)  # the two middle values, averaged
    assert mttr.p90 == timedelta(minutes=9)  # the 9th of 10: 90% at or below it, a real value
    assert mttr.mean == timedelta(minutes=14, seconds=30)
    assert aggregate(states)["mtta"].count == 0 and aggregate(states)["mtta"].median is None


def test_drills_are_left_out_of_every_summary_and_group():
    real = _incident(1, T0, 10)
    drill = _incident(2, T0, 500, sev=1, drill=True)
    assert aggregate([real, drill])["mttr"].count == 1
    assert list(by_severity([real, drill])) == ["SEV-2"]
    assert [len(g) for g in by_month([real, drill]).values()] == [1]


def test_groups_by_worst_severity_and_every_month_between_first_and_last():
    a = _incident(1, datetime(2026, 10, 30, tzinfo=UTC), 10, sev=3, raise_to=1)
    b = _incident(2, datetime(2027, 1, 2, tzinfo=UTC), 20, sev=2)
    assert {sev: [s.incident_id for s in group] for sev, group in by_severity([b, a]).items()} == {
        "SEV-1": [1],
        "SEV-2": [2],
    }
    months = by_month([b, a])
    assert list(months) == ["2026-10", "2026-11", "2026-12", "2027-01"]
    assert [len(g) for g in months.values()] == [1, 0, 0, 1]
    assert months_between("2026-12", "2026-12") == ["2026-12"]
    assert by_month([]) == {}
