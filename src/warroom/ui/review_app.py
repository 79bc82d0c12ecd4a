"""The app `warroom review` runs: the review screen on one incident, and nothing live.

    ReviewApp(db_path, incident_id=None, cadence=None, theme=None, clock=None).run()

No store for writing, no sources, no recorder, no command line: everything it reads comes
through read-only connections (`store.reader`), so a copied database on a laptop with no
config and no network opens the same way, and the file is left exactly as it was, until the
reviewer saves a postmortem section or an action item (the postmortem panel, `p`): only then is
a write connection opened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.binding import Binding
from textual.screen import Screen

from warroom.domain.cadence import UpdateCadence
from warroom.errors import UserError
from warroom.ui.app import ThemedApp
from warroom.ui.quitting import QuitKeepingText


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ReviewApp(QuitKeepingText, ThemedApp):
    """See the module docstring. Quitting asks first when the postmortem panel holds typed text
    the database does not have (`ui.quitting`)."""

    TITLE = "warroom review"
    #: Exit status after an interrupt (the quitting flow's; as the war room's).
    INTERRUPTED = 130
    #: The review has no war room screen (the quitting flow asks each screen for its text).
    warroom_screen = None
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", key_display="^q", priority=True, show=False)]

    def __init__(
        self,
        db_path: Path | str,
        incident_id: int | None = None,
        cadence: UpdateCadence | None = None,
        theme: str | None = None,
        clock: Callable[[], datetime] | None = None,
        readonly: bool = False,
    ) -> None:
        super().__init__(theme)
        self.db_path = Path(db_path)
        #: `warroom review --readonly`: not even the postmortem panel opens a write connection.
        self.readonly = readonly
        self.requested_incident = incident_id
        self.cadence = cadence or UpdateCadence()
        self.clock: Callable[[], datetime] = clock or _utcnow
        self._startup_error: UserError | None = None
        #: The incident under review (set once the screen knows it; names the unsaved-text file).
        self.incident_id: int | None = incident_id

    @property
    def actor(self) -> str:  # type: ignore[override]
        """Who is reviewing (the name edits are recorded under)."""
        from warroom.services.actor import acting_name

        try:
            return acting_name()
        except UserError:
            return "unknown"

    def get_default_screen(self) -> Screen:
        """The review screen, composed first (the newest events only: the rest load after)."""
        from warroom.services.review_load import first_view
        from warroom.ui.screens.review import ReviewScreen

        try:
            view = first_view(self.db_path, self.requested_incident)
            self.incident_id = view.incident_id
            return ReviewScreen(view)
        except UserError as exc:
            self._startup_error = exc
            return Screen()

    def on_mount(self) -> None:
        if self._startup_error is not None:
            self.exit(return_code=2, message=f"warroom: error: {self._startup_error}")

    def first_frame_shown(self) -> None:
        """Called once the review screen is drawn (the benchmark and tests wait for it)."""
