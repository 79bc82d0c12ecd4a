"""Which coach warnings fired, replayed from the record alone: at each event and at each deadline
that passed with nothing recorded, the same list whenever it is asked."""

from __future__ import annotations

from tests.support.incident_builder import Incident, at
from warroom.domain.coach_replay import fired


def fired_at(incident: Incident, minute: float) -> list[tuple[str, str]]:
    return [(f.warning.rule, f.at.strftime("%H:%M:%S")) for f in fired(incident.events, at(minute))]


def test_each_warning_fires_once_when_its_situation_first_held():
    inc = Incident(1).deploy(-12).note(3, "pushing a hotfix").ic(5, "alice").tech(6, "alice").mitigated(20)
    assert fired_at(inc, 40) == [
        ("no-ic", "03:00:00"),  # declared with no IC
        ("fix-forward", "03:03:00"),  # the note about a hotfix, a deploy 12 min before
        ("ic-tech-lead", "03:06:00"),
        ("no-mitigation", "03:15:00"),  # 15 minutes at SEV-1 with nothing mitigated
        ("update-overdue", "03:15:01"),  # SEV-1: the first update was due at 03:15, nothing posted
        ("user-update-overdue", "03:30:01"),  # and users were to hear from us within 30 min
    ]


def test_deadlines_fire_with_no_event_recorded_at_them():
    inc = Incident(2).ic(1)
    declared = ("no-ic", "03:00:00")  # for the minute before the IC was named
    assert fired_at(inc, 14) == [declared]
    assert fired_at(inc, 16) == [declared, ("no-mitigation", "03:15:00")]
    # SEV-2: the update (30 min cadence) and the first user update (30 min) are both due at 03:30.
    assert fired_at(inc, 31) == [
        declared,
        ("no-mitigation", "03:15:00"),
        ("update-overdue", "03:30:01"),
        ("user-update-overdue", "03:30:01"),
    ]


def test_each_missed_deadline_is_its_own_warning():
    inc = Incident(1).ic(1).mitigated(2).post(16).post(40)  # internal posts, 15-min cadence
    overdue = [f for f in fired(inc.events, at(60)) if f.warning.rule == "update-overdue"]
    assert [f.at.strftime("%H:%M:%S") for f in overdue] == ["03:15:01", "03:31:01", "03:55:01"]
    assert len({f.warning.key for f in overdue}) == 3


def test_a_dismissal_is_shown_with_who_dismissed_it():
    inc = Incident(2).ic(1, "alice").tech(2, "alice").dismiss(4, "ic-tech-lead", "alice|SEV-2", actor="carol")
    (item,) = [f for f in fired(inc.events, at(5)) if f.warning.rule == "ic-tech-lead"]
    assert item.dismissal is not None and item.dismissal.actor == "carol" and item.dismissal.at == at(4)
    data = item.to_json()
    assert data["dismissed_by"] == "carol" and data["quote"].startswith("Coordinates, makes decisions")


def test_the_same_record_gives_the_same_list():
    inc = Incident(1).note(3, "root cause is the pool").ic(20, "bob").resolve(50)
    assert fired(inc.events, at(70)) == fired(list(reversed(inc.events)), at(70))
    rules = [f.warning.rule for f in fired(inc.events, at(70))]
    assert rules[-1] == "no-postmortem" and "root-cause-first" in rules
