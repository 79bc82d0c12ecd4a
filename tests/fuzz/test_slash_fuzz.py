"""Lines typed into the war room and times typed anywhere, fuzzed: each gives a clear error or a
correct event, the event is appended to a real SQLite store, and the record still reads and folds.
The CLI's own argument path (`warroom sev/status/role/note --at`) is fuzzed in-process too."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.domain.events import Kind
from warroom.domain.slash import SLASH_COMMANDS, Append, Invalid, interpret
from warroom.domain.timeparse import parse_duration, parse_time
from warroom.store.sync import EventStore

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
KINDS = {v for k, v in vars(Kind).items() if k.isupper()}

# Words a hurried or hostile typist might give a command: roles, severities, statuses, names,
# and text carrying markup, escapes, controls, bidi and zero-width characters.
HOSTILE = [
    "[bold]x[/]", "[/]", "[link=https://evil.example]click[/link]", "\x1b]0;PWNED\x07", "\x1b[31mRED",
    "\x1bP1;2|x\x1b\\", "\x9b31m", "\x85", "\u202eevil", "a\u200bb", "\ufeff", "\x00", "\udcff", "@", "-",
    "--public", "ic", "comms", "scribe", "tech", "tech-lead", "1", "0", "-1", "5", "SEV-2", "sev1", "99999999999999999999",
    "1e9", "investigating", "identified", "monitoring", "resolved", "alice", "@bob", "carol smith", "x" * 200,
]  # fmt: skip
word = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
command_names = st.sampled_from(sorted(SLASH_COMMANDS) + ["", "nope", "SEV", "Status", "/"])


@st.composite
def typed_lines(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=60))
    words = draw(st.lists(word, max_size=5))
    return f"/{draw(command_names)} " + " ".join(words)


def _check_one_line(message: str) -> None:
    assert message and message.strip() == message
    assert "Traceback" not in message


@given(lines=st.lists(typed_lines(), min_size=1, max_size=8))
def test_typed_lines_give_an_error_or_an_event_and_the_store_still_reads(tmp_path_factory, lines: list[str]) -> None:
    db = tmp_path_factory.mktemp("db") / "w.db"
    with EventStore.open(db) as store:
        incident = store.declare("checkout 500s", 2, actor="alice", at=NOW).incident_id
        actor = "alice"
        appended = 1
        for line in lines:
            state = store.incident(incident)
            command = interpret(line, state, actor=actor)
            if isinstance(command, Invalid):
                _check_one_line(command.message)
                continue
            if not isinstance(command, Append):
                continue
            assert command.kind in KINDS, command
            _check_one_line(command.done)
            store.append(incident, command.kind, command.payload, actor=actor, at=NOW)
            appended += 1
            for kind, payload in command.then:
                store.append(incident, kind, payload, actor=actor, at=NOW)
                appended += 1
            folded = store.incident(incident)
            assert folded is not None
            if command.kind == Kind.SEVERITY:
                assert int(folded.severity) == command.payload["to"]
        events = store.events(incident)
        assert len(events) == appended
        assert store.incident(incident) is not None


@given(text=st.one_of(st.text(max_size=30), st.sampled_from(["-15m", "03:12", "now", "-99999999999d", "2026-11-26T03:12Z",
    "9999-12-31T23:59Z", "0001-01-01", "24:00", "-0s", "1h30m", "-1h-1h", "\x1b[31m03:12", "-١٥m", "０３:１２"])))  # fmt: skip
def test_times_and_durations_parse_or_say_why(text: str) -> None:
    try:
        when = parse_time(text, NOW, started=NOW - timedelta(hours=1))
    except ValueError as exc:
        _check_one_line(str(exc))
    else:
        assert when.tzinfo is not None and when <= NOW + timedelta(minutes=5)
    try:
        parse_duration(text)
    except ValueError as exc:
        _check_one_line(str(exc))


CLI_COMMANDS = [
    ["sev"], ["status"], ["role"], ["note"], ["ack"], ["mitigated"], ["sev", "--at"], ["note", "--at"],
    ["status", "--as"], ["role", "--at"], ["declare", "--sev"], ["declare", "--at"],
]  # fmt: skip


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(CLI_COMMANDS), args=st.lists(word, max_size=4))
def test_cli_arguments_give_a_clear_error_or_a_recorded_event(tmp_path_factory, monkeypatch_env, command, args) -> None:
    from warroom.cli import main

    db = tmp_path_factory.mktemp("cli") / "w.db"
    monkeypatch_env(db)
    with EventStore.open(db) as store:
        store.declare("checkout 500s", 2, actor="alice", at=datetime.now(UTC) - timedelta(minutes=30))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*command, *args])
        except SystemExit as exc:  # argparse's usage error: exit 2 with a usage line
            code = exc.code if isinstance(exc.code, int) else 2
    assert "Traceback" not in err.getvalue()
    assert "\x1b" not in out.getvalue() + err.getvalue() and "\x9b" not in out.getvalue() + err.getvalue()
    if code != 0:
        assert err.getvalue().strip(), (command, args)
    with EventStore.open(db) as store:
        assert store.incident(1) is not None


@pytest.fixture
def monkeypatch_env(monkeypatch, tmp_path: Path):
    def use(db: Path) -> None:
        monkeypatch.setenv("WARROOM_DB", str(db))
        monkeypatch.setenv("WARROOM_USER", "tester")
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        monkeypatch.delenv("WARROOM_CONFIG", raising=False)

    return use
