"""Show a `Config`: a one-line summary, and the effective file as TOML with secrets redacted.

`render_toml(config)` is valid TOML that loads back to the same config (defaults filled in),
except that literal credentials are replaced by `***`; `${ENV}` references are shown by name,
never expanded. Every string is written with TOML escapes for anything not printable, so a
control sequence or bidi override in the file cannot drive the terminal that shows it.

`example_text()` is the example config shipped in the package (`warroom config example`).
"""

from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass
from typing import Any

from warroom.config.model import Config, ResourcesConfig, Secret, StatusRange

_TABLES = ("team", "cadence", "ui", "resources", "templates", "runbooks")
# (TOML section, Config field)
_ARRAYS = (
    ("probe", "probes"),
    ("statuspage", "statuspages"),
    ("log", "logs"),
    ("deploys", "deploys"),
    ("command", "commands"),
    ("mitigation", "mitigations"),
    ("notify", "notify"),
)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DURATIONS = frozenset({"timeout", "interval", "since", "backfill"})
# Arrays where empty means "not given" (they belong to another kind, or are optional commands).
_OMIT_WHEN_EMPTY = frozenset({"argv", "capture_argv", "deployments"})


EXAMPLE_RESOURCE = ("data", "warroom.example.toml")


def example_text() -> str:
    """The example `warroom.toml` shipped with warroom (package data, so no checkout is needed)."""
    from importlib import resources

    return resources.files("warroom").joinpath(*EXAMPLE_RESOURCE).read_text(encoding="utf-8")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary(config: Config) -> str:
    """`2 probes, 1 status page, 2 logs, 2 deploy sources, resources on, 1 command, ...`."""
    resources = config.resources
    on = resources is not None and resources.enabled
    return ", ".join(
        [
            _plural(len(config.probes), "probe"),
            _plural(len(config.statuspages), "status page"),
            _plural(len(config.logs), "log"),
            _plural(len(config.deploys), "deploy source"),
            f"resources {'on' if on else 'off'}",
            _plural(len(config.commands), "command"),
            _plural(len(config.mitigations), "mitigation"),
            _plural(len(config.notify), "notify", "notify"),
            # Registered sections (`[[metric]]`...): `1 metric`.
            *(_plural(len(entries), section) for section, entries in config.sections),
        ]
    )


def _redact_item(value: str) -> str:
    from warroom.redact import redact_text

    return redact_text(value)


def _value(key: str, value: Any) -> Any:
    """A model value as a plain TOML value; None means leave the key out."""
    if value is None:
        return None
    if isinstance(value, Secret):
        return value.redacted()
    if isinstance(value, StatusRange):
        return [*value.codes, *(f"{lo}-{hi}" for lo, hi in value.ranges)]
    if key == "headers":
        from warroom.redact import SENSITIVE_HEADERS

        out = {}
        for name, secret in value:
            shown = secret.redacted()
            if name.lower() in SENSITIVE_HEADERS and not secret.env_names:
                shown = "***"  # a literal credential: show that it is set, never what it is
            out[name] = shown
        return out
    if isinstance(value, tuple):
        return [_redact_item(v) if key.endswith("argv") else v for v in value]
    if isinstance(value, float) and key in _DURATIONS and value.is_integer():
        return int(value)
    return value


def _string(text: str) -> str:
    """A TOML basic string; characters that are not printable (ESC, C1, bidi overrides,
    zero-width ones) are written as \\uXXXX escapes, so the value loads back unchanged."""
    body = json.dumps(text, ensure_ascii=False)
    if body.isprintable():
        return body
    return "".join(
        c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}") for c in body
    )


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot render {type(value).__name__}")


def _body(obj: Any, skip: tuple[str, ...] = ()) -> list[str]:
    lines = []
    assert is_dataclass(obj)
    for f in fields(obj):
        if f.name in skip:
            continue
        raw = getattr(obj, f.name)
        value = _value(f.name, raw)
        if value is None:
            if f.name.startswith("sev") and f.name[3:].isdigit():
                lines.append(f"{f.name} = false  # no required updates")
            continue
        if value == [] and f.name in _OMIT_WHEN_EMPTY:
            continue
        lines.append(f"{f.name} = {_scalar(value)}")
    return lines


def render_toml(config: Config) -> str:
    """The effective config as TOML: every key with its value, defaults included, redacted."""
    from warroom.sanitize import clean

    source = clean(str(config.path), cap=None) if config.path else "no config file found: all defaults"
    out = [f"# effective warroom config ({source}); secrets redacted"]
    for name in _TABLES:
        obj = getattr(config, name)
        if obj is None and name == "resources":
            obj = ResourcesConfig(enabled=False)
        out += ["", f"[{name}]", *_body(obj)]
    for section, field_name in _ARRAYS:
        for entry in getattr(config, field_name):
            out += ["", f"[[{section}]]", *_body(entry)]
    for section, entries in config.sections:  # registered by source kinds (`[[metric]]`)
        for entry in entries:
            out += ["", f"[[{section}]]", *_body(entry)]
    return "\n".join(out) + "\n"
