"""Messages the war room's parts send each other (named in the past tense: what happened)."""

from __future__ import annotations

from textual.message import Message

from warroom.domain.events import Event


class EventsAppended(Message):
    """New committed events of the incident on screen, in id order (from any process).

    Posted by the store follower (`ui/follow.py`) to the war room screen, which refolds the
    incident (`app.incident`) and hands the events to the timeline.
    """

    def __init__(self, events: tuple[Event, ...]) -> None:
        super().__init__()
        self.events = events


class PinRequested(Message):
    """Someone typed `/pin PANE`: pin that pane's current output to the timeline as evidence.

    The war room screen posts it to the `SignalPanes` widget, which owns the panes; it answers
    with `CommandFeedback` ("pinned api", or "no pane named x").
    """

    def __init__(self, pane: str) -> None:
        super().__init__()
        self.pane = pane


class CommandFeedback(Message):
    """A line of feedback for the command line (bubbles up to the war room screen).

    Any widget may post it, e.g. after handling `PinRequested`. `error` shows it as a failure.
    """

    def __init__(self, text: str, error: bool = False) -> None:
        super().__init__()
        self.text = text
        self.error = error
