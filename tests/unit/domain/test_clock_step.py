"""An NTP step of the wall clock mid-incident, with injected clocks (no sleeping, no faketime):
the step is seen, intervals stay elapsed time, record times stay as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain import catalogue
from warroom.domain.cadence import next_update
from warroom.domain.clock_step import StepWatch, shifted, signed_span, steady_events
from warroom.domain.events import Event, Kind, parse_ts
from warroom.domain.incident import fold
from warroom.services.follow import advance
from warroom.services.steady_time import SteadyTime

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Clocks:
    """A wall clock and a monotonic clock moved by hand: `run(s)` moves both, `step(d)` the wall only."""

    def __init__(self) -> None:
        self.wall_at = T0
        self.mono_at = 5000.0

    def wall(self) -> datetime:
        return self.wall_at

    def mono(self) -> float:
        return self.mono_at

    def run(self, seconds: float) -> None:
        self.wall_at += timedelta(seconds=seconds)
        self.mono_at += seconds

    def step(self, delta: timedelta) -> None:
        self.wall_at += delta


def ev(id_: int, at: datetime, kind: str, payload: dict, recorded: datetime | None = None) -> Event:
    return Event(1, at, kind, "alice", payload, id=id_, recorded_at=recorded or at)


def test_a_step_of_an_hour_either_way_is_seen_once_and_slewing_is_not():
    clocks = Clocks()
    watch = StepWatch(clocks.wall(), clocks.mono())
    clocks.run(30)
    clocks.step(timedelta(seconds=90))  # NTP slewing or a slow look: under the 2 min threshold
    assert watch.observe(clocks.wall(), clocks.mono()) is None
    assert watch.offset == timedelta(0)

    clocks.run(1)
    clocks.step(HOUR)
    step = watch.observe(clocks.wall(), clocks.mono())
    assert step is not None and step.delta == HOUR
    assert watch.steady(clocks.wall()) == clocks.wall() - HOUR
    clocks.run(1)
    assert watch.observe(clocks.wall(), clocks.mono()) is None, "seen once, not on every look"

    clocks.step(-HOUR)
    back = watch.observe(clocks.wall(), clocks.mono())
    assert back is not None and back.delta == -HOUR
    assert watch.offset == timedelta(0) and watch.frames == [timedelta(0), HOUR]


def test_the_step_event_says_how_far_and_that_countdowns_use_elapsed_time():
    payload = catalogue.build(Kind.CLOCK_STEPPED, step_s=3600.0, before=T0, after=T0 + HOUR)
    assert payload["text"] == "clock stepped +1h 00m (NTP?); countdowns use elapsed time"
    assert parse_ts(payload["after"]) - parse_ts(payload["before"]) == HOUR
    line = catalogue.long_text(Event(1, T0 + HOUR, Kind.CLOCK_STEPPED, "warroom", payload))
    assert "clock stepped +1h 00m" in line
    assert Kind.CLOCK_STEPPED in catalogue.SYSTEM_KINDS
    assert signed_span(-HOUR) == "-1h 00m" and signed_span(timedelta(minutes=3)) == "+3m"
    with pytest.raises(ValueError):
        catalogue.build(Kind.CLOCK_STEPPED, step_s="an hour", before=T0, after=T0)


def test_ten_screens_seeing_one_step_a_second_apart_share_its_dedupe_key():
    keys = set()
    for lag in range(10):
        clocks = Clocks()
        watch = StepWatch(clocks.wall(), clocks.mono())
        clocks.run(60 + lag * 0.1)
        clocks.step(HOUR)
        step = watch.observe(clocks.wall(), clocks.mono())
        assert step is not None
        keys.add(step.dedupe_key())
    assert len(keys) == 1


def test_an_event_shifted_keeps_its_words_and_moves_its_back_dated_times():
    event = ev(3, T0, Kind.MILESTONE, {"name": "detected", "at": "2026-11-26T02:50:00.000000Z"})
    moved = shifted(event, -HOUR)
    assert moved.at == T0 - HOUR and moved.recorded_at == T0 - HOUR
    assert parse_ts(moved.payload["at"]) == datetime(2026, 11, 26, 1, 50, tzinfo=UTC)
    assert moved.payload["name"] == "detected" and moved.id == 3
    assert event.payload["at"] == "2026-11-26T02:50:00.000000Z", "the original is untouched"
    assert shifted(event, timedelta(0)) is event


def test_a_record_with_a_step_reads_in_the_frame_after_it():
    """A screen opened after a recorded +1h step: the events before it move forward an hour, so
    'declared 10 minutes ago' is 10 minutes of elapsed time, not 1 h 10 min."""
    events = (
        ev(1, T0, Kind.DECLARED, {"title": "Checkout 500s", "severity": 1}),
        ev(2, T0 + timedelta(minutes=5), Kind.COMMS_POSTED, {"audience": "internal", "text": "looking"}),
        ev(
            3,
            T0 + timedelta(minutes=6) + HOUR,
            Kind.CLOCK_STEPPED,
            catalogue.clock_stepped(
                step_s=3600, before=T0 + timedelta(minutes=6), after=T0 + timedelta(minutes=6) + HOUR
            ),
        ),
        ev(4, T0 + timedelta(minutes=8) + HOUR, Kind.NOTE, {"text": "pool exhausted"}),
    )
    moved = steady_events(events)
    assert [e.at - T0 for e in moved] == [HOUR, HOUR + timedelta(minutes=5), *(e.at - T0 for e in events[2:])]
    state = fold(moved)
    assert state is not None
    now = T0 + HOUR + timedelta(minutes=10)  # the wall clock now, in the new frame
    due = next_update(state, now)
    assert due.phase == "ok" and due.remaining == timedelta(minutes=10), "15 min from the post 10 min ago"
    assert now - state.declared_at == timedelta(minutes=10)
    no_step = events[:2]
    assert steady_events(no_step) is no_step, "no step recorded: nothing copied"


@pytest.mark.parametrize("step", [HOUR, -HOUR])
def test_steady_time_keeps_the_countdown_and_elapsed_through_a_step(step: timedelta):
    """The screen's timing: declared at T0 (SEV-1: updates every 15 min), a post at +5 min; the
    wall clock steps at +6 min; a post written after the step (new frame) resets the countdown."""
    clocks = Clocks()
    declared = ev(1, T0, Kind.DECLARED, {"title": "Checkout 500s", "severity": 1})
    post = ev(2, T0 + timedelta(minutes=5), Kind.COMMS_POSTED, {"audience": "internal", "text": "looking"})
    state = fold([declared, post])
    assert state is not None
    clocks.run(6 * 60)
    steady = SteadyTime(clocks.wall, clocks.mono)
    timing = steady.reset(state)
    assert next_update(timing, steady.now()).remaining == timedelta(minutes=14)

    clocks.step(step)
    now = steady.now()
    assert now == T0 + timedelta(minutes=6), "steady time did not jump"
    assert [s.delta for s in steady.take_steps()] == [step]
    assert now - timing.declared_at == timedelta(minutes=6), "elapsed stays 6 minutes"
    assert next_update(timing, now).remaining == timedelta(minutes=14)

    clocks.run(60)  # a post written with the (stepped) wall clock, a minute later
    later = ev(3, clocks.wall(), Kind.COMMS_POSTED, {"audience": "internal", "text": "rolled back"})
    wall_state = advance(state, [later])
    timing = steady.advance(wall_state, [later])
    assert wall_state.comms[-1].at == T0 + timedelta(minutes=7) + step, "record time: the wall clock"
    assert timing.comms[-1].at == T0 + timedelta(minutes=7), "interval time: elapsed since the screen began"
    assert next_update(timing, steady.now()).remaining == timedelta(minutes=15), "the post reset it"
    clocks.run(120)
    assert next_update(timing, steady.now()).remaining == timedelta(minutes=13)
    assert steady.now() - timing.declared_at == timedelta(minutes=9)


def test_an_event_written_just_before_the_step_and_read_after_stays_in_the_old_frame():
    clocks = Clocks()
    declared = ev(1, T0, Kind.DECLARED, {"title": "Checkout 500s", "severity": 1})
    state = fold([declared])
    assert state is not None
    steady = SteadyTime(clocks.wall, clocks.mono)
    steady.reset(state)
    clocks.run(60)
    written = ev(2, clocks.wall(), Kind.COMMS_POSTED, {"audience": "internal", "text": "looking"})
    clocks.step(HOUR)  # the follower reads it a moment after the step
    timing = steady.advance(advance(state, [written]), [written])
    assert timing.comms[-1].at == T0 + timedelta(minutes=1)


def test_without_a_monotonic_clock_the_wall_clock_is_taken_as_it_is():
    """A test's hand-moved clock jumps on purpose: no step is seen and nothing is shifted."""
    clocks = Clocks()
    state = fold([ev(1, T0, Kind.DECLARED, {"title": "x", "severity": 2})])
    assert state is not None
    steady = SteadyTime(clocks.wall, None)
    assert steady.reset(state) is state
    clocks.step(HOUR)
    assert steady.now() == T0 + HOUR and steady.take_steps() == []


def test_time_to_mitigate_and_resolve_across_a_recorded_step_are_elapsed_time():
    """Started and detected at T0, the clock steps +1h at +10 min, mitigated at +20 min and
    resolved at +30 min (written in the new frame): MTTM 20 min and MTTR 30 min, not 1h 20m."""
    from warroom.domain.metrics import incident_metrics

    step_at = T0 + timedelta(minutes=10)
    events = [
        ev(1, T0, Kind.DECLARED, {"title": "Checkout 500s", "severity": 2}),
        ev(
            2,
            step_at + HOUR,
            Kind.CLOCK_STEPPED,
            catalogue.clock_stepped(step_s=3600, before=step_at, after=step_at + HOUR),
        ),
        ev(3, T0 + timedelta(minutes=20) + HOUR, Kind.MITIGATED, {"text": "rolled back"}),
        ev(4, T0 + timedelta(minutes=30) + HOUR, Kind.RESOLVED, {"text": "errors normal"}),
    ]
    state = fold(events)
    assert state is not None
    metrics = incident_metrics(state)
    assert metrics.mttm == timedelta(minutes=20) and metrics.mttr == timedelta(minutes=30)
    assert state.milestones.resolved == T0 + timedelta(minutes=30) + HOUR, "the record keeps the wall time"
    without = fold([events[0], events[2], events[3]])
    assert without is not None and incident_metrics(without).mttr == timedelta(minutes=30) + HOUR


def test_a_screen_does_not_record_a_step_another_screen_just_recorded():
    """Ten screens see one step: the first records it; the others find it in the record (even
    astride the dedupe key's 5-minute bucket); a later step of another size is recorded."""
    from warroom.ui.screens.clock_steps import already_recorded

    clocks = Clocks()
    watch = StepWatch(clocks.wall(), clocks.mono())
    clocks.run(30)
    clocks.step(HOUR)
    step = watch.observe(clocks.wall(), clocks.mono())
    assert step is not None
    declared = ev(1, T0, Kind.DECLARED, {"title": "x", "severity": 2})
    state = fold([declared])
    assert not already_recorded(state, step)
    recorded = ev(2, step.after + timedelta(seconds=1), Kind.CLOCK_STEPPED, step.payload())
    state = fold([declared, recorded])
    assert already_recorded(state, step)
    clocks.run(10)
    clocks.step(-HOUR)
    back = watch.observe(clocks.wall(), clocks.mono())
    assert back is not None and not already_recorded(state, back)
