"""A note or reason pasted from a terminal keeps its words but not its credentials: what the
store keeps, checked on a real SQLite file, and `redact_typed` fuzzed for idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.domain.events import Kind
from warroom.redact import redact_typed
from warroom.store.sync import EventStore


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("curl https://api.example/x?token=abc123XYZ&page=2", "curl https://api.example/x?token=***&page=2"),
        ("psql postgres://app:hunter2pw@db:5432/app", "psql postgres://***@db:5432/app"),
        ("-H 'Authorization: Bearer eyJ0eXAiOiJKV1Q1'", "-H 'Authorization: Bearer ***'"),
        ("leaked ghp_abcdefghijklmnopqrstuvwxyz0123 in CI", "leaked *** in CI"),
        # Prose that only mentions credentials is kept as typed.
        ("Bearer tokens rotated at 10:02", "Bearer tokens rotated at 10:02"),
        ("password: on rotation list, token expired", "password: on rotation list, token expired"),
        ("p99=840ms a=b", "p99=840ms a=b"),
    ],
)
def test_a_note_keeps_its_words_but_not_its_credentials(tmp_path: Path, typed: str, stored: str) -> None:
    with EventStore.open(tmp_path / "w.db") as store:
        incident = store.declare("checkout 500s", 2, actor="alice").incident_id
        returned = store.append(incident, Kind.NOTE, {"text": typed}, actor="alice")
        assert returned is not None and returned.payload["text"] == stored
        assert [e.payload.get("text") for e in store.events(incident) if e.kind == Kind.NOTE] == [stored]
    secret = typed.split("token=")[-1].split("&")[0] if "token=" in typed else None
    if secret and stored != typed:
        assert secret.encode() not in (tmp_path / "w.db").read_bytes()


@given(text=st.text(max_size=80))
def test_redact_typed_is_idempotent_and_keeps_text_without_credentials(text: str) -> None:
    once = redact_typed(text)
    assert redact_typed(once) == once
    if not any(
        w in text.lower() for w in ("://", "=", "bearer", "basic", "token", "hooks", "_", "xox", "akia", "asia", "eyj")
    ):
        assert once == text
