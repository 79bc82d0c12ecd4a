"""Pure domain code: no I/O, no Textual, the clock is always passed in.

Of the project it imports only itself and the base modules (`warroom.records`, `warroom.errors`,
`warroom.sanitize`); `lint-imports` checks it (pyproject.toml).
"""
