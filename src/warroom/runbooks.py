"""Runbooks are data: `runbooks/*.md`, markdown with front matter between `---` lines.

The front matter names `title` and the `alerts`, `probes` and `services` a runbook covers, as
`key: value` lines and `key: [a, b]` or `- item` lists (a small YAML subset, read without a YAML
dependency). The files live once, in the repository's `runbooks/`; the build copies them into
the package (`warroom/data/runbooks/`, see setup.py), and an editable install reads the source tree.

`load_library(paths)` reads the shipped runbooks and then each folder of `[runbooks] paths`, in
order. A later file with the same file name or the same title (case aside) replaces the earlier
one (a team's own `high-5xx-rate.md` wins over the shipped one) and says which it replaced; every
runbook knows where it came from (`origin`). A broken file is one problem line naming the file and
the line; the others still load. `checklist_segments(text)` splits a body into markdown and the
`- [ ]` items the team ticks (each tick is an event: `domain.runbook_checks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from warroom.errors import UserError

PACKAGE_RUNBOOKS = Path(__file__).resolve().parent / "data" / "runbooks"
REPO_RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"

_LIST_KEYS = ("alerts", "probes", "services")
#: Where a shipped runbook comes from, in `Runbook.origin`.
SHIPPED = "shipped"


@dataclass(frozen=True)
class Runbook:
    """One runbook file: its front matter, where it came from, and its markdown body."""

    title: str
    alerts: tuple[str, ...]
    probes: tuple[str, ...]
    services: tuple[str, ...]
    path: Path
    text: str
    #: "shipped", or the `[runbooks] paths` folder the file was read from.
    origin: str = SHIPPED
    #: The file this one replaced (same file name or title, read earlier), if any.
    replaces: Path | None = None

    @property
    def file(self) -> str:
        """The file name: with the title, what a tick event names (`high-5xx-rate.md`)."""
        return self.path.name

    def covers(self) -> str:
        """What it covers, in one line: `alerts: high-5xx-rate · probes: api · services: web`."""
        parts = [f"{key}: {', '.join(values)}" for key, values in self.front_lists() if values]
        return " · ".join(parts) or "(no alerts, probes or services named)"

    def front_lists(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return (("alerts", self.alerts), ("probes", self.probes), ("services", self.services))


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
        raise UserError(f"runbook {path}: line 1: no front matter (the first line must be ---)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise UserError(f"runbook {path}: line 1: front matter is not closed by a --- line") from None
    fields: dict[str, str | list[str]] = {}
    key_lines: dict[str, int] = {}
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
        key_lines[key] = number
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
        where = key_lines.get("title", 1)
        raise UserError(f"runbook {path}: line {where}: `title` is required (a string)")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        items = fields.get(key, [])
        if isinstance(items, str):
            raise UserError(f"runbook {path}: line {key_lines.get(key, 1)}: `{key}` must be a list")
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


@dataclass(frozen=True)
class RunbookLibrary:
    """Every runbook warroom can show, and what could not be read (one line each: the file,
    the line, what is wrong; or a configured folder that is not there)."""

    books: tuple[Runbook, ...]
    problems: tuple[str, ...] = ()


def _same(a: Runbook, b: Runbook) -> bool:
    return a.file == b.file or a.title.casefold() == b.title.casefold()


def load_library(paths: Iterable[str] = (), shipped: Path | None = None) -> RunbookLibrary:
    """The shipped runbooks, then those of each folder in `paths` (`[runbooks] paths`), a later
    file replacing an earlier one with the same file name or title. Reads files: run it off the
    UI loop (a worker thread)."""
    books, problems = load_runbooks(shipped)
    library: list[Runbook] = list(books)
    issues = list(problems)
    for written in paths:
        folder = Path(written).expanduser()
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            issues.append(f"runbooks folder {folder} ([runbooks] paths) {what}: nothing read from it")
            continue
        found, problems = load_runbooks(folder)
        issues.extend(problems)
        for book in found:
            earlier = next((i for i, b in enumerate(library) if _same(b, book)), None)
            if earlier is None:
                library.append(replace(book, origin=str(folder)))
            else:
                library[earlier] = replace(book, origin=str(folder), replaces=library[earlier].path)
    return RunbookLibrary(tuple(library), tuple(issues))


# -- checklists ---------------------------------------------------------------------------------
_ITEM = re.compile(r"^(?P<indent>\s*)[-*+] \[(?P<mark>[ xX])\] (?P<text>.*)$")


@dataclass(frozen=True)
class ChecklistItem:
    """One `- [ ]` item of a runbook: its words (continuation lines joined), what identifies its
    tick in the record together with the runbook's file name."""

    text: str
    #: Its line in the body (1-based), for messages.
    line: int


def checklist_segments(text: str) -> list[str | ChecklistItem]:
    """The body in order: markdown chunks (str) and checklist items. An item's continuation
    lines (indented deeper than its bullet) belong to it; a blank line ends it."""
    lines = text.splitlines()
    segments: list[str | ChecklistItem] = []
    chunk: list[str] = []
    i = 0
    while i < len(lines):
        match = _ITEM.match(lines[i])
        if match is None:
            chunk.append(lines[i])
            i += 1
            continue
        if chunk and any(line.strip() for line in chunk):
            segments.append("\n".join(chunk).strip("\n"))
        chunk = []
        start = i
        words = [match["text"].strip()]
        depth = len(match["indent"])
        i += 1
        while i < len(lines) and lines[i].strip() and not _ITEM.match(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())
            if indent <= depth:
                break
            words.append(lines[i].strip())
            i += 1
        segments.append(ChecklistItem(" ".join(w for w in words if w), start + 1))
    if chunk and any(line.strip() for line in chunk):
        segments.append("\n".join(chunk).strip("\n"))
    return segments


def checklist_items(text: str) -> list[ChecklistItem]:
    """Only the `- [ ]` items of a body, in order."""
    return [s for s in checklist_segments(text) if isinstance(s, ChecklistItem)]
