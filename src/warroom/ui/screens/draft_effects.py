"""What the draft screen does outside the record, each asked about first.

`p` (mark posted: the countdown restarts) and `P` (send to every `[[notify]]` webhook) open a
`ConfirmScreen` saying exactly what will happen (the audience, the first line, where it goes:
webhook names and hosts, never their URLs), with Cancel focused. What is recorded or sent is
the text as it was when the question was asked. A mixin of `DraftScreen`, kept apart so the
screen stays about showing the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual import work
from textual.command import DiscoveryHit, Hit, Hits, Provider

from warroom.ui.screens.draft_text import fit_path, mark_posted_question, post_question


class DraftCommands(Provider):
    """The draft screen's actions by name in the command palette (Ctrl+P), usable from typing
    mode too: choosing one is deliberate, and mark posted / post still ask first."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen: Any = self.screen
        return [
            ("Draft: copy", "Copy the draft and save it beside the database (c)", screen.action_copy),
            (
                "Draft: mark posted…",
                "Record this update as posted, restarting the countdown; asks first (p)",
                screen.action_mark_posted,
            ),
            (
                "Draft: post to webhooks…",
                "Send this update to every [[notify]] webhook; asks first (P)",
                screen.action_post,
            ),
            ("Draft: re-render", "Render the draft again from the record, dropping edits (r)", screen.action_rerender),
            *(
                (f"Draft: {audience}", f"Show the {audience} draft ({n})", lambda a=audience: screen.action_audience(a))
                for n, audience in enumerate(("internal", "external", "tactical"), start=1)
            ),
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class DraftEffects:
    """`action_mark_posted` and `action_post` for `DraftScreen` (which provides `recorder`,
    `state`, `text`, `audience`, `_status`, `_can_write`, `_width`, `_label`, `_reload_state`)."""

    def action_mark_posted(self) -> None:
        """Ask (audience, first line, that the countdown restarts), then record `comms.posted`."""
        recorder = self.recorder
        assert recorder is not None
        if not self._can_write():
            return
        text, audience = self.text, self.audience
        if not text.strip():
            self._status("Nothing to mark posted: the draft is empty.", error=True)
            return
        state = self.state
        minutes = None
        if state is not None:
            from warroom.domain.cadence import UpdateCadence

            minutes = UpdateCadence.from_config(getattr(recorder.config, "cadence", None)).minutes_for(state.severity)
        severity = state.severity.label if state is not None else "this severity"
        title, details = mark_posted_question(audience, text, recorder.actor, severity, minutes)
        self._ask(
            title,
            details,
            "Mark posted",
            lambda: self._mark_posted(audience, text),
            f"Not marked posted: the {audience} draft is kept.",
        )

    def _ask(self, title: str, details: list[str], confirm: str, then: Callable[[], Any], cancelled: str) -> None:
        from warroom.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then()
            else:
                self._status(cancelled)

        self.app.push_screen(ConfirmScreen(title, details, confirm=confirm, cancel="Cancel"), answered)

    @work(exclusive=True, group="draft-post")
    async def _mark_posted(self, audience: str, text: str) -> None:
        recorder = self.recorder
        assert recorder is not None
        at = recorder.clock()
        try:
            event = await recorder.mark_posted(audience, text, at)
        except Exception as exc:
            self._status(f"Could not record the update (the draft is kept): {exc}", error=True)
            return
        await self._reload_state()
        self._status(f"{audience.capitalize()} update marked posted at {at:%H:%M:%S} UTC; the countdown restarts.")
        if event is not None:
            self.post_message(self.Posted(event))  # type: ignore[attr-defined]

    def action_post(self) -> None:
        """Ask (each webhook's name and host, the audience, the first line), then post."""
        recorder = self.recorder
        assert recorder is not None
        if not recorder.webhooks:
            self._status(
                f'No webhook configured: add [[notify]] kind = "slack", url = "${{SLACK_INCIDENT_WEBHOOK}}" to {recorder.config_path}.',
                error=True,
            )
            return
        if not self._can_write():
            return
        text, audience = self.text, self.audience
        if not text.strip():
            self._status("Nothing to post: the draft is empty.", error=True)
            return
        title, details = post_question(audience, text, recorder.webhook_targets())
        self._ask(title, details, "Post", lambda: self._post(audience, text), "Not posted: nothing was sent.")

    @work(exclusive=True, group="draft-post")
    async def _post(self, audience: str, text: str) -> None:
        recorder = self.recorder
        assert recorder is not None
        self._status(f"Posting to {len(recorder.webhooks)} webhook(s)…")
        sent = await recorder.post_webhooks(audience, text)
        if sent.failed:
            kept = await recorder.keep_copy(text, self._label())
            if isinstance(kept, Path):
                lead = "and saved to "
                kept = lead + fit_path(kept, max(8, self._width() - cell_len(lead)))
            self._status(
                "\n".join(
                    [
                        *sent.lines[:2],
                        f"{sent.failed} of {sent.total} failed, not marked posted: the draft is kept in the editor",
                        kept,
                    ]
                ),
                error=True,
                detail="\n".join(sent.lines),
            )
        else:
            self._status("\n".join(sent.lines) + "\nNot yet marked posted: press p to record it as the update.")
        await self._reload_state(keep_status=True)
