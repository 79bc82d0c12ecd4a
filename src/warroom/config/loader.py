"""Read and validate `warroom.toml` into a `Config`, naming file, line and key on every problem.

- `load(explicit)`: find the file (--config, $WARROOM_CONFIG, ./warroom.toml, XDG) and load it;
  no file means all defaults.
- `load_config(path)`: load one file; `ConfigError` (a `UserError`) for the first fatal problem.
- `check_config(path)`: every problem in the file, fatal or not (missing `${ENV}` variables).

`${ENV}` references are never expanded here except to check that a URL is http(s); no value of
any variable ever appears in a message.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from warroom.config import metric as _metric
from warroom.config import sections as s
from warroom.config.fields import Report, Table, suggest, type_name
from warroom.config.intake_section import INTAKE_KEYS, read_intake
from warroom.config.model import Config, ResourcesConfig
from warroom.config.problems import ConfigError, ConfigProblem

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "check_config",
    "display_name",
    "inspect_config",
    "load",
    "load_config",
    "parse_config",
]

Reader = Callable[[Table], Any]

# Single tables: section -> (keys, reader). Config field names equal the section names.
TABLES: dict[str, tuple[tuple[str, ...], Reader]] = {
    "team": (s.TEAM_KEYS, s.read_team),
    "cadence": (s.CADENCE_KEYS, s.read_cadence),
    "ui": (s.UI_KEYS, s.read_ui),
    "resources": (s.RESOURCES_KEYS, s.read_resources),
    "templates": (s.TEMPLATES_KEYS, s.read_templates),
    "runbooks": (s.RUNBOOKS_KEYS, s.read_runbooks),
    "intake": (INTAKE_KEYS, read_intake),
}

# Arrays of tables: section -> (Config field, keys, reader).
ARRAYS: dict[str, tuple[str, tuple[str, ...], Reader]] = {
    "probe": ("probes", s.PROBE_KEYS, s.read_probe),
    "statuspage": ("statuspages", s.STATUSPAGE_KEYS, s.read_statuspage),
    "log": ("logs", s.LOG_KEYS, s.read_log),
    "deploys": ("deploys", s.DEPLOYS_KEYS, s.read_deploys),
    "command": ("commands", s.COMMAND_KEYS, s.read_command),
    "mitigation": ("mitigations", s.MITIGATION_KEYS, s.read_mitigation),
    "action": ("mitigations", s.MITIGATION_KEYS, s.read_mitigation),
    "notify": ("notify", s.NOTIFY_KEYS, s.read_notify),
}

#: Older names still accepted: alias -> section. Entries under both land in one Config field
#: (`[[action]]` and `[[mitigation]]` in one file combine), and names must be unique across both.
ALIASES: dict[str, str] = {"action": "mitigation"}

#: Arrays of tables registered by source kinds that are not built in: section -> (keys, reader).
#: Their entries land in `Config.sections` (`config.section(name)`).
SECTIONS: dict[str, tuple[tuple[str, ...], Reader]] = {}


def register_section(name: str, keys: tuple[str, ...], reader: Reader) -> None:
    """Accept `[[name]]` tables with these keys, each read by `reader(table)` into a record
    with a `name` (names unique in the section, as for every array)."""
    if name in TABLES or name in ARRAYS:
        raise ValueError(f"[[{name}]] is already a section")
    SECTIONS[name] = (keys, reader)


def unregister_section(name: str) -> None:
    SECTIONS.pop(name, None)


# `[[metric]]` (Prometheus queries) is a registered section: its record and reader live with it.
register_section("metric", _metric.METRIC_KEYS, _metric.read_metric)


_SYNTAX = re.compile(r"^(?P<msg>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$")


def defaults() -> Config:
    """The config used when there is no file: every default, resources on."""
    return Config(path=None, resources=ResourcesConfig())


def display_name(path: Path) -> str:
    """How a config file is named in messages: relative to the current directory when inside it."""
    try:
        here = os.getcwd()
    except OSError:
        return str(path)
    full = os.path.abspath(path)
    if full.startswith(here.rstrip(os.sep) + os.sep):
        return full[len(here.rstrip(os.sep)) + 1 :]
    return str(path)


def load(explicit: str | None = None, environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Config:
    """Find the config file (--config, $WARROOM_CONFIG, ./warroom.toml, XDG) and load it."""
    from warroom.paths import find_config_path

    return load_config(find_config_path(explicit, environ, cwd), environ)


def load_config(path: Path | None, environ: Mapping[str, str] | None = None) -> Config:
    """Load one file (None: all defaults). Raises ConfigError naming the first fatal problem."""
    if path is None:
        return defaults()
    config, problems = inspect_config(path, environ)
    if any(p.fatal for p in problems):
        raise ConfigError(problems)
    return config


def check_config(path: Path, environ: Mapping[str, str] | None = None) -> list[ConfigProblem]:
    """Every problem in the file, in line order: fatal ones and unset `${ENV}` variables."""
    return inspect_config(path, environ)[1]


def inspect_config(path: Path, environ: Mapping[str, str] | None = None) -> tuple[Config, list[ConfigProblem]]:
    """The config as far as it could be read, and every problem found on the way."""
    path = Path(path)
    file = display_name(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return defaults(), [ConfigProblem(file, None, f"cannot read the file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return defaults(), [ConfigProblem(file, line, "the file is not UTF-8 text")]
    return parse_config(text, file, environ, path)


def parse_config(
    text: str, file: str = "warroom.toml", environ: Mapping[str, str] | None = None, path: Path | None = None
) -> tuple[Config, list[ConfigProblem]]:
    """Validate TOML text; `file` is the name used in messages, `path` goes into `Config.path`."""
    env = os.environ if environ is None else environ
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return defaults(), [_syntax_problem(file, exc, text)]
    report = Report(file, text, env)
    for key, value in data.items():
        if key not in TABLES and key not in ARRAYS and key not in SECTIONS:
            _unknown_section(report, key, value)
    fields: dict[str, Any] = {"resources": ResourcesConfig()}
    for name, (keys, reader) in TABLES.items():
        if name in data:
            table = _single_table(report, name, data[name], keys)
            if table is not None:
                fields[name] = reader(table)
    for name, (field_name, keys, reader) in ARRAYS.items():
        if name in data:
            entries = _array(report, name, data[name], keys, reader)
            if name in ALIASES:
                _clashes(report, name, ALIASES[name], entries, fields.get(field_name, ()))
            fields[field_name] = fields.get(field_name, ()) + entries
    sections = [
        (name, _array(report, name, data[name], keys, reader))
        for name, (keys, reader) in SECTIONS.items()
        if name in data
    ]
    if sections:
        fields["sections"] = tuple(sections)
    problems = sorted(report.problems, key=lambda p: p.line or 0)
    return Config(path=path, **fields), problems


def _syntax_problem(file: str, exc: tomllib.TOMLDecodeError, text: str) -> ConfigProblem:
    reason = str(exc)
    m = _SYNTAX.match(reason)
    if not m:
        return ConfigProblem(file, None, f"TOML syntax error: {reason}")
    if m.group("line"):
        line = int(m.group("line"))
    else:  # "at end of document": name the last line, where the unclosed thing still is
        line = max(1, len(text.splitlines()))
    column = f" (column {m.group('col')})" if m.group("col") else " (at the end of the file)"
    return ConfigProblem(file, line, f"TOML syntax error: {m.group('msg')}{column}")


def _header(name: str) -> str:
    return f"[[{name}]]" if name in ARRAYS or name in SECTIONS else f"[{name}]"


def _unknown_section(report: Report, key: str, value: Any) -> None:
    known = list(TABLES) + list(ARRAYS) + list(SECTIONS)
    if isinstance(value, dict) or (isinstance(value, list) and value and all(isinstance(v, dict) for v in value)):
        written = f"[{key}]" if isinstance(value, dict) else f"[[{key}]]"
        hint = suggest(key, known)
        tail = f"; did you mean {_header(hint)}?" if hint else f" (sections: {', '.join(map(_header, known))})"
        report.add((key,), f"unknown section {written}{tail}")
        return
    homes = [name for name, (keys, _) in TABLES.items() if key in keys]
    homes += [name for name, (_, keys, _) in ARRAYS.items() if key in keys and name not in ALIASES]
    if len(homes) == 1:
        tail = f"; did you mean to put it under {_header(homes[0])}?"
    else:
        hint = suggest(key, known)
        tail = f"; did you mean {_header(hint)}?" if hint else ""
    report.add((key,), f"key '{key}' is unknown at the top level (before any [section]){tail}")


def _single_table(report: Report, name: str, value: Any, keys: tuple[str, ...]) -> Table | None:
    if isinstance(value, list):
        report.add((name,), f"[{name}] is a single table: write [{name}], not [[{name}]]")
        return None
    if not isinstance(value, dict):
        report.add((name,), f"[{name}]: expected a table, got {type_name(value)}")
        return None
    return Table(report, value, (name,), f"[{name}]", keys)


def _clashes(report: Report, alias: str, section: str, entries: tuple, earlier: tuple) -> None:
    """Names under `[[alias]]` must not repeat one already used under `[[section]]`: they are one list."""
    first = {entry.name: index for index, entry in enumerate(earlier) if entry.name}
    for index, entry in enumerate(entries):
        if entry.name in first:
            line = report.lines.line((section, first[entry.name]))
            at = f" (line {line})" if line else ""
            report.add(
                (alias, index, "name"),
                f'[[{alias}]] #{index + 1} "{entry.name}" name: "{entry.name}" is already used by '
                f"[[{section}]] #{first[entry.name] + 1}{at}; names must be unique ([[{alias}]] is [[{section}]]'s older name)",
            )


def _array(report: Report, name: str, value: Any, keys: tuple[str, ...], reader: Reader) -> tuple:
    if isinstance(value, dict):
        report.add((name,), f"write [[{name}]] (once per entry), not [{name}]")
        return ()
    if not isinstance(value, list):
        report.add((name,), f"[[{name}]]: expected an array of tables, got {type_name(value)}")
        return ()
    entries = []
    first_use: dict[str, int] = {}
    for index, item in enumerate(value):
        label = f"[[{name}]] #{index + 1}"
        if not isinstance(item, dict):
            report.add((name, index), f"{label}: expected a table, got {type_name(item)}")
            continue
        entry_name = item.get("name")
        if isinstance(entry_name, str) and entry_name:
            label += f' "{entry_name}"'
        entry = reader(Table(report, item, (name, index), label, keys))
        entries.append(entry)
        if entry.name in first_use:
            other = first_use[entry.name]
            line = report.lines.line((name, other))
            at = f" (line {line})" if line else ""
            report.add(
                (name, index, "name"),
                f'{label} name: "{entry.name}" is already used by [[{name}]] #{other + 1}{at}; names must be unique',
            )
        elif entry.name:
            first_use[entry.name] = index
    return tuple(entries)
