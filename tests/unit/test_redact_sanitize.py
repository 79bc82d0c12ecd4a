"""Redaction of secrets a config uses and of credential shapes; display escaping of characters
that make a line read differently from what it holds."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from warroom.config.loader import parse_config
from warroom.redact import env_names_in, redact_bytes, redact_text, register_config_secrets
from warroom.sanitize import clean, terminal_json, visible
from warroom.sources.logcommand import CommandFollower
from warroom.sources.logscan import Matcher


def test_every_env_reference_in_the_config_is_found_wherever_it_is_used():
    text = (
        '[[probe]]\nname = "a"\nurl = "https://x.example/${BASE_PATH}"\n'
        'headers = { Authorization = "Bearer ${API_TOKEN}" }\n'
        '[[command]]\nname = "c"\nargv = ["psql", "${DB_URL}"]\n'
        '[[log]]\nname = "l"\nargv = ["kubectl", "--token=${KUBE_TOKEN}"]\n'
    )
    config, _problems = parse_config(text, "warroom.toml", {})
    assert env_names_in(config) == {"BASE_PATH", "API_TOKEN", "DB_URL", "KUBE_TOKEN"}


def test_registered_values_are_hidden_in_text_and_bytes():
    config, _ = parse_config('[[command]]\nname = "c"\nargv = ["x", "${UNIT_SECRET_A}"]\n', "w.toml", {})
    register_config_secrets(config, {"UNIT_SECRET_A": "unit-Secret-4471", "OTHER": "not-used-here"})
    assert redact_text("token unit-Secret-4471 seen") == "token *** seen"
    assert redact_bytes(b"x unit-Secret-4471 y") == b"x *** y"
    assert redact_text("not-used-here") == "not-used-here"  # only what the config references


def test_credential_shapes_are_hidden():
    line = (
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789 xoxb-1234-5678-abcdef AKIAABCDEFGHIJKLMNOP "
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop password=hunter22 ok"
    )
    shown = redact_text(line)
    for secret in ("ghp_abc", "xoxb-1234", "AKIAABCD", "eyJhbGci", "hunter22"):
        assert secret not in shown
    assert shown.endswith("password=*** ok")


async def test_a_followed_command_never_hands_on_its_expanded_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("UNIT_FOLLOW_TOKEN", "follow-Secret-9921")
    script = (
        "import sys, time\n"
        "print('error: first half ' + sys.argv[1][:8], end='', flush=True); time.sleep(0.3)\n"
        "print(sys.argv[1][8:] + ' end', flush=True); time.sleep(30)\n"
    )
    follower = CommandFollower([sys.executable, "-c", script, "${UNIT_FOLLOW_TOKEN}"], Matcher("error"))
    follower.start()
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            hits, _ = follower.drain()
            if hits:
                break
        assert [line for line, _ in hits] == [b"error: first half *** end"]
        assert "${UNIT_FOLLOW_TOKEN}" in follower.command_line
    finally:
        await follower.aclose()


def test_invisible_characters_are_shown_by_code_point_at_display():
    assert clean("a\u202eb\u2066c\u200bd\ufeffe\u2028f") == "a<U+202E>b<U+2066>c<U+200B>d<U+FEFF>e<U+2028>f"
    assert clean("x\u202e\ny", keep_newlines=True) == "x<U+202E>\ny"
    assert clean("plain words") == "plain words"


def test_visible_shows_control_characters_instead_of_sending_them():
    assert visible('key "\x1b]2;PWN\x07"') == 'key "\\x1b]2;PWN\\x07"'
    assert visible("a\u202eb") == "a<U+202E>b"


def test_terminal_json_is_exact_data_with_nothing_raw_for_the_terminal():
    data = {"text": "a\u202eb \x9b2J ü \U0001f600 \u0000"}
    out = terminal_json(data, indent=2)
    assert json.loads(out) == data
    assert "\u202e" not in out and "\x9b" not in out and "ü" in out


def test_redact_argv_hides_secret_options_headers_and_url_credentials():
    from warroom.redact import redact_argv

    shown, values = redact_argv(
        ["curl", "--token=s3cr3t", "-H", "Authorization: Bearer abcdef123", "-u", "bob:pw1234", "https://u:p@host/x"]
    )
    assert shown == ["curl", "--token=***", "-H", "Authorization: ***", "-u", "bob:***", "https://***@host/x"]
    assert "s3cr3t" in values and "pw1234" in values
    assert redact_argv(["mysql", "--password", "hunter22", "db"])[0] == ["mysql", "--password", "***", "db"]
    assert redact_argv(["env", "PGPASSWORD=abcd1234", "x", "password=zz"])[0] == [
        "env",
        "PGPASSWORD=***",
        "x",
        "password=***",
    ]
    # Not secrets: a flag that takes none, and ordinary options.
    assert redact_argv(["docker", "login", "--password-stdin", "bob"])[0] == [
        "docker",
        "login",
        "--password-stdin",
        "bob",
    ]
    assert redact_argv(["git", "log", "--author", "bob"])[0] == ["git", "log", "--author", "bob"]


def test_redact_json_hides_secrets_in_every_string_and_under_secret_keys():
    from warroom.redact import redact_json

    payload = {
        "text": "curl https://deploy:hunter2hunter2@api.example.com/x?token=abcdef123456",
        "headers": {"Authorization": "Bearer sk_live_51Habcdefghijkl", "Accept": "text/plain"},
        "argv": ["curl", "-H", "Cookie: session=abcdefgh1234"],
        "api_key": "k-1234567890",
        "exit_code": 0,
        "nested": [{"password": "p4ssw0rd!"}],
    }
    hidden = redact_json(payload)
    text = repr(hidden)
    for secret in (
        "hunter2hunter2",
        "abcdef123456",
        "sk_live_51Habcdefghijkl",
        "abcdefgh1234",
        "k-1234567890",
        "p4ssw0rd!",
    ):
        assert secret not in text
    assert hidden["headers"]["Accept"] == "text/plain" and hidden["exit_code"] == 0
    assert "api.example.com" in hidden["text"]
    assert redact_json(hidden) == hidden  # an export redacted again is unchanged


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("token Bearer sk-live-abcdef123", "sk-live-abcdef123"),  # the scheme word is not the value
        ("--token=abc123456", "abc123456"),
        ("token: sk-live-xyz123", "sk-live-xyz123"),
        ("private_key=MIIEvQIBADANBg", "MIIEvQIBADANBg"),
    ],
)
def test_a_token_after_a_key_or_a_scheme_word_is_hidden(text: str, secret: str):
    shown = redact_text(text)
    assert secret not in shown and "***" in shown


def test_a_batch_of_events_hides_every_repeat_of_a_secret_and_keeps_clean_events_as_they_are():
    """The postmortem and the md export redact a whole incident in one batch, remembering each
    text and payload it judged: a secret repeated across thousands of events is hidden every
    time, and what the batch gives equals redacting each event alone."""
    from datetime import UTC, datetime
    from types import MappingProxyType

    from warroom.domain.events import Event
    from warroom.redact import redacted_event, redacted_events

    at = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    secret_note = {"text": "curl https://deploy:hunter2hunter2@api.example.com/", "count": 1}
    events = [
        Event(1, at, "note", "bob", dict(secret_note), id=i)
        if i % 2
        else Event(1, at, "probe.down", "warroom", {"probe": "api", "text": "probe api DOWN"}, id=i)
        for i in range(1, 2001)
    ]
    events += [
        Event(1, at, "note", "bob", {"password": "p4ssw0rd!"}, id=3001),
        Event(1, at, "note", "bob", {"password": "p4ssw0rd!"}, id=3002),
        Event(1, at, "note", "bob", MappingProxyType({"text": "token=abcdef123456"}), id=3003),
        Event(1, at, "note", "bob", {"argv": ("curl", "-H", "Cookie: session=abcdefgh1234")}, id=3004),
    ]
    batch = redacted_events(events)
    assert batch == [redacted_event(ev) for ev in events]
    text = repr([dict(ev.payload) for ev in batch])
    for secret in ("hunter2hunter2", "p4ssw0rd!", "abcdef123456", "abcdefgh1234"):
        assert secret not in text
    assert (
        sum(
            "https://***@api.example.com/" not in repr(ev.payload) for ev in batch if ev.kind == "note" and ev.id < 3000
        )
        == 0
    )
    clean = [(ev, out) for ev, out in zip(events, batch, strict=True) if ev.kind == "probe.down"]
    assert all(out is ev for ev, out in clean)  # nothing to hide: no copy of 100,000 payloads
    assert all(out.payload is not ev.payload for ev, out in zip(events, batch, strict=True) if ev.kind == "note")
