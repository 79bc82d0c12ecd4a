"""The focused pane says so in its title, not by a border colour alone.

`FocusMarked` goes first in a focusable widget's bases. While the widget has focus its border
title is drawn as `▶ Title` in reverse, so the focus reads in a monochrome terminal, a
`tmux capture-pane` or to a colour-blind eye (the CSS adds a heavy border too). The title the
code sets is kept as set: the marker is added when it is drawn, never stored in it.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content

FOCUS_MARK = "▶ "


class FocusMarked:
    """Mixin: `▶ ` before the border title while focused (see the module docstring)."""

    @property
    def _border_title(self) -> Content | None:
        # Textual draws `widget._border_title`: the marker is added at that one place.
        title: Content | None = self.__dict__.get("_unmarked_border_title")
        if getattr(self, "has_focus", False):
            return Content.assemble((FOCUS_MARK, "bold reverse"), (title or Content("")).stylize("bold reverse"))
        return title

    @_border_title.setter
    def _border_title(self, title: Content | None) -> None:
        self.__dict__["_unmarked_border_title"] = title

    def on_focus(self, event: Any) -> None:
        self.refresh()  # type: ignore[attr-defined]

    def on_blur(self, event: Any) -> None:
        self.refresh()  # type: ignore[attr-defined]
