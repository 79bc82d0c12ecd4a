"""The mitigation screen (`m` in key mode, `/mitigate`, the palette): mitigate first.

"The goal in the first 15 minutes is to make users stop hurting, not to understand why." The
screen lists the playbook's options in its order (`widgets/mitigation_list.py`): the suspect
deploys' rollbacks first, each offered as "Roll back api a1b2c3d (deployed 12 min before
detection)" with its exact command, then the `[[mitigation]]` entries by kind; a kind with no
entry says how to add one.

Running one is an effect outside the record, so it asks first: Enter on an option opens a
`ConfirmScreen` with the full command (no shell), the capture command, the timeout and the
folder, **Cancel** focused; no letter runs anything. On confirm the run happens in an app worker
(`services.mitigation_run.run_mitigation`): the screen keeps answering keys, Esc leaves it (the
run goes on and is recorded), and each output line appears as it arrives, the capture's first.
The `mitigation` event is appended through the service (`record_mitigation_async`, on the app's
async store); a failure, a timeout or a command that cannot start is said plainly. After a run
that exited 0 the IC is asked "Users okay?" beside the probes and error rate now
(`users_okay.py`): Yes records the mitigated milestone with the option's title; No records
nothing more.

Read-only (`--readonly`, `[ui] readonly = true`, or a database that cannot be written): the
screen says mitigations are off and why, and running is refused. The screen takes no typing: a
printable key goes back to the war room's command line, so nothing typed is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Log, OptionList, Static

from warroom.domain.mitigation import MitigationOption, kind_advice, kind_option, mitigation_options
from warroom.sanitize import clean
from warroom.ui.widgets.mitigation_list import MitigationList, shown_capture, shown_command

if TYPE_CHECKING:
    from warroom.ui.host import WarRoomHost

SEED_GOAL = "The goal in the first 15 minutes is to make users stop hurting, not to understand why."
HINT = "↑↓ choose · Enter asks before running · Esc back to the war room"
NOT_RUN = "not run: nothing was started or recorded"


def off_reason(readonly_config: bool, read_only: str | None, db_path: Any) -> str | None:
    """Why mitigations are off on this screen (None: they are on). The same inputs as the
    command line's `services.command_line.refusal`: a read-only screen, an unwritable database."""
    from warroom.services.command_line import refusal

    if not refusal(readonly_config, read_only, db_path):
        return None
    if readonly_config:
        return "mitigations are off: this war room is read-only (--readonly or [ui] readonly = true)"
    return f"mitigations are off: {db_path} cannot be written ({read_only}), so a run could not be recorded"


def confirm_details(option: MitigationOption, incident: str) -> list[str]:
    """What the confirmation says: the full command (in pieces the dialog can show whole), the
    capture, the timeout, the folder, and what is recorded."""
    command = shown_command(option)
    pieces = [command[i : i + 280] for i in range(0, len(command), 280)] or [""]
    lines = [f"{kind_option(option.kind)} → the playbook: {kind_advice(option.kind)}", ""]
    lines += [f"Runs (no shell): {pieces[0]}", *pieces[1:]]
    capture = shown_capture(option)
    lines.append(f"Captures state first: {capture}" if capture else "Captures state first: nothing configured")
    lines.append(f"Timeout: {option.timeout:g}s (then it and everything it started are killed)")
    lines.append(f"In folder: {option.cwd}" if option.cwd else "In folder: where warroom was started")
    lines += ["", f"Recorded on {incident} as a mitigation event (command, exit code, duration, output tail)."]
    lines.append("Then you are asked whether users are okay (the probes and error rate beside the question).")
    return lines


class MitigationScreen(Screen[None]):
    """The playbook's mitigations for the incident on screen; runs one after asking."""

    BINDINGS = [Binding("escape", "leave", "Back")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    DEFAULT_CSS = """
    MitigationScreen { layout: vertical; background: $background; }
    MitigationScreen #mitigation-head { height: auto; padding: 0 1; background: $panel; }
    MitigationScreen #mitigation-off {
        height: auto; padding: 0 1; background: $error 25%; color: $text-error; text-style: bold;
    }
    MitigationScreen #mitigation-body { height: 1fr; }
    MitigationScreen #mitigation-side { width: 1fr; }
    MitigationScreen #mitigation-detail { height: auto; max-height: 12; padding: 0 1; border: round $primary 40%; }
    MitigationScreen #mitigation-output {
        height: 1fr; border: round $primary 40%; background: $surface;
        overflow-x: auto; overflow-y: auto; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 1;
    }
    MitigationScreen #mitigation-status { height: auto; max-height: 3; padding: 0 1; }
    MitigationScreen #mitigation-status.-error { color: $text-error; text-style: bold; }
    MitigationScreen #mitigation-status.-good { color: $text-success; }
    MitigationScreen.-narrow #mitigation-body { layout: vertical; }
    MitigationScreen.-narrow #mitigation-options { height: 2fr; }
    MitigationScreen.-narrow #mitigation-side { height: 1fr; min-height: 5; }
    MitigationScreen.-narrow #mitigation-detail { display: none; }
    MitigationScreen.-wide #mitigation-options { width: 3fr; }
    MitigationScreen.-wide #mitigation-side { width: 2fr; }
    """

    def __init__(self, options: list[MitigationOption] | None = None) -> None:
        """`options`: exactly these (tests, pictures); else the domain's from the war room's
        deploys pane, the incident's detection time and the config's `[[mitigation]]`."""
        super().__init__()
        self._given = options
        self.options: list[MitigationOption] = []
        #: Every output line shown so far (what the log widget holds), for tests and the record.
        self.output_lines: list[str] = []
        self.status_text = ""
        #: The option running now (None: nothing runs).
        self.running: MitigationOption | None = None

    @property
    def wapp(self) -> WarRoomHost:
        return self.app  # type: ignore[return-value]

    # --- what is offered -------------------------------------------------------------------

    def _incident_label(self) -> str:
        state = self.wapp.incident
        return state.short_id if state is not None else "the incident"

    def _current_options(self) -> list[MitigationOption]:
        if self._given is not None:
            return list(self._given)
        from warroom.ui.widgets.poller_fed import detected_at

        deploys: tuple[Any, ...] = ()
        room = getattr(self.app, "warroom_screen", None)
        panes = getattr(room, "signal_panes", None)
        if panes is not None:
            from warroom.ui.widgets.deploys import DeploysPane

            for pane in panes.query(DeploysPane):
                deploys = pane.all_deploys()
        return mitigation_options(self.wapp.config.mitigations, deploys, detected_at(self.wapp.incident))

    def off(self) -> str | None:
        return off_reason(self.wapp.config.ui.readonly, getattr(self.wapp, "read_only", None), self.wapp.db_path)

    # --- composition -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.options = self._current_options()
        state = self.wapp.incident
        title = (
            f"Mitigate · {state.short_id} · {state.severity.label} · {clean(state.title, cap=120)}"
            if state
            else "Mitigate"
        )
        yield Static(Content.assemble((title, "bold"), "\n", (SEED_GOAL, "italic $text-muted")), id="mitigation-head")
        off = self.off()
        if off:
            yield Static(
                Content(f"⛔ {off[0].upper()}{off[1:]}. The options are listed for reading; none can be run here."),
                id="mitigation-off",
            )
        with Horizontal(id="mitigation-body"):
            yield MitigationList(self.options, id="mitigation-options")
            with Vertical(id="mitigation-side"):
                yield Static(Content(""), id="mitigation-detail")
                log = Log(id="mitigation-output", auto_scroll=True)
                log.border_title = "Output"
                yield log
        yield Static(Content(HINT), id="mitigation-status")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(MitigationList)
        options.highlight_first()
        options.focus()
        self._show_detail(options.selected_option)
        off = self.off()
        if off:
            self.say(f"{off}: ↑↓ to read, Esc back", error=True)
        elif not self.options:
            self.say("no option to run: no suspect deploy before detection and no [[mitigation]] configured")

    # --- showing ---------------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False, good: bool = False) -> None:
        """One status line (here, and on the war room's command line when this screen is gone)."""
        self.status_text = clean(text, cap=1000)
        if self.is_attached:
            status = self.query_one("#mitigation-status", Static)
            status.update(Content(self.status_text))
            status.set_class(error, "-error")
            status.set_class(good, "-good")
        else:
            feedback = getattr(getattr(self.app, "warroom_screen", None), "feedback", None)
            if callable(feedback):
                feedback(self.status_text, "error" if error else ("saved" if good else "info"))

    def _show_detail(self, option: MitigationOption | None) -> None:
        detail = self.query_one("#mitigation-detail", Static)
        if option is None:
            detail.update(Content("No option selected."))
            return
        lines = [
            Content.styled(clean(option.title, cap=200), "bold"),
            Content.styled(f"{kind_option(option.kind)} → {kind_advice(option.kind)}", "$text-muted"),
            Content(f"$ {clean(shown_command(option), cap=600)}"),
        ]
        if option.capture_argv:
            lines.append(Content(f"captures first: {clean(shown_capture(option), cap=400)}"))
        lines.append(
            Content(f"timeout {option.timeout:g}s" + (f" · in {clean(option.cwd, cap=200)}" if option.cwd else ""))
        )
        if option.not_runnable:
            lines.append(Content.styled(f"cannot run: {clean(option.not_runnable, cap=200)}", "$text-error"))
        detail.update(Content("\n").join(lines))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(self.query_one(MitigationList).option_for(event.option_id))

    def stream_line(self, line: str) -> None:
        """One output line as it arrives (already cleaned and redacted by the service)."""
        self.output_lines.append(line)
        if self.is_attached:
            self.query_one(Log).write_line(line)

    # --- asking, then running --------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option = self.query_one(MitigationList).option_for(event.option_id)
        if option is not None:
            self.ask_to_run(option)

    def ask_to_run(self, option: MitigationOption) -> None:
        """Ask (Cancel focused) before running `option`; refuse plainly when it cannot run."""
        off = self.off()
        if off:
            self.say(f"{off}: {clean(option.title, cap=120)} was not run", error=True)
            return
        if not option.runnable:
            self.say(f"cannot run {clean(option.title, cap=120)}: {option.not_runnable or 'no command'}", error=True)
            return
        if self.running is not None or any(w.group == "mitigation" and w.is_running for w in self.app.workers):
            self.say("a mitigation is still running: wait for it to finish", error=True)
            return
        if not self.wapp.store_ready.is_set():
            self.say("still opening the database: try again in a moment", error=True)
            return
        from warroom.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.start(option)
            else:
                self.say(NOT_RUN)

        question = f"Run this mitigation? {option.title}"
        details = confirm_details(option, self._incident_label())
        self.app.push_screen(ConfirmScreen(question, details, confirm="Run it", cancel="Cancel"), answered)

    def start(self, option: MitigationOption) -> None:
        """Run `option` in an app worker: leaving this screen does not stop it."""
        from warroom.ui.screens.mitigation_runner import mark_running, run_and_record

        self.running = option
        running = mark_running(self.app, option)  # quitting now asks first
        self.output_lines.clear()
        if self.is_attached:
            self.query_one(Log).clear()
        self.say(f"running {clean(option.title, cap=120)}… (Esc leaves this screen: the run goes on and is recorded)")
        self.app.run_worker(
            run_and_record(self, option, running), name="mitigation", group="mitigation", exit_on_error=False
        )

    # --- keys ------------------------------------------------------------------------------

    def action_leave(self) -> None:
        if self.running is not None:
            self.say(f"{clean(self.running.title, cap=120)} is still running: its result will show here")
        self.dismiss()

    def on_key(self, event: events.Key) -> None:
        """This screen takes no typing: a printable key goes to the war room's command line
        (kept there, as in the war room's key mode), and the status says so."""
        if not event.is_printable or event.character is None:
            return
        event.stop()
        event.prevent_default()
        command = getattr(getattr(self.app, "warroom_screen", None), "_command", None)
        if command is None or command.disabled:
            self.say("this screen takes no typing: ↑↓ choose, Enter asks before running, Esc back", error=True)
            return
        command.insert_text_at_cursor(event.character)
        typed = clean(command.value, cap=40)
        self.say(
            f"typing goes to the war room's command line (it has: {typed}) · Esc back to it · nothing here runs on a letter"
        )
