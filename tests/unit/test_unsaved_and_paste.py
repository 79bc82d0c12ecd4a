"""The unsaved-text file (0600, never overwriting, a fallback folder when the database's is
read-only) and the paste filter that keeps a bracketed paste whole however the reads cut it."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.ui.paste_input import PASTE_END, PASTE_START, PasteFilter
from warroom.unsaved import Unsaved, write_unsaved

NOW = datetime(2026, 3, 6, 5, 12, 0, tzinfo=UTC)


def test_unsaved_text_goes_to_a_new_0600_file_beside_the_database(tmp_path: Path):
    db = tmp_path / "warroom.db"
    items = [Unsaved("NOT SAVED (the database refused it)", "failover started\nreplica lag 4s")]
    first = write_unsaved(items, db_path=db, now=NOW, actor="alice", incident="INC-3")
    second = write_unsaved([Unsaved("typed, not submitted", "half")], db_path=db, now=NOW, actor="bob")
    assert first == tmp_path / "warroom.db.unsaved-20260306T051200Z.txt"
    assert second != first and second.parent == tmp_path, "a second file in the same second does not overwrite"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    text = first.read_text()
    assert "INC-3" in text and "alice" in text and "failover started\nreplica lag 4s" in text
    assert "half" not in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_database_folder_sends_the_file_home(tmp_path: Path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    folder.chmod(0o555)
    try:
        path = write_unsaved([Unsaved("typed, not submitted", "x")], db_path=folder / "w.db", now=NOW, actor="a")
    finally:
        folder.chmod(0o755)
    assert path.parent == home


def test_escape_sequences_inside_a_paste_are_removed_however_the_input_is_cut():
    data = f"ab{PASTE_START}line1\rline2\x1b[31mred\x1b[0m after\x1b]2;PWN\x07!\r{PASTE_END}\x1b[Acd"
    want = f"ab{PASTE_START}line1\nline2red after!\n{PASTE_END}\x1b[Acd"
    assert PasteFilter().feed(data) == want
    for cut in range(len(data) + 1):
        for cut2 in range(cut, len(data) + 1):
            paste = PasteFilter()
            assert paste.feed(data[:cut]) + paste.feed(data[cut:cut2]) + paste.feed(data[cut2:]) == want, (cut, cut2)


def test_outside_a_paste_keys_and_sequences_pass_untouched():
    keys = "q\x1b\x1b[A\x1b[<0;10;5M\r\x03"
    assert PasteFilter().feed(keys) == keys
