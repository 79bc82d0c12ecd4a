"""Where warroom keeps its database and finds its config file.

Standard library only and cheap to import: `warroom note` imports this and must start fast.
"""

from __future__ import annotations

import os

from warroom.errors import UserError

TYPE_CHECKING = False  # not `typing` / `collections.abc`: each costs `warroom note` milliseconds
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def __getattr__(name: str):  # `pathlib` (with re, fnmatch, urllib) costs `warroom note` ~5 ms
    if name == "Path":
        from pathlib import Path

        return Path
    raise AttributeError(name)


CONFIG_NAME = "warroom.toml"


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _home(env: Mapping[str, str]) -> Path:
    from pathlib import Path

    home = env.get("HOME")
    return Path(home) if home else Path.home()


def _xdg(env: Mapping[str, str], var: str, fallback: str) -> Path:
    """An XDG base directory; the spec says relative values are invalid and must be ignored."""
    from pathlib import Path

    value = env.get(var, "")
    if value and os.path.isabs(value):
        return Path(value)
    return _home(env) / fallback


def default_db_file(environ: Mapping[str, str] | None = None) -> str:
    """$WARROOM_DB, else $XDG_DATA_HOME/warroom/warroom.db, else ~/.local/share/warroom/warroom.db.

    A plain string built with os.path: the note path never imports pathlib.
    """
    env = _env(environ)
    explicit = env.get("WARROOM_DB", "")
    if explicit:
        return os.path.expanduser(explicit)
    data = env.get("XDG_DATA_HOME", "")
    if not (data and os.path.isabs(data)):  # the spec: relative values are invalid, ignore them
        data = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "warroom", "warroom.db")


def default_db_folder(environ: Mapping[str, str] | None = None) -> str:
    """$XDG_DATA_HOME/warroom (else ~/.local/share/warroom): the one folder warroom creates itself."""
    env = _env(environ)
    data = env.get("XDG_DATA_HOME", "")
    if not (data and os.path.isabs(data)):  # the spec: relative values are invalid, ignore them
        data = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "warroom")


def check_db_location(path: str, origin: str) -> None:
    """Refuse a database path named by the user (`origin`: "--db", "$WARROOM_DB") whose folder
    does not exist, or that is a folder itself.

    A typo in a path must not quietly start a new, empty record somewhere else: only the default
    folder is created (by the store, on first use); a named one must already be there.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise UserError(
            f"{origin} {path}: the folder {folder} {what}; create it first or fix the path "
            "(warroom creates only its default folder)"
        )
    if os.path.isdir(path):
        raise UserError(
            f"{origin} {path} is a folder; name the database file inside it (e.g. {path.rstrip('/')}/warroom.db)"
        )


def db_file_checked(explicit: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The database file to use: `explicit` (--db), else $WARROOM_DB, else the default; a file
    the user named must be in an existing folder (`check_db_location`)."""
    if explicit:
        path = os.path.expanduser(explicit)
        check_db_location(path, "--db")
        return path
    env = _env(environ)
    if env.get("WARROOM_DB", ""):
        path = os.path.expanduser(env["WARROOM_DB"])
        check_db_location(path, "$WARROOM_DB")
        return path
    return default_db_file(environ)


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """`default_db_file` as a Path."""
    from pathlib import Path

    return Path(default_db_file(environ))


def user_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/warroom/warroom.toml, else ~/.config/warroom/warroom.toml."""
    return _xdg(_env(environ), "XDG_CONFIG_HOME", ".config") / "warroom" / CONFIG_NAME


def config_search_paths(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> list[Path]:
    """The places looked at when neither --config nor $WARROOM_CONFIG names a file, in order."""
    from pathlib import Path

    here = Path.cwd() if cwd is None else Path(cwd)
    return [here / CONFIG_NAME, user_config_path(environ)]


def _named(text: str, cwd: Path | None, origin: str) -> Path:
    from pathlib import Path

    path = Path(text).expanduser()
    if cwd is not None and not path.is_absolute():
        path = Path(cwd) / path
    if path.is_dir():
        raise UserError(f"config file {text}{origin} is a directory, not a file")
    if not path.exists():
        raise UserError(f"config file {text}{origin} does not exist")
    return path


def find_config_path(
    explicit: str | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path | None:
    """The config file to use, or None when there is none (all defaults).

    Order: an explicit --config PATH, then $WARROOM_CONFIG, then ./warroom.toml, then
    $XDG_CONFIG_HOME/warroom/warroom.toml (~/.config/...). A file named explicitly or by
    $WARROOM_CONFIG must exist (UserError otherwise); the later places are skipped when absent.
    """
    if explicit:
        return _named(explicit, cwd, "")
    env = _env(environ)
    from_env = env.get("WARROOM_CONFIG", "")
    if from_env:
        return _named(from_env, cwd, " (from $WARROOM_CONFIG)")
    for candidate in config_search_paths(environ, cwd):
        if candidate.is_file():
            return candidate
    return None
