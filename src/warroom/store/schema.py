"""The database schema, its version, and forward migrations (`PRAGMA user_version`).

Shared by the blocking store (CLI) and the async store (UI) so both open files the same way.
"""

from __future__ import annotations

import os
import sqlite3

from warroom.errors import StoreBusyError, UserError

TYPE_CHECKING = False  # the note path never imports typing or pathlib
if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_VERSION = 1


def _busy_timeout_ms() -> int:
    # A bad value is reported by `environment.environment_problem` before any command runs;
    # here (imported by tests and the UI too) it falls back rather than fail at import.
    from warroom.environment import BUSY_TIMEOUT_DEFAULT_MS, busy_timeout_ms

    try:
        return busy_timeout_ms()
    except ValueError:
        return BUSY_TIMEOUT_DEFAULT_MS


BUSY_TIMEOUT_MS = _busy_timeout_ms()  # $WARROOM_BUSY_TIMEOUT_MS: tests and slow disks

# Each entry upgrades from version i to i+1. Never edit a released step: add a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL,
        at          TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        actor       TEXT    NOT NULL,
        payload     TEXT    NOT NULL,
        origin      TEXT    NOT NULL,
        dedupe_key  TEXT
    );
    CREATE INDEX events_by_incident ON events (incident_id, id);
    CREATE UNIQUE INDEX events_dedupe ON events (incident_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TABLE samples (
        id          INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL,
        series      TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        value       REAL    NOT NULL
    );
    CREATE INDEX samples_by_series ON samples (incident_id, series, at);
    -- Who records source signals for an incident: one live process at a time (see recorder.py).
    CREATE TABLE recorder_leases (
        incident_id INTEGER PRIMARY KEY,
        holder      TEXT    NOT NULL,
        expires_at  REAL    NOT NULL
    );
    """,
]

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # NORMAL in WAL survives a killed process (every committed transaction is in the WAL file);
    # FULL would also survive power loss at the cost of an fsync per commit. README says which.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
)


def prepare_path(path: str | Path) -> None:
    """Create the folder (0700) and an empty file (0600) before SQLite touches it; in a folder
    shared by `warroom share` (setgid, group rwx) the file is 0660 (`warroom.sharing`)."""
    from warroom.sharing import make_private_file

    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    if not os.path.exists(folder):
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the database folder {folder}: {exc.strerror}") from None
    if not os.path.exists(path):
        try:
            os.close(make_private_file(path))
        except FileExistsError:
            pass
        except OSError as exc:
            raise UserError(f"cannot create database {path}: {exc.strerror}") from None
    # SQLite gives the -wal and -shm files the database file's own mode (0600, or 0660 shared).


def migrate(conn: sqlite3.Connection, path: str | Path) -> None:
    """Bring the schema up to SCHEMA_VERSION; refuse a file written by a newer warroom."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise UserError(
            f"{path} was written by a newer warroom (schema {version}, this one knows {SCHEMA_VERSION}); "
            "upgrade warroom to open it"
        )
    while version < SCHEMA_VERSION:
        try:
            conn.execute("BEGIN IMMEDIATE")
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current == version:  # another process may have migrated meanwhile
                for statement in _split_statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={version + 1}")
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise busy_or(exc, path) from None
        version = conn.execute("PRAGMA user_version").fetchone()[0]


def _split_statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, buf = [], ""
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


def busy_or(exc: sqlite3.Error, path: str | Path) -> UserError:
    msg = str(exc)
    if "locked" in msg or "busy" in msg:
        return StoreBusyError(
            f"database {path} is locked by another process (waited {BUSY_TIMEOUT_MS / 1000:g}s); "
            "nothing was written — try again"
        )
    if "not a database" in msg or "malformed" in msg:
        return UserError(f"{path} is not a warroom database ({msg})")
    return UserError(f"database {path}: {msg}")
