"""Pure arithmetic and text shapes the screen draws with: pane heights, sparklines.

No Textual and no I/O, so the rules are tested as plain functions and any layer above
`domain/` may use them (`lint-imports` keeps Textual out, see pyproject.toml).
"""
