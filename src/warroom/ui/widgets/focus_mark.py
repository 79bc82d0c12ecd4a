"""The focused pane says so in its title, not by a border colour alone.

`FocusMarked` goes first in a focusable widget's bases. While the widget has focus its border
title is drawn as `▶ Title` in reverse, so the focus reads in a monochrome terminal, a
`tmux capture-pane` or to a colour-blind eye (the CSS adds a heavy border too). The title the
code sets is kept as set: the marker is added when it is drawn, never stored in it.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget

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

    @property
    def border_title(self) -> str | None:
        """The title as set (console markup), without the focus marker."""
        title: Content | None = self.__dict__.get("_unmarked_border_title")
        return None if title is None else title.markup

    @border_title.setter
    def border_title(self, title: Any) -> None:
        # Textual's own setter (it turns str markup, Text or Content into Content).
        Widget.__dict__["border_title"].__set__(self, title)

    def on_focus(self, event: Any) -> None:
        self.refresh()  # type: ignore[attr-defined]

    def on_blur(self, event: Any) -> None:
        self.refresh()  # type: ignore[attr-defined]
