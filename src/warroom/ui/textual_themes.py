"""The theme files as Textual themes: the one theme module that imports Textual.

Reading and checking the files is `config/themes.py` (no Textual, so config and
`warroom open --theme NAME` check a name before Textual starts); this turns each `ThemeSpec`
into a `textual.theme.Theme` for `App.register_theme`.
"""

from __future__ import annotations

from textual.theme import Theme

from warroom.config.themes import ThemeSpec, load_theme_specs


def to_textual_theme(spec: ThemeSpec) -> Theme:
    """One theme file as a Textual theme, with every `$wr-*` variable defined."""
    return Theme(**spec.fields, variables=spec.theme_variables())


def load_themes() -> list[Theme]:
    """Every theme as a `textual.theme.Theme`, ready for `App.register_theme`."""
    return [to_textual_theme(spec) for spec in load_theme_specs().values()]
