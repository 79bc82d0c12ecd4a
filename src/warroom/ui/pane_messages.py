"""Messages between the poller and the signal panes (the shell's own messages live in messages.py).

Past tense, frozen payloads, and no bubbling: a pane update is for the node that subscribed,
not for every ancestor up to the app (that walk would cost something at 1,000 updates a minute).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from warroom.scheduler import SourceUpdate


class SourceUpdated(Message, bubble=False):
    """A source finished a poll: `update` carries its frozen snapshot and freshness."""

    def __init__(self, update: "SourceUpdate") -> None:
        super().__init__()
        self.update = update


class PollerPauseChanged(Message, bubble=False):
    """Live updates were paused (`paused=True`) or resumed."""

    def __init__(self, paused: bool) -> None:
        super().__init__()
        self.paused = paused


class CountdownPhaseChanged(Message):
    """The header countdown moved between ok / soon / overdue / none (bubbles to the app)."""

    def __init__(self, phase: str, text: str) -> None:
        super().__init__()
        self.phase = phase
        self.text = text
