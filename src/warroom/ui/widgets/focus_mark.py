"""The focused pane says so in its title, not by a border colour alone.

`FocusMarked` goes first in a focusable widget's bases. While the widget has focus its border
title is drawn as `▶ Title` in reverse, so the focus reads in a monochrome terminal, a
`tmux capture-pane` or to a colour-blind eye (the CSS adds a heavy border too). The title the
code sets is kept as set: reading `border_title` never shows the marker.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widget import Widget

FOCUS_MARK = "▶ "


class FocusMarked:
    """Mixin: `▶ ` before the border title while focused (see the module docstring).

    The title as set is kept here; Textual's `border_title` (its public descriptor on `Widget`)
    is given the marked or the plain title as the focus comes and goes."""

    def _unmarked_title(self) -> Content | None:
        title: Content | None = self.__dict__.get("_focus_mark_unmarked")
        return title

    def _show_title(self, focused: bool | None = None) -> None:
        title = self._unmarked_title()
        if focused is None:
            focused = getattr(self, "has_focus", False)
        if focused:
            title = Content.assemble((FOCUS_MARK, "bold reverse"), (title or Content("")).stylize("bold reverse"))
        Widget.__dict__["border_title"].__set__(self, title)

    @property
    def border_title(self) -> str | None:
        """The title as set (console markup), without the focus marker."""
        title = self._unmarked_title()
        return None if title is None else title.markup

    @border_title.setter
    def border_title(self, title: Any) -> None:
        if isinstance(title, Text):
            title = Content.from_rich_text(title)
        if title is not None:  # as Textual's setter reads it: markup, first line, tabs expanded
            title = self.render_str(title).expand_tabs(4).split()[0]  # type: ignore[attr-defined]
        self.__dict__["_focus_mark_unmarked"] = title
        self._show_title()

    def on_focus(self, event: Any) -> None:
        # Handled before Textual's own Widget handler sets `has_focus`: say it here.
        self._show_title(focused=True)

    def on_blur(self, event: Any) -> None:
        self._show_title(focused=False)
