"""The postmortem document's parts: timeline (milestones, collapsed signals), hints, sections, items, due dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from warroom.domain import catalogue as c
from warroom.domain.action_items import action_items, find_item
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.postmortem import (
    parse_section,
    postmortem_markdown,
    postmortem_timeline,
    section_texts,
    went_poorly_hints,
    went_well_hints,
)
from warroom.domain.postmortem_due import (
    add_business_days,
    postmortem_due,
    postmortem_due_date,
    postmortem_started_at,
    reminder_lines,
)

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # a Friday


def events(*rows: tuple[float, str, str, dict]) -> list[Event]:
    """(minutes after T0, kind, actor, payload), numbered in order."""
    return [Event(1, T0 + timedelta(minutes=m), kind, actor, p, id=i + 1) for i, (m, kind, actor, p) in enumerate(rows)]


def probe(m: float, down: bool) -> tuple[float, str, str, dict]:
    kind = Kind.PROBE_DOWN if down else Kind.PROBE_UP
    return (m, kind, "warroom", {"probe": "api", "text": f"probe api {'DOWN' if down else 'UP'}"})


def test_timeline_collapses_probe_flaps_between_peoples_entries_and_merges_the_first_ic():
    state = fold(
        events(
            (0, Kind.DECLARED, "alice", c.declared("API down", 1)),
            (0, Kind.ROLE_ASSIGNED, "alice", c.role_assigned("Incident Commander", "alice")),
            probe(1, True),
            probe(2, False),
            probe(3, True),
            (4, Kind.NOTE, "bob", c.note("db pool exhausted")),
            probe(5, False),
            (6, Kind.RESOLVED, "alice", c.resolved("ok")),
        )
    )
    assert state is not None
    lines = [(e.at.minute, e.text, e.collapsed) for e in postmortem_timeline(state)]
    assert lines == [
        (0, "alert fired", 1),
        (0, "incident declared SEV-1, IC @alice", 1),
        (1, "probe api DOWN — flapped 3 times until 09:03 (2 down, 1 up); last: probe api DOWN", 3),
        (4, "db pool exhausted", 1),
        (5, "probe api UP", 1),
        (6, "incident resolved: ok", 1),
    ]


def test_a_late_ic_and_the_detection_words_stay_their_own_lines():
    state = fold(
        events(
            (0, Kind.DECLARED, "alice", c.declared("API down", 2, detected_by="user report")),
            (5, Kind.ROLE_ASSIGNED, "alice", c.role_assigned("Incident Commander", "bob")),
        )
    )
    assert state is not None
    texts = [e.text for e in postmortem_timeline(state)]
    assert texts == ["detected by user report", "incident declared SEV-2", "bob is Incident Commander"]


def test_hints_failed_mitigation_late_first_mitigation_and_a_late_upgrade():
    failed = c.mitigation_run(
        kind="restart", name="restart api", argv=["systemctl", "restart", "api"], exit_code=1, duration_s=0.5, output=""
    )
    state = fold(
        events(
            (0, Kind.DECLARED, "alice", c.declared("API down", 3)),
            (10, Kind.SEVERITY, "alice", c.severity_changed(3, 2, "all users")),
            (20, Kind.MITIGATION, "bob", failed),
            (40, Kind.MITIGATED, "bob", c.mitigation_applied("failed over to eu-west")),
            (41, Kind.RESOLVED, "alice", c.resolved("ok")),
        )
    )
    assert state is not None
    hints = went_poorly_hints(state, T0 + timedelta(hours=1))
    assert "first mitigation 20 minutes after detection (The goal in the first 15 minutes" in " ".join(hints)
    assert any(
        h.startswith(
            '09:20 UTC: a mitigation did not work: mitigation restart "restart api": $ systemctl restart api → exit 1'
        )
        for h in hints
    )
    assert any(h.startswith("severity raised after declaration: SEV-3 → SEV-2 at 09:10 UTC") for h in hints)
    assert went_well_hints(state) == []


def test_a_mitigation_within_15_minutes_went_well():
    state = fold(
        events(
            (0, Kind.DECLARED, "alice", c.declared("API down", 4)),
            (9, Kind.MITIGATED, "bob", c.mitigation_applied("flag off")),
        )
    )
    assert state is not None
    assert went_well_hints(state) == ["first mitigation 9 minutes after detection"]
    assert not any("mitigation" in h for h in went_poorly_hints(state, T0 + timedelta(minutes=10)))


def test_sections_latest_wins_and_the_document_regenerates_identically():
    rows = events(
        (0, Kind.DECLARED, "alice", c.declared("API down", 2)),
        (5, Kind.RESOLVED, "alice", c.resolved("ok")),
        (60, Kind.POSTMORTEM_SECTION, "alice", c.postmortem_section("summary", "first try")),
        (61, Kind.POSTMORTEM_SECTION, "bob", c.postmortem_section("summary", "The API was down for 5 minutes.")),
        (62, Kind.ACTION_ADDED, "bob", c.action_added("Alert | on api 5xx", owner="bob")),
    )
    assert section_texts(rows) == {"summary": "The API was down for 5 minutes."}
    state = fold(rows)
    assert state is not None
    now = T0 + timedelta(days=3)
    doc = postmortem_markdown(state, now)
    assert doc == postmortem_markdown(fold(list(reversed(rows))), now)  # type: ignore[arg-type]
    assert "## Summary\n\nThe API was down for 5 minutes.\n" in doc
    assert "| Alert \\| on api 5xx | @bob | (no date) | (no type) |" in doc
    assert "postmortem" not in doc.split("## Timeline (UTC)")[1].split("## Root cause")[0], (
        "the review is not the story"
    )


@pytest.mark.parametrize(
    ("typed", "section"),
    [
        ("root-cause", "root_cause"),
        ("Root cause", "root_cause"),
        ("what-went-well", "went_well"),
        ("detected-by", "detected_by"),
        ("LUCKY", "lucky"),
    ],
)
def test_section_names(typed, section):
    assert parse_section(typed) == section


def test_unknown_section_names_the_choices():
    with pytest.raises(ValueError, match="one of summary, impact, detected-by, root-cause"):
        parse_section("timeline")


def test_action_items_numbered_in_record_order_with_edits_and_done():
    rows = events(
        (0, Kind.DECLARED, "alice", c.declared("API down", 2)),
        (1, Kind.ACTION_ADDED, "alice", c.action_added("Alert on api 5xx")),
        (2, Kind.ACTION_ADDED, "bob", c.action_added("Runbook for failover", owner="bob")),
        (3, Kind.ACTION_EDITED, "alice", c.action_edited(1, owner="carol", due="2026-12-11")),
        (4, Kind.ACTION_DONE, "bob", c.action_done(2)),
        (5, Kind.ACTION_DONE, "bob", {"number": 9}),  # names no item: ignored
    )
    items = action_items(rows)
    assert [(i.number, i.text, i.owner, i.due, i.is_open) for i in items] == [
        (1, "Alert on api 5xx", "carol", "2026-12-11", True),
        (2, "Runbook for failover", "bob", "", False),
    ]
    with pytest.raises(ValueError, match="numbered 1 to 2"):
        find_item(items, 3)


@pytest.mark.parametrize(
    ("resolved", "due"),
    [
        (date(2026, 12, 4), date(2026, 12, 11)),  # Friday -> next Friday
        (date(2026, 12, 5), date(2026, 12, 11)),  # Saturday -> Friday (the weekend does not count)
        (date(2026, 12, 6), date(2026, 12, 11)),  # Sunday -> Friday
        (date(2026, 12, 7), date(2026, 12, 14)),  # Monday -> next Monday
        (date(2026, 12, 9), date(2026, 12, 16)),  # Wednesday -> next Wednesday
    ],
)
def test_due_five_business_days_after_resolution(resolved, due):
    assert add_business_days(resolved, 5) == due
    assert postmortem_due_date(datetime.combine(resolved, datetime.min.time(), UTC) + timedelta(hours=23)) == due


def test_reminders_in_days_today_and_overdue_and_drills_and_open_incidents_left_out():
    def resolved(incident: int, *, drill: bool = False, extra: tuple = ()) -> object:
        rows = [
            Event(incident, T0, Kind.DECLARED, "alice", c.declared(f"inc {incident}", 2, drill=drill), id=1),
            Event(incident, T0 + timedelta(hours=1), Kind.RESOLVED, "alice", c.resolved("ok"), id=2),
        ]
        rows += [Event(incident, T0 + timedelta(days=1), k, "alice", p, id=3 + i) for i, (k, p) in enumerate(extra)]
        return fold(rows)

    started = resolved(2, extra=((Kind.ACTION_ADDED, c.action_added("Alert on api 5xx")),))
    done = resolved(3, extra=((Kind.POSTMORTEM_DONE, c.postmortem_done()),))
    open_one = fold([Event(5, T0, Kind.DECLARED, "alice", c.declared("open", 2), id=1)])
    states = [resolved(1), started, done, resolved(4, drill=True), open_one]
    assert postmortem_started_at(started.events) == T0 + timedelta(days=1)  # type: ignore[union-attr]
    assert postmortem_due(done) is None  # type: ignore[arg-type]
    assert reminder_lines(states, date(2026, 12, 8)) == [  # type: ignore[arg-type]
        "postmortem for INC-1 due Fri 2026-12-11 (in 3 days)",
        "postmortem for INC-2 due Fri 2026-12-11 (in 3 days, started)",
    ]
    assert reminder_lines(states[:1], date(2026, 12, 10)) == ["postmortem for INC-1 due Fri 2026-12-11 (in 1 day)"]  # type: ignore[arg-type]
    assert reminder_lines(states[:1], date(2026, 12, 11)) == ["postmortem for INC-1 due Fri 2026-12-11 (today)"]  # type: ignore[arg-type]
    assert reminder_lines(states[:1], date(2026, 12, 13)) == [  # type: ignore[arg-type]
        "postmortem for INC-1 due Fri 2026-12-11 (overdue by 2 days)"
    ]


def test_coach_warnings_that_fired_and_held_are_hints_and_a_moment_long_one_is_not():
    from warroom.domain.postmortem import fired_coach_warnings

    rows = events(
        (0, Kind.DECLARED, "alice", c.declared("API down", 1)),
        (0.01, Kind.ROLE_ASSIGNED, "alice", c.role_assigned("Incident Commander", "alice")),  # named at once
        (3, Kind.ROLE_RELEASED, "alice", c.role_released("Incident Commander")),
        (12, Kind.ROLE_ASSIGNED, "bob", c.role_assigned("Incident Commander", "bob")),
        (20, Kind.RESOLVED, "bob", c.resolved("ok")),
    )
    fired = fired_coach_warnings(rows, T0 + timedelta(minutes=20))
    assert [(at.strftime("%H:%M"), text.split(" (")[0]) for at, text in fired] == [
        ("09:03", "SEV-1 with no IC: /ic NAME")
    ]
    state = fold(rows)
    assert state is not None
    hints = went_poorly_hints(state, T0 + timedelta(minutes=20), coach_warnings=fired)
    assert "coach at 09:03 UTC: SEV-1 with no IC: /ic NAME (For SEV-1/2, name explicit roles.)" in hints
    assert f"- {hints[-1]}" in postmortem_markdown(state, T0, coach_warnings=fired)


def test_the_coachs_no_postmortem_warning_stops_once_the_postmortem_started():
    from warroom.domain.coach import evaluate

    rows = events(
        (0, Kind.DECLARED, "alice", c.declared("API down", 3)),
        (5, Kind.RESOLVED, "alice", c.resolved("ok")),
    )
    later = T0 + timedelta(hours=1)
    assert "no-postmortem" in [w.rule for w in evaluate(fold(rows), later)]  # type: ignore[arg-type]
    started = rows + [
        Event(
            1, T0 + timedelta(minutes=30), Kind.POSTMORTEM_SECTION, "alice", c.postmortem_section("summary", "x"), id=3
        )
    ]
    assert "no-postmortem" not in [w.rule for w in evaluate(fold(started), later)]  # type: ignore[arg-type]


def test_reminders_past_a_limit_say_how_many_more():
    rows = [
        fold(
            [
                Event(i, T0, Kind.DECLARED, "alice", c.declared(f"inc {i}", 3), id=1),
                Event(i, T0 + timedelta(days=i), Kind.RESOLVED, "alice", c.resolved("ok"), id=2),
            ]
        )
        for i in range(1, 6)
    ]
    lines = reminder_lines(rows, date(2026, 12, 8), limit=3)  # type: ignore[arg-type]
    assert lines[0].startswith("postmortem for INC-1 due Fri 2026-12-11")
    assert lines[3:] == ["… and 2 more postmortems to write (`warroom list`)"]
    assert len(reminder_lines(rows, date(2026, 12, 8))) == 5  # type: ignore[arg-type]
