"""Disk and memory thresholds: one event going over, one coming back, no flapping in between."""

from datetime import UTC, datetime, timedelta

from warroom.domain.events import Kind
from warroom.domain.resource_rules import ResourceThresholds, resource_samples

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return NOW + timedelta(seconds=seconds)


def texts(events):
    return [e.text for e in events]


def test_disk_crossing_up_emits_once_then_recovers_once():
    t = ResourceThresholds()
    assert t.observe(50.0, {"/": 90.0}, at(0)) == []
    up = t.observe(50.0, {"/": 96.2}, at(2))
    assert texts(up) == ["disk / at 96% (>= 95%)"]
    assert up[0].kind == Kind.RESOURCE and up[0].at == at(2)
    assert up[0].payload["metric"] == "disk:/" and up[0].payload["state"] == "high"
    assert t.observe(50.0, {"/": 97.0}, at(4)) == []  # still high: nothing new
    assert t.observe(50.0, {"/": 98.5}, at(6)) == []
    down = t.observe(50.0, {"/": 90.0}, at(8))
    assert texts(down) == ["disk / back to 90% (< 95%)"]
    assert t.observe(50.0, {"/": 89.0}, at(10)) == []


def test_memory_crossing_and_recovery():
    t = ResourceThresholds(memory=95.0)
    assert texts(t.observe(97.0, {}, at(0))) == ["memory at 97% (>= 95%)"]  # already high at start
    assert texts(t.observe(80.0, {}, at(2))) == ["memory back to 80% (< 95%)"]


def test_hovering_at_the_line_does_not_flap():
    t = ResourceThresholds(disk=95.0, hysteresis=2.0)
    values = [95.0, 94.9, 95.1, 93.5, 95.0, 94.0, 93.1]
    events = [e for i, v in enumerate(values) for e in t.observe(None, {"/var": v}, at(i))]
    assert texts(events) == ["disk /var at 95% (>= 95%)"]
    assert t.is_high("disk:/var")
    assert texts(t.observe(None, {"/var": 92.9}, at(99))) == ["disk /var back to 93% (< 95%)"]


def test_each_mount_is_tracked_on_its_own_and_a_missing_mount_keeps_its_state():
    t = ResourceThresholds(disk=90.0)
    assert texts(t.observe(None, {"/": 91.0, "/var": 50.0}, at(0))) == ["disk / at 91% (>= 90%)"]
    assert t.observe(None, {"/var": 50.0}, at(2)) == []  # "/" could not be read: no fake recovery
    assert texts(t.observe(None, {"/": 91.0, "/var": 99.0}, at(4))) == ["disk /var at 99% (>= 90%)"]


def test_custom_thresholds_show_in_the_text():
    t = ResourceThresholds(disk=80.5, memory=90.0)
    assert texts(t.observe(90.0, {"/": 81.0}, at(0))) == ["memory at 90% (>= 90%)", "disk / at 81% (>= 80.5%)"]


def test_samples_for_cpu_memory_and_each_mount():
    samples = resource_samples(12.5, 40.0, {"/": 22.0, "/var": 70.0}, NOW)
    assert [(s.series, s.value) for s in samples] == [
        ("resources.cpu", 12.5),
        ("resources.memory", 40.0),
        ("resources.disk:/", 22.0),
        ("resources.disk:/var", 70.0),
    ]
    assert resource_samples(None, None, {}, NOW) == []
