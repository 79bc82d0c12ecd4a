"""Opening the database file: is it warroom's, who else may read it, and reading when it
cannot be written.

Shared by the blocking and the async store, so both refuse the same files and fall back the
same way. Standard library only, and cheap: `warroom note` opens a database on every call.

- **Whose file.** warroom marks its files with `PRAGMA application_id` (APPLICATION_ID). A file
  with that id is opened; an empty one is made warroom's; one from before the mark (warroom's
  tables, id 0) is adopted and stamped; anything else (another program's SQLite file, or no
  SQLite file at all) is refused untouched, before any pragma could change it.
- **Who may read it.** A database, `-wal` or `-shm` others can read or write loses its "other"
  bits when warroom opens it for writing (group bits are the owner's choice and stay); the
  store keeps one line saying so in `notices`, for the command or the screen to show once.
- **Read-only.** When the file cannot be opened for writing (a full disk, a read-only mount, no
  write permission) it is opened read-only (`mode=ro`), and when even that needs a `-shm` that
  cannot be made and there is no `-wal` holding data, as an immutable file: reading still works.
"""

from __future__ import annotations

import os
import sqlite3
import stat

from warroom.errors import UserError
from warroom.store.checkpoint_table import ensure_tables
from warroom.store.schema import PRAGMAS, busy_or, migrate, prepare_path

#: "WRRM": marks a SQLite file as a warroom database (`PRAGMA application_id`).
APPLICATION_ID = 0x5752524D
#: The tables every warroom database has had since schema 1: a file with them is warroom's.
WARROOM_TABLES = frozenset({"events", "samples", "recorder_leases"})

#: SQLite's words for "this file or folder cannot be written": open read-only instead.
_NOT_WRITABLE = (
    "disk i/o error",
    "unable to open database file",
    "readonly database",
    "disk is full",
    "read-only",
    "database or disk is full",
)

_told: set[str] = set()  # files whose permission change was already reported by this process


class Opened:
    """A connection and what opening it found out."""

    def __init__(self, conn: sqlite3.Connection, read_only: str | None, notices: list[str]) -> None:
        self.conn = conn
        #: Why the file is open read-only ("the disk is full", ...), or None when writable.
        self.read_only = read_only
        #: One-time messages for the user (a permission change), already deduplicated.
        self.notices = notices


def open_connection(path: str, busy_timeout_ms: int, *, allow_read_only: bool = True) -> Opened:
    """Open `path` for writing (created 0600 if missing), or read-only when it cannot be written.

    Raises UserError for a file that is not warroom's, a newer schema, a locked file, or a file
    that cannot be read either.
    """
    prepare_path(path)
    timeout = busy_timeout_ms / 1000
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)
    except sqlite3.Error as exc:
        if allow_read_only and _not_writable(exc):
            return _open_read_only(path, busy_timeout_ms, exc)
        raise busy_or(exc, path) from None
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        fresh = identify(conn, path)  # reads only: a foreign file is refused before any change
        notices = tighten_permissions(path)
        for pragma in PRAGMAS:
            conn.execute(pragma)
        migrate(conn, path)
        if fresh:
            stamp(conn, path)
        ensure_tables(conn)  # the checkpoint cache: see store.checkpoints (not a schema version)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error) and allow_read_only and _not_writable(exc):
            return _open_read_only(path, busy_timeout_ms, exc)
        if isinstance(exc, sqlite3.Error):
            raise busy_or(exc, path) from None
        raise
    return Opened(conn, None, notices)


def identify(conn: sqlite3.Connection, path: str) -> bool:
    """Is this warroom's file? True when it must be stamped (empty, or warroom's from before the
    mark); False when it already carries the mark. Raises UserError for anything else."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return False
    tables = {
        name
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
    }
    if app_id != 0:
        raise UserError(
            f"{path} is not a warroom database (a SQLite file of another program, application_id "
            f"{app_id:#010x}); it was left unchanged: pick another --db"
        )
    if not tables or tables >= WARROOM_TABLES:
        return True
    listed = ", ".join(sorted(tables)[:4]) + (", …" if len(tables) > 4 else "")
    raise UserError(
        f"{path} is not a warroom database (a SQLite file with other tables: {listed}); "
        "it was left unchanged: pick another --db"
    )


def stamp(conn: sqlite3.Connection, path: str) -> None:
    """Mark the file as warroom's (a new file, or one written before the mark existed)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def tighten_permissions(path: str) -> list[str]:
    """Take the "other" bits off the database, its `-wal` and `-shm` (the group's stay as set).

    Returns the line to show the user once (empty when nothing changed or it was already said).
    """
    changed: list[str] = []
    failed: list[str] = []
    for name in (path, path + "-wal", path + "-shm"):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
        except OSError:
            continue
        if not mode & 0o007:
            continue
        try:
            os.chmod(name, mode & ~0o007)
            changed.append(f"{os.path.basename(name)} {mode:04o} -> {mode & ~0o007:04o}")
        except OSError as exc:
            failed.append(f"{os.path.basename(name)} ({mode:04o}: {exc.strerror})")
    if not (changed or failed) or path in _told:
        return []
    _told.add(path)
    lines = []
    if changed:
        lines.append(f"{path} was open to other users: removed their access ({', '.join(changed)})")
    if failed:
        lines.append(f"{path} is open to other users and could not be changed: {', '.join(failed)}")
    return lines


def _not_writable(exc: BaseException) -> bool:
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return False
    return any(word in msg for word in _NOT_WRITABLE)


def why_not_writable(path: str, exc: BaseException | None = None) -> str:
    """The reason, in the user's words, that `path` cannot be written."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    try:
        fs = os.statvfs(folder)
        if fs.f_flag & os.ST_RDONLY:
            return "read-only file system"
        if fs.f_bavail == 0:
            return "the disk is full"
    except OSError:
        pass
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        return "no permission to write it"
    return str(exc) if exc is not None else "it cannot be written"


def _uri(path: str, query: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(os.path.abspath(path))}?{query}"


def _wal_holds_data(path: str) -> bool:
    try:
        return os.path.getsize(path + "-wal") > 0
    except OSError:
        return False


def _read_only_queries(path: str) -> list[str]:
    """How to open `path` for reading, in order: `mode=ro`, then (no -wal holding data: the file
    is the whole record) `immutable=1`, which needs no `-shm` beside it."""
    return ["mode=ro"] if _wal_holds_data(path) else ["mode=ro", "immutable=1"]


def _connect_read_only(path: str, query: str, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(
        _uri(path, query),
        uri=True,
        isolation_level=None,
        timeout=busy_timeout_ms / 1000,
        check_same_thread=False,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    except BaseException:
        conn.close()
        raise
    return conn


def _open_read_only(path: str, busy_timeout_ms: int, cause: BaseException) -> Opened:
    """Open for reading only: `mode=ro`, else (no -wal holding data: the file is the whole
    record) `immutable=1`, which needs no `-shm`, so works on a full disk or a read-only mount."""
    reason = why_not_writable(path, cause)
    queries = _read_only_queries(path)
    last: BaseException = cause
    for query in queries:
        try:
            conn = _connect_read_only(path, query, busy_timeout_ms)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            fresh = identify(conn, path)
            if fresh and not (_tables(conn) >= WARROOM_TABLES):
                conn.close()
                raise UserError(f"database {path} is empty and cannot be written ({reason})")
            _check_version(conn, path)
            conn.execute("SELECT 1 FROM events LIMIT 1").fetchall()  # reading really works
        except sqlite3.Error as exc:
            conn.close()
            if not _not_writable(exc):
                raise busy_or(exc, path) from None
            last = exc
            continue
        except BaseException:
            conn.close()
            raise
        return Opened(conn, reason, [])
    raise UserError(f"database {path} cannot be written ({reason}) nor read: {last}")


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_version(conn: sqlite3.Connection, path: str) -> None:
    from warroom.store.schema import SCHEMA_VERSION

    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise UserError(
            f"{path} was written by a newer warroom (schema {version}, this one knows {SCHEMA_VERSION}); "
            "upgrade warroom to open it"
        )


#: Why a database opened by `open_for_reading` takes no writes.
FOR_READING = "opened for reading only"


def open_for_reading(path: str, busy_timeout_ms: int) -> Opened:
    """Open `path` as a viewer does (`warroom review`): `mode=ro`, so nothing about the file
    changes: no file is created, no permission tightened, no pragma or migration run, no
    checkpoint on close. It reads what another process is still writing (its `-wal`); a copied
    file with no `-wal` beside it opens as immutable when a `-shm` cannot be made beside it.

    Raises UserError for a missing file, a file that is not warroom's, or a newer schema."""
    if not os.path.isfile(path):
        raise UserError(f"no database at {path}: give the file with --db PATH (or $WARROOM_DB)")
    queries = _read_only_queries(path)
    last: BaseException | None = None
    for query in queries:
        try:
            conn = _connect_read_only(path, query, busy_timeout_ms)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            identify(conn, path)
            if not (_tables(conn) >= WARROOM_TABLES):
                raise UserError(f"{path} holds no incidents (an empty database)")
            _check_version(conn, path)
            conn.execute("SELECT 1 FROM events LIMIT 1").fetchall()  # reading really works
        except sqlite3.Error as exc:
            conn.close()
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise busy_or(exc, path) from None
            last = exc
            continue
        except BaseException:
            conn.close()
            raise
        return Opened(conn, FOR_READING, [])
    raise UserError(f"database {path} cannot be read: {last}")
