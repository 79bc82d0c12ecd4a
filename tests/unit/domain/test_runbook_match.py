"""Runbook search and the runbook an event suggests (the coach line's), with no files or UI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind
from warroom.domain.runbook_match import search, suggest, suggest_latest
from warroom.runbooks import REPO_RUNBOOKS, load_runbooks

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Book:
    title: str
    alerts: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    text: str = ""


FIVE_XX = Book("High 5xx rate", ("high-5xx-rate", "http-5xx"), ("health", "api"), ("api", "web"), "roll back")
LATENCY = Book("Latency spike", ("latency-spike",), ("health", "api"), ("api", "database"), "slow queries, roll back")
DISK = Book("Disk full", ("disk-full",), ("health",), ("database", "logging"), "df -h; the api logs grow")
THIRD = Book("Third-party outage", ("provider-degraded",), ("health", "payments"), ("payments", "cdn"), "status page")
BOOKS = [FIVE_XX, LATENCY, DISK, THIRD]


def event(kind: str, payload: dict, n: int = 1) -> Event:
    return Event(1, T0, kind, "warroom", payload, id=n)


def probe_down(probe: str, n: int = 1) -> Event:
    payload = c.probe_down(
        probe=probe,
        status_code=503,
        elapsed=0.1,
        failure="status",
        error=None,
        previous="up",
        failures=2,
        first_failure_at=None,
    )
    return event(Kind.PROBE_DOWN, payload | {"text": f"probe {probe} DOWN: 503"}, n)


def test_search_ranks_title_and_front_matter_above_body_text():
    assert search("", BOOKS) == BOOKS  # nothing typed: every runbook, in order
    assert search("disk", BOOKS) == [DISK]
    # `api` is a front-matter name of three, and only body text of the disk runbook: it comes last.
    assert search("api", BOOKS)[-1] == DISK and set(search("api", BOOKS)) == {FIVE_XX, LATENCY, DISK}
    assert search("roll back", BOOKS) == [FIVE_XX, LATENCY]  # every word must be found somewhere
    assert search("LATENCY", BOOKS)[0] == LATENCY  # case does not matter
    assert search("payments", BOOKS) == [THIRD]
    assert search("nothing-like-this", BOOKS) == []


def test_a_probe_down_suggests_the_runbooks_listing_that_probe_rarest_name_first():
    assert suggest(probe_down("payments"), BOOKS) == [THIRD]
    found = suggest(probe_down("api"), BOOKS)
    assert found == [FIVE_XX, LATENCY]  # both list `api`; the given order breaks the tie
    # `health` is in every runbook's probes: a weaker match than a rare name, but still one.
    assert suggest(probe_down("health"), BOOKS)[0] == FIVE_XX
    assert suggest(probe_down("billing"), BOOKS) == []


def test_a_log_spike_suggests_by_service_and_a_note_by_alert_name():
    spike = event(Kind.LOG_SPIKE, c.log_spike(log="logging", count=50, baseline=2, factor=5, minute="x"))
    assert suggest(spike, BOOKS) == [DISK]
    note = event(Kind.NOTE, c.note("pager says disk-full on db-2"))
    assert suggest(note, BOOKS) == [DISK]
    # Hyphens in an alert name match spaces in prose, and a title named in a note counts.
    assert suggest(event(Kind.NOTE, c.note("looks like a Latency Spike in eu")), BOOKS) == [LATENCY]
    assert suggest(event(Kind.NOTE, c.note("HTTP 5xx from the edge")), BOOKS) == [FIVE_XX]
    # Only whole names: `disk-fullness` is not `disk-full`.
    assert suggest(event(Kind.NOTE, c.note("disk-fullness report")), BOOKS) == []


def test_suggest_latest_takes_the_newest_event_that_suggests_something():
    events = [
        probe_down("payments", 1),
        event(Kind.NOTE, c.note("nothing to see"), 2),
        event(Kind.NOTE, c.note("alert http-5xx firing"), 3),
        event(Kind.NOTE, c.note("still looking"), 4),
    ]
    found = suggest_latest(events, BOOKS)
    assert found is not None and found[0].id == 3 and found[1] == FIVE_XX
    assert suggest_latest(events[1:2], BOOKS) is None
    # A tick on a runbook is no trouble: it suggests nothing, even naming an alert.
    tick = c.runbook_checked(runbook="High 5xx rate", file="x.md", item="http-5xx gone", checked=True)
    assert suggest_latest([event(Kind.RUNBOOK_CHECKED, tick)], BOOKS) is None


def test_the_shipped_runbooks_are_suggested_for_their_own_signals():
    books, problems = load_runbooks(REPO_RUNBOOKS)
    assert problems == []
    assert suggest(probe_down("api"), books)[0].title == "High 5xx rate"
    assert suggest(probe_down("payments"), books)[0].title == "Third-party dependency outage"
    spike = event(Kind.LOG_SPIKE, c.log_spike(log="database", count=90, baseline=3, factor=5, minute="x"))
    assert suggest(spike, books)[0].title in {"Database connections exhausted", "Disk full", "Latency spike"}
    note = event(Kind.NOTE, c.note("PagerDuty: too-many-connections on pg-main"))
    assert suggest(note, books)[0].title == "Database connections exhausted"


def test_a_signal_many_runbooks_list_equally_offers_none_of_them_but_an_older_clear_one():
    # The demo's log spike on `api`: five shipped runbooks list api, none above the others. The
    # coach line offering the first by file order sent the room to "Certificate expiry".
    books, _ = load_runbooks(REPO_RUNBOOKS)
    spike = event(Kind.LOG_SPIKE, c.log_spike(log="api", count=15, baseline=1, factor=5, minute="x"), 2)
    assert suggest_latest([spike], books) is None
    found = suggest_latest([probe_down("api", 1), spike], books)
    assert found is not None and found[0].id == 1 and found[1].title == "High 5xx rate"


def firing(name: str) -> Event:
    payload = c.alert_firing(
        f"alert firing: {name} job=db",
        alert=name,
        labels={"alertname": name, "job": "db"},
        annotations={},
        fingerprint="f1",
        starts_at=datetime(2026, 12, 6, 3, 0, tzinfo=UTC),
    )
    return event(Kind.ALERT_FIRING, payload)


def test_an_alertmanager_alert_in_camel_case_finds_the_runbook_naming_it_in_kebab_case():
    assert suggest(firing("DiskFull"), BOOKS) == [DISK]
    found = suggest_latest([firing("DiskFull")], BOOKS)
    assert found is not None and found[1] == DISK
    assert suggest(firing("DiskFullSoon"), BOOKS) == [], "a longer name is another alert"
