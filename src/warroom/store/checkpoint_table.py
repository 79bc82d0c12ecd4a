"""The checkpoint table and the lifecycle index, added to any database opened for writing.

Kept apart from `store.checkpoints` (which imports the fold): `warroom note` opens a database on
every call and must not pay for importing the fold. Why these are not a numbered schema
migration: see `store.checkpoints`.
"""

from __future__ import annotations

import sqlite3

CHECKPOINT_TABLE = """
CREATE TABLE IF NOT EXISTS checkpoints (
    incident_id INTEGER NOT NULL,
    format      TEXT    NOT NULL,
    event_id    INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    written_at  TEXT    NOT NULL,
    PRIMARY KEY (incident_id, format)
)
"""
#: The lifecycle events `open_incident_ids` reads, indexed on their own: which incident is open
#: is found without scanning every event (the query must spell the same literal list).
LIFECYCLE_KINDS = "('incident.declared', 'incident.resolved', 'incident.reopened', 'status.changed')"
LIFECYCLE_INDEX = f"CREATE INDEX IF NOT EXISTS events_lifecycle ON events (id) WHERE kind IN {LIFECYCLE_KINDS}"


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Add the checkpoint table and the lifecycle index to a database that lacks them (one
    written before them): checked on every writable open, written only when missing. A failure
    (locked, full) is logged and the database opens without them: they only make it faster."""
    present = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE name IN ('checkpoints', 'events_lifecycle')"
        ).fetchall()
    }
    if len(present) == 2:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(CHECKPOINT_TABLE)
        conn.execute(LIFECYCLE_INDEX)
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        import logging  # only here: `warroom note` opens a database on every call

        logging.getLogger(__name__).warning("could not add the checkpoint table: %s", exc)
