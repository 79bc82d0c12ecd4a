"""What each line typed into the war room's command line means, checked without any UI."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, fold
from warroom.domain.slash import (
    SLASH_COMMANDS,
    Append,
    Empty,
    Invalid,
    Pin,
    SetActor,
    ShowHelp,
    Unchanged,
    complete,
    interpret,
)

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def state(*extra: Event) -> IncidentState:
    declared = Event(1, T0, Kind.DECLARED, "alice", {"title": "checkout 500s", "severity": 2}, id=1)
    folded = fold([declared, *extra])
    assert folded is not None
    return folded


def test_plain_text_is_a_note_and_double_slash_escapes_a_leading_slash():
    assert interpret("  db failover started ", state()) == Append(
        Kind.NOTE, {"text": "db failover started"}, "note saved"
    )
    cmd = interpret("//etc/hosts was edited", state())
    assert isinstance(cmd, Append) and cmd.payload == {"text": "/etc/hosts was edited"}
    assert interpret("   ", state()) == Empty()


def test_sev_records_from_to_and_reason_like_the_cli():
    cmd = interpret("/sev 1 most EU checkouts failing", state())
    assert isinstance(cmd, Append)
    assert cmd.kind == Kind.SEVERITY
    assert cmd.payload == {"from": 2, "to": 1, "reason": "most EU checkouts failing"}
    assert "raised" in cmd.done
    assert interpret("/sev SEV-3", state()).payload == {"from": 2, "to": 3, "reason": ""}


def test_sev_refuses_nonsense_and_no_change():
    assert isinstance(interpret("/sev", state()), Invalid)
    bad = interpret("/sev 7", state())
    assert isinstance(bad, Invalid) and "unknown severity" in bad.message
    same = interpret("/sev 2", state())
    assert isinstance(same, Unchanged) and "already SEV-2" in same.message


def test_status_accepts_prefixes_and_keeps_the_text():
    cmd = interpret("/status ident bad deploy 4f2a91c", state())
    assert isinstance(cmd, Append) and cmd.kind == Kind.STATUS
    assert cmd.payload == {"from": "Investigating", "to": "Identified", "text": "bad deploy 4f2a91c"}
    assert isinstance(interpret("/status investigating", state()), Unchanged)
    assert isinstance(interpret("/status sideways", state()), Invalid)


def test_ic_and_role_use_canonical_role_names():
    assert interpret("/ic @alice", state()).payload == {"role": "Incident Commander", "person": "alice"}
    assert interpret("/role comms carol", state()).payload == {"role": "Comms Lead", "person": "carol"}
    assert interpret("/role comms lead carol", state()).payload == {"role": "Comms Lead", "person": "carol"}
    assert interpret("/role tech-lead bob", state()).payload == {"role": "Tech Lead", "person": "bob"}
    assert interpret("/role deputy dave", state(), ["Deputy"]).payload == {"role": "Deputy", "person": "dave"}
    unknown = interpret("/role janitor dave", state())
    assert isinstance(unknown, Invalid) and "unknown role" in unknown.message
    assert isinstance(interpret("/role comms", state()), Invalid)


def test_assigning_the_same_person_again_records_nothing():
    held = state(Event(1, T0, Kind.ROLE_ASSIGNED, "alice", {"role": "Incident Commander", "person": "alice"}, id=2))
    again = interpret("/ic alice", held)
    assert isinstance(again, Unchanged) and "already Incident Commander" in again.message


def test_names_with_control_characters_are_refused():
    assert isinstance(interpret("/ic bob\x1b]2;owned\x07", state()), Invalid)
    assert isinstance(interpret("/as \x07", state()), Invalid)


def test_names_are_one_handle_each():
    for line in (
        "/role comms carol/ack",
        "/role comms carol smith",
        "/ic al ice",
        "/as bob;rm",
        "/as \u202ebob",
        "/ic " + "a" * 81,
    ):
        refused = interpret(line, state())
        assert isinstance(refused, Invalid), line
        assert "refused" in refused.message and "\n" not in refused.message
    assert "a name is one word of letters, digits, . _ - @" in interpret("/role comms carol/ack", state()).message
    for name in ("carol", "c.smith", "c_smith", "carol-2", "carol@example.com", "josé"):
        assert interpret(f"/role comms {name}", state()).payload["person"] == name
        assert interpret(f"/as {name}", state()) == SetActor(name)


def test_role_dash_vacates_and_punctuation_alone_is_not_a_name():
    held = state(Event(1, T0, Kind.ROLE_ASSIGNED, "alice", {"role": "Comms Lead", "person": "bob"}, id=2))
    assert interpret("/role comms -", held) == Append(
        Kind.ROLE_RELEASED, {"role": "Comms Lead"}, "Comms Lead is now vacant"
    )
    assert isinstance(interpret("/role comms -", state()), Unchanged)
    for line in ("/ic .", "/as @", "/role comms --"):
        assert isinstance(interpret(line, state()), Invalid), line


def test_ack_mitigated_resolve():
    assert interpret("/ack", state()) == Append(Kind.ACKNOWLEDGED, {}, "acknowledged")
    acked = state(Event(1, T0, Kind.ACKNOWLEDGED, "alice", {}, id=2))
    assert isinstance(interpret("/ack", acked), Unchanged)
    assert interpret("/mitigated rolled back 4f2a91c", state()).payload == {"text": "rolled back 4f2a91c"}
    assert isinstance(interpret("/mitigated", state()), Invalid)
    resolve = interpret("/resolve metrics normal for 30m", state())
    assert isinstance(resolve, Append) and resolve.kind == Kind.RESOLVED
    assert resolve.payload == {"text": "metrics normal for 30m"}
    assert resolve.confirm and "INC-1" in resolve.confirm
    resolved = state(Event(1, T0, Kind.RESOLVED, "alice", {"text": ""}, id=2))
    assert isinstance(interpret("/resolve", resolved), Unchanged)


def test_screen_commands():
    assert interpret("/as Bob", state()) == SetActor("Bob")
    assert interpret("/pin checkout-api", state()) == Pin("checkout-api")
    assert isinstance(interpret("/pin", state()), Invalid)
    assert interpret("/help", state()) == ShowHelp()
    assert interpret("/HELP", state()) == ShowHelp()


def test_unknown_commands_say_so_and_suggest():
    bad = interpret("/stat identified", state())
    assert isinstance(bad, Invalid) and "/stat" in bad.message and "/status" in bad.message


def test_overlong_text_is_refused_not_truncated():
    assert isinstance(interpret("x" * 5000, state()), Invalid)


def test_complete_commands_and_arguments():
    assert complete("/se").text == "/sev "
    both = complete("/s")
    assert both.text == "/s" and set(both.candidates) == {"sev", "status"}
    assert complete("/status mon").text == "/status monitoring "
    assert complete("/ic al", names=["alice", "bob"]).text == "/ic alice "
    assert complete("/role co").text == "/role comms-lead "
    assert complete("/role cu", extra_roles=["Customer Liaison"]).text == "/role customer-liaison "
    assert complete("/role tech-lead b", names=["bob", "Bea"]).candidates == ("Bea", "bob")
    assert complete("/pin chec", panes=["checkout-api", "search"]).text == "/pin checkout-api "
    assert complete("plain note").text == "plain note"
    assert complete("/sev 1 reason").text == "/sev 1 reason"


def test_every_command_has_usage_and_help():
    for name, (usage, text) in SLASH_COMMANDS.items():
        assert usage.startswith(f"/{name}") and text
