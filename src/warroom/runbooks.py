"""Runbooks are data: `runbooks/*.md`, markdown with front matter between `---` lines.

The front matter names `title` and the `alerts`, `probes` and `services` a runbook covers, as
`key: value` lines and `key: [a, b]` or `- item` lists (a small YAML subset, read without a YAML
dependency). The files live once, in the repository's `runbooks/`; the build copies them into
the package (`warroom/data/runbooks/`, see setup.py), and an editable install reads the source tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warroom.errors import UserError

PACKAGE_RUNBOOKS = Path(__file__).resolve().parent / "data" / "runbooks"
REPO_RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"

_LIST_KEYS = ("alerts", "probes", "services")


@dataclass(frozen=True)
class Runbook:
    """One runbook file: its front matter, where it came from, and its markdown body."""

    title: str
    alerts: tuple[str, ...]
    probes: tuple[str, ...]
    services: tuple[str, ...]
    path: Path
    text: str


def runbook_dir() -> Path:
    """The source tree's `runbooks/` when this module runs from one, else the packaged copy."""
    if (REPO_RUNBOOKS.parent / "pyproject.toml").is_file() and REPO_RUNBOOKS.is_dir():
        return REPO_RUNBOOKS
    return PACKAGE_RUNBOOKS


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def parse_runbook(path: Path, content: str | None = None) -> Runbook:
    """Parse one runbook; a UserError naming the file and the line on broken front matter."""
    if content is None:
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"runbook {path}: {exc}") from None
    lines = content.splitlines()
    if not lines or lines[0].strip() != "---":
        raise UserError(f"runbook {path}: no front matter (the first line must be ---)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise UserError(f"runbook {path}: front matter is not closed by a --- line") from None
    fields: dict[str, str | list[str]] = {}
    current: str | None = None
    for number, raw in enumerate(lines[1:end], start=2):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        stripped = line.strip()
        if stripped.startswith("- "):
            target = fields.get(current) if current else None
            if not isinstance(target, list):
                raise UserError(f"runbook {path}: line {number}: a list item outside a list")
            target.append(_scalar(stripped[2:]))
            continue
        key, sep, value = stripped.partition(":")
        key = key.strip()
        if not sep or not key or " " in key:
            raise UserError(f"runbook {path}: line {number}: expected `key: value`, got {stripped!r}")
        if key in fields:
            raise UserError(f"runbook {path}: line {number}: `{key}` given twice")
        value = value.strip()
        current = key
        if value.startswith("["):
            if not value.endswith("]"):
                raise UserError(f"runbook {path}: line {number}: unclosed list for `{key}`")
            fields[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        elif value:
            fields[key] = _scalar(value)
        else:
            fields[key] = []
    title = fields.get("title")
    if not isinstance(title, str) or not title:
        raise UserError(f"runbook {path}: `title` is required (a string)")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        items = fields.get(key, [])
        if isinstance(items, str):
            raise UserError(f"runbook {path}: `{key}` must be a list")
        lists[key] = tuple(v for v in items if v)
    text = "\n".join(lines[end + 1 :]).strip("\n") + "\n"
    return Runbook(title, lists["alerts"], lists["probes"], lists["services"], path, text)


def load_runbooks(directory: Path | None = None) -> tuple[list[Runbook], list[str]]:
    """Every parseable runbook in `directory` (default `runbook_dir()`), by file name, and one
    clear message per file skipped for broken front matter."""
    directory = runbook_dir() if directory is None else directory
    books: list[Runbook] = []
    problems: list[str] = []
    if not directory.is_dir():
        return books, problems
    for path in sorted(directory.glob("*.md")):
        try:
            books.append(parse_runbook(path))
        except UserError as exc:
            problems.append(str(exc))
    return books, problems
