"""Text the war room could not save, written to a file beside the database when it quits.

    path = write_unsaved(db_path, [Unsaved("NOT SAVED", "db cpu at 95%")], now=now, actor="alice")

A quit with a note that failed to save (a read-only or locked database), one still saving, or
a half-typed line asks first and offers this; a hangup writes it without asking. The file is
`<db>.unsaved-YYYYmmddTHHMMSSZ.txt`, mode 0600 (notes can hold what the database holds), never
overwriting another; if the database's folder cannot be written (a read-only mount), the home
folder, then the temporary folder, take it. No Textual here: the app calls it from a thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warroom.sharing import make_private_file


@dataclass(frozen=True)
class Unsaved:
    """One piece of text that is not in the database: why (`state`), and the text itself."""

    state: str
    text: str


def unsaved_name(db_path: Path, now: datetime) -> str:
    """`warroom.db.unsaved-20260306T051200Z.txt` for a database `warroom.db` at `now` (UTC)."""
    return f"{db_path.name}.unsaved-{now:%Y%m%dT%H%M%SZ}.txt"


def render_unsaved(
    items: Sequence[Unsaved], *, db_path: Path, now: datetime, actor: str, incident: str | None = None
) -> str:
    """The file's text: a header saying what it is, then each piece under its state."""
    where = f"{incident} in {db_path}" if incident else str(db_path)
    lines = [
        f"# warroom: text NOT in the database {where}",
        f"# written {now:%Y-%m-%d %H:%M:%S} UTC, typed as {actor}; add it again with `warroom note`",
        "",
    ]
    for item in items:
        lines.append(f"## {item.state}")
        lines.append(item.text)
        lines.append("")
    return "\n".join(lines)


def _candidates(db_path: Path) -> Iterable[Path]:
    import tempfile  # only when quitting with unsaved text: not on the way to the first frame

    yield db_path.resolve().parent
    yield Path.home()
    yield Path(tempfile.gettempdir())


def write_unsaved(
    items: Sequence[Unsaved], *, db_path: Path, now: datetime, actor: str, incident: str | None = None
) -> Path:
    """Write `items` to a new 0600 file beside the database (or the fallbacks); its path.

    Raises OSError only when no folder at all can take it."""
    db_path = Path(db_path)
    text = render_unsaved(items, db_path=db_path, now=now, actor=actor, incident=incident)
    name = unsaved_name(db_path, now)
    error: OSError | None = None
    for folder in _candidates(db_path):
        for n in range(100):
            path = folder / (name if n == 0 else name.replace(".txt", f"-{n}.txt"))
            try:
                # O_EXCL: never overwrite (two panes quitting the same second); 0600 from the start.
                fd = make_private_file(path)  # 0600, 0660 in a shared folder
            except FileExistsError:
                continue
            except OSError as exc:
                error = exc
                break
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as exc:
                error = exc
                path.unlink(missing_ok=True)
                break
            return path
    raise error or OSError(f"could not write {name} anywhere")
