"""The database file through the installed `warroom` command: where it may be, who may read
it, and whose file it is."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from warroom.store.opening import APPLICATION_ID


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_in_a_missing_folder_is_an_error_naming_it(run_warroom, home_env, tmp_path: Path):
    typo = tmp_path / "incidnets" / "warroom.db"
    r = run_warroom("--db", str(typo), "declare", "x", "--sev", "2")
    assert r.returncode == 2, r.stdout
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert f"--db {typo}" in r.stderr and f"{typo.parent} does not exist" in r.stderr
    assert not typo.parent.exists()  # nothing was created
    # Only warroom's own default folder is made for it.
    assert run_warroom("declare", "x", "--sev", "2").returncode == 0
    default = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    assert default.exists() and _mode(default.parent) == 0o700


def test_warroom_db_in_a_missing_folder_is_an_error_naming_it(run_warroom, tmp_path: Path):
    typo = tmp_path / "nested" / "deeper" / "w.db"
    r = run_warroom("list", env={"WARROOM_DB": str(typo)})
    assert r.returncode == 2
    assert f"$WARROOM_DB {typo}" in r.stderr and "does not exist" in r.stderr
    assert not (tmp_path / "nested").exists()


def test_files_open_to_others_lose_the_other_bits_and_it_is_said_once(run_warroom, tmp_path: Path):
    db = tmp_path / "shared.db"
    assert run_warroom("--db", str(db), "declare", "x", "--sev", "2").returncode == 0
    # Leave a -wal and -shm behind as another tool would (touched, 0666), and open the db up too.
    for name in ("shared.db-wal", "shared.db-shm"):
        (tmp_path / name).touch()
    for name in ("shared.db", "shared.db-wal", "shared.db-shm"):
        (tmp_path / name).chmod(0o666)
    r = run_warroom("--db", str(db), "note", "first")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and "open to other users" in lines[0] and str(db) in lines[0]
    assert "0666 -> 0660" in lines[0]
    for name in ("shared.db", "shared.db-wal", "shared.db-shm"):
        side = tmp_path / name
        if side.exists():  # SQLite may have removed the -wal/-shm on close
            assert _mode(side) == 0o660, name  # others removed, the group's bits kept
    r = run_warroom("--db", str(db), "note", "second")
    assert r.returncode == 0 and r.stderr == ""  # said once: nothing to say now
    assert "second" in run_warroom("--db", str(db), "show").stdout


def test_a_foreign_sqlite_file_is_refused_and_left_unchanged(run_warroom, tmp_path: Path):
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('acme')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    for args in (("note", "x"), ("list",), ("declare", "x", "--sev", "2")):
        r = run_warroom("--db", str(other), *args)
        assert r.returncode == 2, args
        assert r.stderr.strip() == (
            f"warroom: error: {other} is not a warroom database (a SQLite file with other tables: customers); "
            "it was left unchanged: pick another --db"
        )
    assert other.read_bytes() == before
    assert not Path(str(other) + "-wal").exists()
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("customers",)]
    notes = tmp_path / "notes.txt"  # not SQLite at all: refused the same way
    notes.write_text("my notes\n" * 50)
    r = run_warroom("--db", str(notes), "note", "x")
    assert r.returncode == 2 and f"{notes} is not a warroom database" in r.stderr
    assert notes.read_text() == "my notes\n" * 50


def test_another_programs_application_id_is_refused(run_warroom, tmp_path: Path):
    other = tmp_path / "empty-but-theirs.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA application_id=1234")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    r = run_warroom("--db", str(other), "declare", "x", "--sev", "2")
    assert r.returncode == 2 and "application_id 0x000004d2" in r.stderr
    assert other.read_bytes() == before


def test_a_new_database_is_marked_as_warrooms(run_warroom, tmp_path: Path):
    db = tmp_path / "new.db"
    assert run_warroom("--db", str(db), "declare", "x", "--sev", "2").returncode == 0
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_warroom_database_from_before_the_mark_is_adopted(run_warroom, tmp_path: Path):
    db = tmp_path / "old.db"
    assert run_warroom("--db", str(db), "declare", "old incident", "--sev", "3").returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id=0")  # as every warroom database was before the mark
    conn.commit()
    conn.close()
    r = run_warroom("--db", str(db), "note", "still works")
    assert r.returncode == 0, r.stderr
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    shown = run_warroom("--db", str(db), "show").stdout
    assert "old incident" in shown and "still works" in shown
