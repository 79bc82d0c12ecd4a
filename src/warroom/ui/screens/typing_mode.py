"""Typing mode and key mode for the war room screen (mixed into WarRoomScreen).

The command line has the focus unless the person deliberately left it: Esc, a click on a pane,
a pane chosen in the command palette. That is key mode, shown by a KEYS badge on the command
line. Every other focus move goes through `set_focus` and is sent back to the command line: a
resize, the too-small view or a zoom hiding the command line (Textual then moves the focus to
a sibling), a dialog closing, a pane updating, the terminal losing and regaining focus. So
prose typed at a shared keyboard never fires `d`, `p` or `t`. In key mode a printable key that
is not bound goes back to the command line with its character, so nothing typed is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widget import Widget

from warroom.ui.widgets.commandline import CommandLine

if TYPE_CHECKING:
    from textual.screen import Screen

    from warroom.ui.widgets.commandline import CommandInput

    _Base = Screen[None]
else:
    _Base = object


class TypingMode(_Base):
    """Mixed into the war room screen before `Screen`; it sets `_command` once mounted."""

    #: The command line's input (None until the screen is mounted: Textual's defaults until then).
    _command: CommandInput | None = None
    #: Key mode: the single-key bindings act; typing mode otherwise.
    key_mode: bool = False

    if TYPE_CHECKING:  # the war room screen's, which this is mixed into

        def feedback(self, text: str, kind: str = "info") -> None: ...

    def enter_key_mode(self, widget: Widget | None = None) -> None:
        """Leave the command line for the single keys, focusing `widget` (a pane) if given."""
        self._show_key_mode(True)
        if widget is not None:
            self.set_focus(widget)

    @property
    def focus_chain(self) -> list[Widget]:
        """In key mode Tab and Shift+Tab cycle the panes only: the command line is reached on
        purpose (`:`, Enter or a letter), not by tabbing past the last pane."""
        chain = super().focus_chain
        command = self._command
        if self.key_mode and command is not None and self.focused is not command:
            return [widget for widget in chain if widget is not command] or chain
        return chain

    def _show_key_mode(self, on: bool) -> None:
        self.key_mode = on
        for line in self.query(CommandLine):
            line.set_key_mode(on)

    def set_focus(self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False) -> None:
        """Every focus change comes here: outside key mode, only the command line may have it."""
        command = self._command
        if command is not None and command.is_attached and not command.disabled:
            if widget is command:
                if self.key_mode:
                    self._show_key_mode(False)
            elif not self.key_mode:
                widget = command
                if self.focused is command:
                    return
        super().set_focus(widget, scroll_visible, from_app_focus)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a pane is key mode, deliberately: the pane takes the focus.

        Textual first offers the focus to the clicked pane (sent back to the command line by
        `set_focus`, as in typing mode), then the press bubbles up here from the widget under
        the mouse: this gives the pane the focus in key mode. A press on a scroll bar stops
        there (Textual's scroll bars keep their presses): scrolling a pane keeps typing mode."""
        if self.app.mouse_captured:
            return
        target = self.get_focusable_widget_at(event.screen_x, event.screen_y)
        if target is not None and target is not self._command and target.focus_on_click():
            self.enter_key_mode(target)

    def on_key(self, event: events.Key) -> None:
        """In key mode a printable key that is no binding goes back to the command line, with
        its character, so nothing typed is lost.

        The command line stops every printable key it takes, so one that reaches the screen
        outside key mode was typed fast behind such a letter, already on its way to the pane
        that had the focus: it belongs in the command line too, bound or not (`wed` typed fast
        in key mode is the word, not `w` and then the draft opened by `d`)."""
        command = self._command
        if command is None or command.disabled or not event.is_printable or event.character is None:
            return  # a read-only screen's command line takes no typing
        if self.key_mode and event.key in self.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self.set_focus(command)  # now, not later: the next keys may already be queued behind this one
        command.insert_text_at_cursor(event.character)

    def clear_command_line(self) -> bool:
        """Ctrl+C with text in the command line: clear it, keeping it in the history (Up
        brings it back). False when it was empty already."""
        command = self._command
        if command is None or not command.value:
            return False
        command.remember(command.value)
        command.value = ""
        self.feedback("cleared (Up brings it back) · Ctrl+C on an empty line, twice, quits")
        return True
