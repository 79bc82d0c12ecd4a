"""Update cadence and missed updates, on hand-built records with a frozen clock (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.config.model import CadenceConfig
from warroom.domain.cadence import (
    UpdateCadence,
    missed_updates,
    next_update,
    silence_phrase,
    user_comms_due,
)
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.metrics import format_duration
from warroom.domain.severity import Severity

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Record:
    """A tiny event list builder: times are minutes after T0."""

    def __init__(self, sev: int) -> None:
        self.events: list[Event] = []
        self.add(0, Kind.DECLARED, {"title": "Checkout returning 500s", "severity": sev})

    def add(self, minute: float, kind: str, payload: dict) -> Record:
        self.events.append(Event(7, at(minute), kind, "alice", payload, id=len(self.events) + 1))
        return self

    def post(self, minute: float, audience: str = "internal", text: str = "update") -> Record:
        return self.add(minute, Kind.COMMS_POSTED, {"audience": audience, "text": text})

    def sev(self, minute: float, to: int) -> Record:
        return self.add(minute, Kind.SEVERITY, {"to": to})

    def resolve(self, minute: float) -> Record:
        return self.add(minute, Kind.RESOLVED, {"text": "fixed"})

    def reopen(self, minute: float) -> Record:
        return self.add(minute, Kind.REOPENED, {})

    @property
    def state(self):
        return fold(self.events)


# -- the cadence table --------------------------------------------------------------------------


def test_playbook_cadence_by_severity():
    c = UpdateCadence()
    assert [c.minutes_for(s) for s in Severity] == [15, 30, 60, None]
    assert c.sev2_first_user_comms == 30


def test_cadence_overridden_from_config():
    c = UpdateCadence.from_config(CadenceConfig(sev1=10, sev2=20, sev3=None, sev4=120, sev2_first_user_comms=15))
    assert [c.minutes_for(s) for s in Severity] == [10, 20, None, 120]
    state = Record(1).state
    assert next_update(state, at(1), c).due_at == at(10)


# -- the countdown ------------------------------------------------------------------------------


def test_counts_from_declaration_when_nothing_posted():
    due = next_update(Record(2).state, at(17.5))
    assert due.due_at == at(30)
    assert due.remaining == timedelta(minutes=12, seconds=30)
    assert due.phase == "ok"
    assert due.silent_for == timedelta(minutes=17.5)
    assert due.cadence_minutes == 30
    assert due.last_posted_at is None
    assert due.describe() == "next update due in 12m 30s (03:30 UTC)"


def test_turns_soon_in_the_last_two_minutes():
    state = Record(1).state
    assert next_update(state, at(12) + timedelta(seconds=59)).phase == "ok"
    assert next_update(state, at(13)).phase == "soon"
    assert next_update(state, at(15)).phase == "soon"
    assert next_update(state, at(15)).describe() == "next update due in 0s (03:15 UTC)"
    assert next_update(state, at(15) + timedelta(seconds=1)).phase == "overdue"


def test_an_update_posted_exactly_at_the_deadline_is_on_time():
    state = Record(1).post(15).state
    assert missed_updates(state, at(16)) == []
    assert next_update(Record(1).state, at(15)).overdue is False


def test_overdue_says_how_long_the_room_has_been_silent():
    due = next_update(Record(1).state, at(19))
    assert due.phase == "overdue" and due.overdue
    assert due.remaining == timedelta(minutes=-4)
    assert due.overdue_by == timedelta(minutes=4)
    assert due.describe() == "update OVERDUE by 4m — silent for 19m"
    assert due.short() == "LATE 4m"


def test_a_posted_update_resets_the_countdown():
    state = Record(1).post(10).state
    due = next_update(state, at(20))
    assert due.due_at == at(25)
    assert due.silent_for == timedelta(minutes=10)
    assert due.last_posted_at == at(10)
    assert due.short() == "5m"


def test_any_audience_counts_as_an_update():
    state = Record(1).post(10, "external").post(12, "tactical").state
    assert next_update(state, at(20)).due_at == at(27)


def test_replaying_to_an_earlier_moment_ignores_later_posts():
    state = Record(1).post(10).state
    assert next_update(state, at(5)).due_at == at(15)
    assert next_update(state, at(5)).last_posted_at is None


def test_sev4_has_no_required_updates():
    due = next_update(Record(4).state, at(600))
    assert (due.phase, due.due_at, due.remaining, due.cadence_minutes) == ("none", None, None, None)
    assert due.describe() == "no required updates for SEV-4"
    assert due.short() == "-"
    assert not due.resolved and not due.cadence_off


def test_resolved_has_nothing_due():
    state = Record(1).resolve(10).state
    due = next_update(state, at(40))
    assert due.phase == "none" and due.due_at is None
    assert due.describe() == "no update due (resolved)"
    assert due.short() == "resolved"


def test_resolved_sev4_says_resolved_not_no_cadence():
    due = next_update(Record(4).resolve(10).state, at(40))
    assert due.describe() == "no update due (resolved)" and due.short() == "resolved"


@pytest.mark.parametrize("off", [None, False, 0])
def test_a_cadence_switched_off_in_config_is_not_mistaken_for_resolved(off):
    """`[cadence] sev3 = false`: an OPEN SEV-3 has no required updates, and says why."""
    cadence = UpdateCadence.from_config(CadenceConfig(sev3=off))
    due = next_update(Record(3).state, at(90), cadence)
    assert (due.phase, due.due_at, due.resolved, due.cadence_off) == ("none", None, False, True)
    assert due.describe() == "no required updates for SEV-3 (cadence off)"
    assert due.short() == "off"
    # Lowered into the switched-off severity: the same words, and the open incident is not "resolved".
    lowered = next_update(Record(2).sev(5, 3).state, at(90), cadence)
    assert lowered.describe() == "no required updates for SEV-3 (cadence off)"
    # Once resolved it says so.
    assert next_update(Record(3).resolve(20).state, at(90), cadence).describe() == "no update due (resolved)"


def test_a_sev4_cadence_set_in_config_counts_down():
    due = next_update(Record(4).state, at(50), UpdateCadence(sev4=120))
    assert due.describe() == "next update due in 1h 10m (05:00 UTC)"


def test_reopen_restarts_the_clock_like_a_declaration():
    state = Record(2).post(5).resolve(10).reopen(50).state
    due = next_update(state, at(60))
    assert due.due_at == at(80)
    assert due.silent_for == timedelta(minutes=10)


# -- severity changes recompute the deadline -----------------------------------------------------


def test_raising_to_sev1_makes_an_update_due_within_15_minutes_of_the_change():
    # SEV-3 declared at 03:00 (due 04:00); raised to SEV-1 at 03:40: due 03:55, not 04:00.
    state = Record(3).sev(40, 1).state
    due = next_update(state, at(41))
    assert due.due_at == at(55)
    assert due.cadence_minutes == 15
    assert due.severity is Severity.SEV1


def test_raise_counts_the_new_cadence_from_the_last_post_when_that_is_sooner():
    state = Record(3).post(30).sev(35, 1).state
    assert next_update(state, at(36)).due_at == at(45)


def test_a_raise_never_buys_time():
    # SEV-3 due 04:00; raised at 03:58: still due 04:00 (not 04:13).
    state = Record(3).sev(58, 1).state
    assert next_update(state, at(58)).due_at == at(60)


def test_lowering_counts_the_longer_cadence_from_the_last_post():
    state = Record(1).post(5).sev(10, 3).state
    due = next_update(state, at(12))
    assert due.due_at == at(65)
    assert due.cadence_minutes == 60


def test_raise_from_sev4_starts_the_clock_at_the_change():
    state = Record(4).sev(120, 2).state
    assert next_update(state, at(121)).due_at == at(150)


def test_a_status_step_does_not_move_the_deadline():
    state = Record(3).sev(40, 1).add(45, Kind.STATUS, {"to": "identified"}).state
    assert next_update(state, at(46)).due_at == at(55)


# -- SEV-2 user comms -----------------------------------------------------------------------------


def test_sev2_needs_user_comms_within_30_minutes_of_declaration():
    state = Record(2).state
    users = user_comms_due(state, at(10))
    assert users.required and users.phase == "ok"
    assert users.due_at == at(30)
    assert users.describe() == "user comms due in 20m (03:30 UTC)"
    assert user_comms_due(state, at(29)).phase == "soon"
    late = user_comms_due(state, at(31))
    assert late.phase == "overdue"
    assert late.describe() == "user comms OVERDUE by 1m (due 03:30 UTC)"


def test_internal_posts_are_not_user_comms():
    state = Record(2).post(10, "internal").post(20, "tactical").state
    assert user_comms_due(state, at(31)).phase == "overdue"
    # ...though they do satisfy the ordinary cadence.
    assert next_update(state, at(31)).phase == "ok"


def test_an_external_post_meets_user_comms():
    state = Record(2).post(20, "external").state
    users = user_comms_due(state, at(45))
    assert users.phase == "met" and users.met_at == at(20)
    assert users.describe() == "user comms posted at 03:20 UTC"


def test_user_comms_clock_starts_when_raised_to_sev2():
    state = Record(3).sev(40, 2).state
    assert not user_comms_due(state, at(39)).required
    assert user_comms_due(state, at(41)).due_at == at(70)


def test_sev3_needs_no_user_comms():
    assert user_comms_due(Record(3).state, at(100)).phase == "none"


def test_resolved_before_the_deadline_needs_no_user_comms():
    assert user_comms_due(Record(2).resolve(10).state, at(60)).phase == "none"


# -- missed updates, from the record alone -------------------------------------------------------


def test_went_silent_for_45_minutes():
    state = Record(1).post(10).post(55).post(65).state
    missed = missed_updates(state, at(70))
    assert len(missed) == 1
    m = missed[0]
    assert (m.start, m.end, m.due_at) == (at(10), at(55), at(25))
    assert m.length == timedelta(minutes=45)
    assert m.cadence_minutes == 15 and m.severity is Severity.SEV1
    assert not m.ongoing
    assert silence_phrase(m.length) == "went silent for 45 minutes"
    assert m.describe() == "went silent for 45 minutes (SEV-1: updates every 15 min)"


def test_updates_on_time_miss_nothing():
    state = Record(1).post(14).post(28).post(43).state
    assert missed_updates(state, at(50)) == []


def test_a_silence_up_to_now_is_an_ongoing_miss():
    state = Record(2).post(5).state
    missed = missed_updates(state, at(50))
    assert len(missed) == 1
    assert missed[0].ongoing and missed[0].end == at(50) and missed[0].start == at(5)
    # The countdown and the record agree.
    assert next_update(state, at(50)).overdue


def test_counted_from_declaration():
    missed = missed_updates(Record(1).post(20).state, at(25))
    assert [(m.start, m.end) for m in missed] == [(at(0), at(20))]


def test_a_silence_ends_at_resolution():
    state = Record(2).resolve(50).state
    missed = missed_updates(state, at(300))
    assert len(missed) == 1
    assert (missed[0].start, missed[0].end, missed[0].ongoing) == (at(0), at(50), False)


def test_uses_the_cadence_in_force_at_the_time():
    # 50 silent minutes at SEV-3 are fine; once raised to SEV-1 the next 15 are not.
    fine = Record(3).post(50).state
    assert missed_updates(fine, at(55)) == []
    state = Record(3).post(50).sev(60, 1).post(80).state
    missed = missed_updates(state, at(85))
    assert len(missed) == 1
    m = missed[0]
    assert (m.start, m.end, m.due_at, m.cadence_minutes) == (at(50), at(80), at(65), 15)
    assert m.severity is Severity.SEV1


def test_a_miss_before_a_lowering_stays_on_the_record():
    state = Record(1).sev(20, 3).state
    missed = missed_updates(state, at(30))
    assert len(missed) == 1 and missed[0].cadence_minutes == 15 and missed[0].due_at == at(15)
    # Downgrading is free: the countdown itself now runs on the SEV-3 cadence.
    assert next_update(state, at(30)).due_at == at(60)


def test_one_miss_per_silence():
    state = Record(1).sev(20, 3).sev(30, 1).post(120).state
    assert len(missed_updates(state, at(130))) == 1


def test_sev4_silences_are_never_missed():
    assert missed_updates(Record(4).post(500).state, at(1000)) == []


def test_deterministic_and_appends_nothing():
    record = Record(1).post(10).post(55)
    state = record.state
    first = missed_updates(state, at(70))
    second = missed_updates(state, at(70))  # a second open screen asking the same question
    assert first == second
    assert len(state.events) == 3
    # Replaying the record to an earlier moment sees only what had happened by then.
    assert missed_updates(state, at(20)) == []
    assert len(missed_updates(state, at(30))) == 1 and missed_updates(state, at(30))[0].ongoing


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=12, seconds=30), "12m 30s"),
        (timedelta(minutes=4), "4m"),
        (timedelta(seconds=45), "45s"),
        (timedelta(hours=1, minutes=5, seconds=9), "1h 05m"),
        (timedelta(minutes=-4), "4m"),
    ],
)
def test_format_duration(delta, text):
    assert format_duration(delta) == text


def test_silence_phrase_singular():
    assert silence_phrase(timedelta(minutes=1, seconds=30)) == "went silent for 1 minute"
