"""The draft screen: a status update one keystroke from the clipboard ("Silence = panic").

Pick the audience (internal chat block, external status page, tactical Conditions/Actions/Needs),
edit the text, see what changed since the last update posted to that audience, then:

    c  copy it (pyperclip -> tmux buffer -> OSC 52) and save it beside the database; says which worked
    p  mark it posted: appends `comms.posted` with the audience and the exact text; the countdown restarts
    P  send it to every `[[notify]]` webhook and record each HTTP result (`notify.sent`)
    e  edit (Esc leaves the editor so these keys work again)   r  re-render, dropping edits

The screen opens in typing mode: the editor has the focus and everything typed is text, so a word
like `Please` or `/pin` never posts or marks anything. Only Esc leaves typing mode for the keys
above (a KEYS hint says so); a letter that is not a key goes back into the editor. `p` and `P`
act outside the record, so each asks first (`ConfirmScreen`, Cancel focused, no letter confirms).

Rendering, diffs and deadlines are the domain's (`drafts`, `cadence`); this screen only shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static, Tab, Tabs, TextArea

from warroom.domain.clock_step import elapsed_view
from warroom.domain.drafts import AUDIENCES, changes_since_last_post, last_post, render_draft
from warroom.sanitize import clean, escape_invisible
from warroom.services.draft_recorder import DraftRecorder
from warroom.ui.screens.draft_effects import DraftCommands, DraftEffects
from warroom.ui.screens.draft_text import (
    AUDIENCE_LABELS,
    HINTS,
    NARROW,
    SHORT_AUDIENCE_LABELS,
    copy_lines,
    diff_content,
)
from warroom.ui.widgets.countdown import Countdown
from warroom.unsaved import Unsaved

if TYPE_CHECKING:
    from warroom.domain.events import Event
    from warroom.domain.incident import IncidentState


class DraftEditor(TextArea):
    """The draft's text. While it has the focus everything typed is text (typing mode): the
    screen's keys never fire here, Tab indents instead of leaving, and only Esc leaves."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.prevent_default()  # not TextArea's own Esc (focus the next widget): the screen's
        elif event.key == "shift+tab":
            event.prevent_default()  # stays in the editor: only Esc leaves typing mode
            event.stop()


#: The screen's own keys: they act only in key mode (after Esc), never while typing.
KEY_MODE_ACTIONS = frozenset({"copy", "mark_posted", "post", "edit", "rerender", "audience"})


class DraftScreen(DraftEffects, Screen[None]):
    """Write, copy, mark posted and post a status update for the incident on screen.

    Everything is optional and otherwise taken from the app (`app.incident` or `app.state`,
    `app.store`, `app.config`, `app.db_path`, `app.actor`, `app.clock`), so the shell can simply
    `push_screen(DraftScreen())`.
    """

    class Posted(Message):
        """An update was marked posted from the draft screen (bubbles: the app refolds its incident)."""

        def __init__(self, event: Event) -> None:
            super().__init__()
            self.event = event

    #: The incident as last folded (the countdown is bound to it; a post refolds it).
    state: var[IncidentState | None] = var(None, always_update=True)
    #: `state` as the countdown counts it: a recorded clock step (NTP) is elapsed time, not an
    #: hour of silence (`domain.clock_step.elapsed_view`).
    counted: var[IncidentState | None] = var(None, always_update=True)

    DEFAULT_CSS = """
    DraftScreen { layout: vertical; }
    DraftScreen #draft-header { height: 1; background: $panel; }
    DraftScreen #draft-title { width: 1fr; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    DraftScreen #draft-body { height: 1fr; }
    DraftScreen #draft-editor { width: 3fr; }
    DraftScreen #draft-changes-box { width: 2fr; border-left: vkey $panel-lighten-2; padding: 0 1; }
    DraftScreen #draft-changes-title { text-style: bold; height: auto; }
    DraftScreen #draft-hint { height: 1; color: $text-muted; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    DraftScreen #draft-status {
        height: auto; max-height: 4; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    DraftScreen #draft-status.-error { color: $text-error; }
    """

    COMMANDS = {DraftCommands}
    BINDINGS = [
        Binding("c", "copy", "Copy"),
        Binding("p", "mark_posted", "Mark posted"),
        Binding("P", "post", "Webhook"),
        Binding("e", "edit", "Edit"),
        Binding("r", "rerender", "Re-render"),
        Binding("1", "audience('internal')", "Internal", show=False),
        Binding("2", "audience('external')", "External", show=False),
        Binding("3", "audience('tactical')", "Tactical", show=False),
        Binding("escape", "keys_mode", "Keys"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(
        self,
        state: IncidentState | None = None,
        *,
        audience: str = "internal",
        store: Any | None = None,
        config: Any | None = None,
        db_path: Path | str | None = None,
        actor: str | None = None,
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self._state_arg = state
        self._given = dict(store=store, config=config, db_path=db_path, actor=actor, clock=clock)
        self.audience = audience if audience in AUDIENCES else "internal"
        self.state = state
        #: The text per audience once someone edited it (edits survive switching audience).
        self._edited: dict[str, str] = {}
        self._rendered: dict[str, str] = {}
        self._loading = False
        self.recorder: DraftRecorder | None = None
        self.last_outcome: Any | None = None

    def watch_state(self, state: IncidentState | None) -> None:
        self.counted = elapsed_view(state) if state is not None else None

    # --- wiring ------------------------------------------------------------------------------

    def _resolve(self) -> DraftRecorder:
        app = self.app
        given = self._given
        state = self._state_arg or getattr(app, "incident", None) or getattr(app, "state", None)
        self.state = state
        store = given["store"] or getattr(app, "store", None)
        config = given["config"] or getattr(app, "config", None)
        db_path = given["db_path"] or getattr(app, "db_path", None) or getattr(store, "path", None)
        actor = given["actor"] or getattr(app, "actor", None) or "unknown"
        clock = given["clock"] or getattr(app, "clock", None)
        if not callable(clock):
            clock = lambda: datetime.now(UTC)  # noqa: E731
        incident_id = state.incident_id if state is not None else getattr(app, "incident_id", None)
        return DraftRecorder(store, incident_id, config, Path(db_path) if db_path else None, str(actor), clock)

    def compose(self) -> ComposeResult:
        with Horizontal(id="draft-header"):
            yield Static("", id="draft-title", markup=False)
            counted = elapsed_view(self._state_arg) if self._state_arg is not None else None
            yield Countdown(counted, bell=False, id="draft-countdown").data_bind(incident=DraftScreen.counted)
        yield Tabs(*(Tab(self._tab_label(a), id=f"audience-{a}") for a in AUDIENCES), id="draft-audience")
        with Horizontal(id="draft-body"):
            yield DraftEditor("", id="draft-editor", soft_wrap=True, tab_behavior="indent")
            with Vertical(id="draft-changes-box"):
                yield Static("", id="draft-changes-title", markup=False)
                with VerticalScroll():
                    yield Static("", id="draft-changes", markup=False)
        yield Static("", id="draft-hint", markup=False)
        yield Static("", id="draft-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.recorder = self._resolve()
        countdown = self.query_one(Countdown)
        config = self.recorder.config
        countdown.use_clock_and_cadence(
            self.recorder.clock, getattr(config, "cadence", None) if config is not None else None
        )
        if countdown.is_mounted:
            countdown.tick()  # counted again with the recorder's clock and cadence
        self.query_one("#draft-audience", Tabs).active = f"audience-{self.audience}"
        self._show_audience()
        self.editor.move_cursor(self.editor.document.end)
        self.editor.focus()  # typing mode: what is typed first is text, never a key
        self._hint()

    # --- showing -----------------------------------------------------------------------------

    @property
    def editor(self) -> TextArea:
        return self.query_one("#draft-editor", TextArea)

    @property
    def text(self) -> str:
        """Exactly what would be copied, posted and recorded."""
        return self.editor.text

    def _render_draft(self, audience: str) -> str:
        assert self.recorder is not None
        if self.state is None:
            return ""
        config = self.recorder.config
        draft = render_draft(
            self.state,
            audience,
            self.recorder.clock(),
            getattr(config, "cadence", None),
            getattr(config, "team", None),
            getattr(config, "templates", None),
        )
        return draft.text

    def _show_audience(self) -> None:
        title = self.query_one("#draft-title", Static)
        if self.state is None:
            title.update(Content("Status update draft — no incident open"))
            self._status("No incident is open: declare one first (warroom declare TITLE --sev N).", error=True)
            self.editor.load_text("")
            return
        s = self.state
        title.update(
            Content(f"Status update · {s.short_id} {clean(s.title, cap=80)} · {s.severity.label} · {s.status.value}")
        )
        # Record text shows invisible characters as <U+202E>: a draft must read as it will be posted.
        rendered = escape_invisible(self._render_draft(self.audience))
        self._rendered[self.audience] = rendered
        self._loading = True
        self.editor.load_text(self._edited.get(self.audience, rendered))
        self._loading = False
        self._show_changes()

    def _show_changes(self) -> None:
        if self.state is None:
            return
        previous = last_post(self.state, self.audience)
        when = (
            f"posted {previous.at:%H:%M} UTC by {clean(previous.actor, cap=40)}" if previous else "nothing posted yet"
        )
        self.query_one("#draft-changes-title", Static).update(
            Content(f"Changes since the last {self.audience} update ({when})")
        )
        lines = changes_since_last_post(self.state, self.audience, self.text)
        self.query_one("#draft-changes", Static).update(diff_content(lines))

    def _width(self) -> int:
        """Columns for one line of hint or status text (the screen less its padding)."""
        return max(20, (self.size.width or self.app.size.width or 80) - 2)

    def _tab_label(self, audience: str) -> str:
        width = self.size.width if self.is_attached and self.size.width else self.app.size.width
        return (SHORT_AUDIENCE_LABELS if width < NARROW else AUDIENCE_LABELS)[audience]

    def on_resize(self) -> None:
        self._hint()
        for audience in AUDIENCES:
            tab = self.query_one(f"#audience-{audience}", Tab)
            label = self._tab_label(audience)
            if str(tab.label) != label:
                tab.label = Content(label)

    def _hint(self) -> None:
        mode = "editing" if self.editor.has_focus else "keys"
        long, short = HINTS[f"{mode}-readonly" if self._viewing_only() else mode]
        hint = long if cell_len(long) <= self._width() else short
        self.query_one("#draft-hint", Static).update(Content(hint))

    def _status(self, text: str, *, error: bool = False, detail: str | None = None) -> None:
        """Show one status message: each line cleaned on its own and kept to one row (long
        ones end in `…`); `detail` (the full text) is the status line's tooltip."""
        status = self.query_one("#draft-status", Static)
        lines = [clean(line, cap=300) for line in text.split("\n")][:4]
        status.update(Content("\n".join(lines)))
        status.set_class(error, "-error")
        status.tooltip = clean(detail, cap=2000) if detail else None

    # --- events ------------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#draft-audience")
    def _audience_picked(self, event: Tabs.TabActivated) -> None:
        tab_id = event.tab.id or ""
        audience = tab_id.removeprefix("audience-")
        if audience in AUDIENCES and audience != self.audience:
            self.audience = audience
            self._show_audience()

    def unsaved_text(self) -> list[Unsaved]:
        """Drafts someone edited here and that are not posted: quitting must not drop them."""
        return [
            Unsaved(f"status draft ({audience}) edited, not posted", text)
            for audience, text in self._edited.items()
            if text.strip()
        ]

    @on(TextArea.Changed, "#draft-editor")
    def _edited_text(self) -> None:
        if self._loading:
            return
        text = self.text
        if text == self._rendered.get(self.audience):
            self._edited.pop(self.audience, None)
        else:
            self._edited[self.audience] = text
        self._show_changes()

    def on_descendant_focus(self) -> None:
        self._hint()
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self._hint()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen's keys are shown dimmed and do nothing while typing in the editor."""
        if action in ("mark_posted", "post") and self._viewing_only():
            return False  # `--readonly`: no mark-posted, no webhook: the keys are not offered at all
        if not self.is_mounted:
            return True
        typing = self.editor.has_focus
        if action == "keys_mode":
            return typing  # Esc while typing: to the keys (shown as "Keys")
        if action == "leave":
            return not typing  # Esc in key mode: back to the war room
        if action in KEY_MODE_ACTIONS and typing:
            return None
        return True

    def _viewing_only(self) -> bool:
        """Opened with `--readonly` (`[ui] readonly = true`): nothing here may be recorded."""
        return bool(getattr(getattr(getattr(self.app, "config", None), "ui", None), "readonly", False))

    _BOUND = frozenset("cpPer123")

    def on_key(self, event: events.Key) -> None:
        """In key mode, a printable key that is not one of the screen's goes back into the
        editor (typing mode again) instead of being dropped."""
        editor = self.editor
        if editor.has_focus or not event.is_printable or event.character is None:
            return
        if event.character in self._BOUND or event.key in {"space", "tab"}:
            return
        event.stop()
        event.prevent_default()
        editor.focus()
        editor.insert(event.character)

    # --- actions -----------------------------------------------------------------------------

    def action_audience(self, audience: str) -> None:
        self.query_one("#draft-audience", Tabs).active = f"audience-{audience}"

    def action_edit(self) -> None:
        self.editor.focus()

    def action_keys_mode(self) -> None:
        """Leave typing mode: the screen's keys work (the only way out of the editor)."""
        self.query_one("#draft-audience", Tabs).focus()

    def action_leave(self) -> None:
        if self.editor.has_focus:
            self.action_keys_mode()
        else:
            self.dismiss()

    def action_rerender(self) -> None:
        self._edited.pop(self.audience, None)
        self._show_audience()
        self._status(f"Re-rendered the {self.audience} draft from the record.")

    def _label(self) -> str:
        prefix = self.state.short_id if self.state is not None else "draft"
        return f"{prefix}-{self.audience}"

    @work(exclusive=True, group="draft-copy")
    async def action_copy(self) -> None:
        from warroom.clipboard import copy_text_async

        assert self.recorder is not None
        text = self.text
        if not text.strip():
            self._status("Nothing to copy: the draft is empty.", error=True)
            return
        self._status("Copying…")
        outcome = await copy_text_async(
            text,
            db_path=self.recorder.db_path,
            label=self._label(),
            now=self.recorder.clock(),
            app=self.app,
        )
        self.last_outcome = outcome
        first, tried = copy_lines(outcome, self._width())
        detail = "\n".join(f"{a.method}: {'ok' if a.ok else a.detail or 'failed'}" for a in outcome.attempts)
        self._status(
            f"{first}\n{tried}",
            error=not outcome.copied and outcome.path is None,
            detail=f"{outcome.message()}\n{detail}",
        )

    def _can_write(self) -> bool:
        assert self.recorder is not None
        why = self.recorder.why_not_writable()
        if why:
            self._status(why, error=True)
        return why is None

    async def _reload_state(self, keep_status: bool = False) -> None:
        """Refold from the store so the diff and countdown count from what was just recorded."""
        recorder = self.recorder
        assert recorder is not None
        try:
            self.state = await recorder.reload()
        except Exception as exc:
            self._status(f"Recorded, but could not reload the incident: {exc}", error=True)
            return
        # Un-edited drafts re-render from the new record; edits are kept as typed.
        self._show_audience()
        poke = getattr(getattr(self.app, "follower", None), "poke", None)
        if callable(poke):
            poke()
