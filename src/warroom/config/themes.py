"""Themes are data: `themes/*.toml` read into `ThemeSpec`s (Textual builds its themes from
them in `ui/textual_themes.py`, the only theme code that imports Textual).

The files live once, in the repository's `themes/`. The build copies them into the package
(`warroom/data/themes/`, see setup.py), so a wheel or a regular install finds them there; an
editable install has no such copy and reads the source tree's `themes/`.
Loading needs only tomllib, so `warroom open --theme NAME` can check the name before Textual starts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from warroom.errors import UserError

DEFAULT_THEME = "warroom-dark"

PACKAGE_THEMES = Path(__file__).resolve().parent.parent / "data" / "themes"
REPO_THEMES = Path(__file__).resolve().parents[3] / "themes"

#: Every theme must define these; the CSS uses them (badges, flags, timeline columns).
THEME_VARIABLES: dict[str, str] = {
    "wr-sev1": "#c93c37",
    "wr-sev1-text": "#ffffff",
    "wr-sev2": "#d9822b",
    "wr-sev2-text": "#000000",
    "wr-sev3": "#c9b03a",
    "wr-sev3-text": "#000000",
    "wr-sev4": "#4a7bb0",
    "wr-sev4-text": "#ffffff",
    "wr-alarm": "#c93c37",
    "wr-alarm-text": "#ffffff",
    "wr-drill": "#7d5fb8",
    "wr-drill-text": "#ffffff",
    "wr-vacant": "#e0a33a",
    "wr-good": "#57ab5a",
    "wr-system": "#7d8794",
    "wr-kind": "#5e9fd6",
    "wr-actor": "#d9a441",
    "wr-time": "#8c9bb0",
}

_THEME_FIELDS = {
    "name",
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "dark",
    "luminosity_spread",
    "text_alpha",
}


@dataclass(frozen=True)
class ThemeSpec:
    """One theme file, parsed: the Theme keyword arguments and where it came from."""

    name: str
    fields: dict[str, Any]
    variables: dict[str, str]
    path: Path

    def theme_variables(self) -> dict[str, str]:
        """The `$wr-*` CSS variables this theme defines, the defaults filled in."""
        return {**THEME_VARIABLES, **self.variables}


def theme_dirs() -> list[Path]:
    """Where themes are looked for: the source tree's `themes/` when this module runs from one
    (an editable install, or a checkout), then the copy the build put in the package."""
    in_source_tree = (REPO_THEMES.parent / "pyproject.toml").is_file()
    candidates = (REPO_THEMES, PACKAGE_THEMES) if in_source_tree else (PACKAGE_THEMES,)
    return [d for d in candidates if d.is_dir()]


def parse_theme_file(path: Path) -> ThemeSpec:
    """Read one theme file; a clear UserError naming the file and key on anything wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"theme {path}: {exc}") from None
    variables = data.pop("variables", {})
    unknown = set(data) - _THEME_FIELDS
    if unknown:
        raise UserError(f"theme {path}: unknown key(s) {', '.join(sorted(unknown))}")
    if not isinstance(data.get("name"), str) or not isinstance(data.get("primary"), str):
        raise UserError(f"theme {path}: `name` and `primary` are required strings")
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise UserError(f"theme {path}: [variables] must map names to colour strings")
    return ThemeSpec(data["name"], data, {str(k): v for k, v in variables.items()}, path)


@lru_cache(maxsize=1)
def _load_theme_specs() -> dict[str, ThemeSpec]:
    specs: dict[str, ThemeSpec] = {}
    seen_files: set[str] = set()
    for directory in theme_dirs():
        for path in sorted(directory.glob("*.toml")):
            if path.name in seen_files:
                continue  # the same file in a later directory: the first one found wins
            seen_files.add(path.name)
            spec = parse_theme_file(path)
            specs.setdefault(spec.name, spec)
    return dict(sorted(specs.items(), key=lambda kv: (kv[0] != DEFAULT_THEME, kv[0])))


def load_theme_specs() -> dict[str, ThemeSpec]:
    """Every theme by name (the first file of a name wins), the default first. Read once."""
    return dict(_load_theme_specs())


def theme_names() -> list[str]:
    """The names of every theme, the default first (config and `--theme` check against them)."""
    return list(load_theme_specs())


def resolve_theme_name(name: str | None, names: list[str] | None = None) -> str:
    """`warroom-light`, or just `light`; a UserError listing the themes otherwise."""
    names = theme_names() if names is None else names
    if not name:
        return DEFAULT_THEME if DEFAULT_THEME in names else names[0]
    for candidate in (name, f"warroom-{name}"):
        if candidate in names:
            return candidate
    raise UserError(f"unknown theme {name!r}: choose one of {', '.join(names)}")
