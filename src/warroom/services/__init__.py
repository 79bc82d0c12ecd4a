"""Work the screen and the command line share, with no Textual in it.

Between `ui/` (and `commands/`) above and `sources/`, `store/`, `config/`, `domain/` below:
following the store, recording and saving drafts, carrying out a command-line line. A module
here may use the store, the sources, the config and the domain; it never imports Textual or
`warroom.ui` (`lint-imports` checks both, see pyproject.toml).
"""
