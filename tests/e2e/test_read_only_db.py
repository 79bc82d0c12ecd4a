"""Reading when writing is impossible: `show` and `list` on a full disk and on a read-only
mount, through the installed command. Real filesystems (tests/support/mounts.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.mounts import fill, read_only_bind, small_tmpfs


def _incident(run_warroom, db: Path) -> None:
    assert run_warroom("--db", str(db), "declare", "Checkout returns 500", "--sev", "2").returncode == 0
    assert run_warroom("--db", str(db), "note", "error rate x40").returncode == 0
    assert not Path(str(db) + "-wal").exists()  # closed cleanly: the file is the whole record


def test_show_and_list_work_on_a_full_disk(run_warroom, tmp_path: Path):
    with small_tmpfs(tmp_path / "disk") as disk:
        db = disk / "warroom.db"
        _incident(run_warroom, db)
        filler = fill(disk)
        shown = run_warroom("--db", str(db), "show")
        assert shown.returncode == 0, shown.stderr
        assert "Checkout returns 500" in shown.stdout and "error rate x40" in shown.stdout
        listed = run_warroom("--db", str(db), "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)[0]["id"] == "INC-1"
        # Writing says why, in one line, and nothing pretends to be saved.
        r = run_warroom("--db", str(db), "note", "lost?")
        assert r.returncode == 2
        assert (
            r.stderr.strip()
            == f"warroom: error: database {db} cannot be written (the disk is full); nothing was written"
        )
        filler.unlink()
        assert run_warroom("--db", str(db), "note", "space again").returncode == 0
        assert "space again" in run_warroom("--db", str(db), "show").stdout


def test_show_and_list_work_on_a_read_only_mount(run_warroom, tmp_path: Path):
    source = tmp_path / "rw"
    source.mkdir()
    _incident(run_warroom, source / "warroom.db")
    with read_only_bind(source, tmp_path / "ro") as ro:
        db = ro / "warroom.db"
        shown = run_warroom("--db", str(db), "show")
        assert shown.returncode == 0, shown.stderr
        assert "Checkout returns 500" in shown.stdout and "error rate x40" in shown.stdout
        listed = run_warroom("list", env={"WARROOM_DB": str(db)})
        assert listed.returncode == 0 and "INC-1" in listed.stdout, listed.stderr
        r = run_warroom("--db", str(db), "note", "x")
        assert r.returncode == 2 and "cannot be written (read-only file system)" in r.stderr
        assert sorted(p.name for p in ro.iterdir()) == ["warroom.db"]  # no -wal/-shm attempted


def test_a_read_only_mount_with_leftover_wal_still_reads_it(run_warroom, tmp_path: Path):
    """A -wal holding committed events (a writer killed before its checkpoint) must be read, so
    the immutable open (which ignores the -wal) is not used then."""
    import sqlite3

    source = tmp_path / "rw"
    source.mkdir()
    db_rw = source / "warroom.db"
    _incident(run_warroom, db_rw)
    conn = sqlite3.connect(db_rw)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("PRAGMA journal_mode=WAL")
    assert run_warroom("--db", str(db_rw), "note", "only in the wal").returncode == 0
    # Copy the files while the connection still holds the -wal open (as a crash leaves them).
    snapshot = tmp_path / "snap"
    snapshot.mkdir()
    for name in ("warroom.db", "warroom.db-wal", "warroom.db-shm"):
        if (source / name).exists():
            shutil.copy2(source / name, snapshot / name)
    conn.close()
    # The open connection (autocheckpoint off) keeps the committed note in the -wal: without it
    # this test would not be testing a leftover -wal at all.
    wal = snapshot / "warroom.db-wal"
    assert wal.exists() and wal.stat().st_size > 0, "the note was checkpointed before the -wal was copied"
    with read_only_bind(snapshot, tmp_path / "ro") as ro:
        shown = run_warroom("--db", str(ro / "warroom.db"), "show")
        assert shown.returncode == 0, shown.stderr
        assert "only in the wal" in shown.stdout  # never a stale read without it
