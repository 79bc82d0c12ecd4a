"""The demo's log: a realistic rate, an error burst with distinct messages, one rotation."""

from __future__ import annotations

import re
from datetime import timedelta

from warroom.demo.logwriter import LogWriter
from warroom.demo.state import ManualClock, Phase, WorldState
from warroom.domain.events import parse_ts
from warroom.domain.log_rules import mask_message

MATCH = re.compile(r"error|panic|fatal", re.I)


def lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def make(tmp_path, speed: float = 1.0, seed: int = 0) -> tuple[LogWriter, ManualClock, WorldState]:
    clock = ManualClock(speed=speed)
    state = WorldState(clock)
    return LogWriter(tmp_path / "logs" / "api.log", state, seed=seed), clock, state


def test_quiet_service_writes_a_few_info_lines_a_second(tmp_path) -> None:
    writer, clock, _ = make(tmp_path)
    for _ in range(60):
        clock.advance(1.0)
        writer.tick()
    text = lines(writer.path)
    info = [ln for ln in text if " INFO " in ln]
    assert 150 <= len(info) <= 200  # 3 a second for a minute
    assert sum(1 for ln in text if MATCH.search(ln)) <= 4  # the baseline: about two a minute


def test_speed_scales_the_rate(tmp_path) -> None:
    writer, clock, _ = make(tmp_path, speed=20)
    clock.advance(3.0)  # 60 script seconds
    assert 170 <= writer.tick() <= 200


def test_bad_deploy_bursts_errors_with_a_few_distinct_messages_then_they_fade(tmp_path) -> None:
    writer, clock, state = make(tmp_path)
    state.set_phase(Phase.OUTAGE)
    clock.advance(30)
    writer.tick()
    errors = [ln for ln in lines(writer.path) if MATCH.search(ln)]
    assert len(errors) >= 120  # ~5 a second
    groups = {mask_message(ln) for ln in errors}
    assert 4 <= len(groups) <= 6  # a few messages whose numbers, ids and IPs vary
    assert any("panic:" in ln for ln in errors)
    assert len(set(errors)) > len(errors) * 0.9  # the same message never repeats verbatim

    state.set_phase(Phase.RECOVERED)
    for _ in range(120):
        clock.advance(1)
        writer.tick()
    settled = sum(1 for ln in lines(writer.path) if MATCH.search(ln))
    for _ in range(60):
        clock.advance(1)
        writer.tick()
    late = sum(1 for ln in lines(writer.path) if MATCH.search(ln)) - settled
    assert late <= 3  # back to the baseline a couple of minutes after the rollback


def test_rotation_renames_and_starts_a_new_file_losing_nothing(tmp_path) -> None:
    writer, clock, _ = make(tmp_path)
    clock.advance(10)
    writer.tick()
    old = lines(writer.path)
    rotated = writer.rotate()
    assert rotated.name == "api.log.1"
    assert lines(rotated) == old
    clock.advance(10)
    new = writer.tick()
    assert new > 0 and len(lines(writer.path)) == new
    assert writer.written == len(old) + new


def test_history_covers_the_backfill_window_with_timestamps(tmp_path) -> None:
    writer, clock, _ = make(tmp_path)
    n = writer.write_history(15)
    text = lines(writer.path)
    assert n == len(text) > 200
    first, last = parse_ts(text[0].split()[0]), parse_ts(text[-1].split()[0])
    assert timedelta(minutes=14) < clock.now() - first <= timedelta(minutes=15)
    assert last <= clock.now()
    assert any(MATCH.search(ln) for ln in text)  # a baseline of errors to measure a spike against


def test_same_seed_same_lines(tmp_path) -> None:
    a, clock_a, _ = make(tmp_path / "a", seed=7)
    b, clock_b, _ = make(tmp_path / "b", seed=7)
    c, clock_c, _ = make(tmp_path / "c", seed=8)
    for writer, clock in ((a, clock_a), (b, clock_b), (c, clock_c)):
        clock.advance(5)
        writer.tick()
    assert lines(a.path) == lines(b.path)
    assert lines(a.path) != lines(c.path)


# -- reproducible with --seed: content is a function of (seed, script time), not of thread timing --


def masked(path) -> list[str]:
    """The lines without their wall-clock timestamps."""
    return [ln.split(" ", 1)[1] for ln in lines(path)]


def play(tmp_path, name: str, steps: list[float], seed: int = 5) -> LogWriter:
    """Tick at uneven wall steps through a bad deploy at 60 s and a rollback at 250 s (script)."""
    writer, clock, state = make(tmp_path / name, speed=20, seed=seed)
    changes = [(60.0, Phase.OUTAGE), (250.0, Phase.RECOVERED)]
    i = 0
    while clock.elapsed() < 400:
        clock.advance(steps[i % len(steps)])
        i += 1
        # The story thread notices each change a little late but stamps it at its scripted time.
        while changes and clock.elapsed() >= changes[0][0]:
            state.set_phase(changes[0][1], at=changes[0][0])
            changes.pop(0)
        writer.tick()
    clock.advance(max(0.0, (400 - clock.elapsed()) / 20))
    return writer


def test_same_seed_same_content_line_for_line_whatever_the_tick_timing(tmp_path) -> None:
    a = play(tmp_path, "a", [0.25])
    b = play(tmp_path, "b", [0.07, 0.61, 0.33, 0.013, 1.9])
    c = play(tmp_path, "c", [0.25], seed=6)
    # Up to the same script time (the last ticks stopped at different moments).
    end = min(len(masked(a.path)), len(masked(b.path)))
    assert end > 2000
    assert masked(a.path)[:end] == masked(b.path)[:end]
    errors = [i for i, ln in enumerate(masked(a.path)) if ln.startswith("ERROR")]
    assert len(errors) > 800  # the burst is in it, at the same line numbers in both
    assert masked(a.path)[:end] != masked(c.path)[:end]


def test_nothing_is_written_past_what_the_story_has_settled(tmp_path) -> None:
    writer, clock, state = make(tmp_path)
    state.settle(10.0)  # the scenario runner has only looked up to 10 s
    clock.advance(30)
    writer.tick()
    info = sum(1 for ln in lines(writer.path) if " INFO " in ln)
    assert info == 30  # 3 a second for the settled 10 s, not 30 s
    state.set_phase(Phase.OUTAGE, at=12.0)  # a change the runner stamps after what it settled
    state.settle(30.0)
    writer.tick()
    errors = [ln for ln in lines(writer.path) if ln.split(" ", 2)[1] == "ERROR"]
    assert 85 <= len(errors) <= 100  # 18 s of outage at ~5.4 a second, none before 12 s


def test_rotation_at_a_script_time_splits_on_the_same_line(tmp_path) -> None:
    splits = []
    for name, early in (("a", 0.3), ("b", 4.9)):
        writer, clock, _ = make(tmp_path / name)
        clock.advance(early)  # one writer last ticked long before the rotation, the other just before
        writer.tick()
        clock.advance(5.7 - early)
        rotated = writer.rotate(at=5.0)
        splits.append((masked(rotated), masked(writer.path)))
        clock.advance(2)
        writer.tick()
        splits[-1] = (masked(rotated), masked(writer.path))
    assert splits[0] == splits[1]
    assert sum(1 for ln in splits[0][0] if ln.startswith("INFO")) == 15  # 3 a second for 5 s in the old file
