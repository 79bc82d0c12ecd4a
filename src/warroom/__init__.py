"""warroom: a full-screen terminal war room for production incidents.

Imports go one way (pyproject.toml's `[tool.importlinter]` contracts, checked by `lint-imports`):
`cli` -> `commands` -> `ui` (the only Textual) -> `services` -> `sources` -> `store`, `config`
-> `domain` (pure) -> the base modules every layer may use (`records`, `errors`, `sanitize`,
`layout`).
"""

__version__ = "0.1.0"
