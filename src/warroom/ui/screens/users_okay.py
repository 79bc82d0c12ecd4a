"""After a mitigation ran: "Users okay?", with the evidence beside the question.

The playbook: "Confirm metrics are back to normal (don't just trust the mitigation)". So the
question is asked with what the signals say now, not what the command said: each health probe's
state from the poller (the same flap-damped UP/DOWN the health pane shows) and each followed
log's error rate (the log pane's per-minute count). A `ConfirmScreen`: **No, not yet** has the
focus, no letter answers, Enter or Esc is no (nothing more is recorded); Tab then Enter (or a
click) on **Yes** records the mitigated milestone.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from warroom.sanitize import clean
from warroom.ui.screens.confirm import CANCEL_HINT, ConfirmScreen

QUESTION = "Users okay?"
SEED_ADVICE = "Confirm metrics are back to normal (don't just trust the mitigation)."
YES = "Yes: record mitigated"
NO = "No, not yet"

OK_STYLE = "$text-success"
BAD_STYLE = "bold $text-error"
MUTED_STYLE = "$text-muted"


def signal_lines(poller: Any | None) -> list[Content]:
    """What the users see now, as far as warroom can tell: every probe's state and every log's
    error rate, from the poller's newest results (plain text: names and errors are untrusted)."""
    from warroom.domain.probe_rules import ProbeState
    from warroom.sources.registry import LOG, PROBE
    from warroom.sources.snapshots import LogCounts, ProbeResult

    updates = list(poller.updates()) if poller is not None else []
    probes = [u for u in updates if u.kind == PROBE]
    logs = [u for u in updates if u.kind == LOG]
    out: list[Content] = [Content.styled("Probes now", "bold")]
    if not probes:
        out.append(Content.styled("no probe results: check from the users' side (support, dashboards)", MUTED_STYLE))
    name_w = max((len(clean(u.name, cap=30)) for u in probes + logs), default=0)
    for update in probes:
        state = getattr(update.status, "state", ProbeState.UNKNOWN)
        word, style = {
            ProbeState.UP: ("✔ UP", OK_STYLE),
            ProbeState.DOWN: ("✖ DOWN", BAD_STYLE),
        }.get(state, ("? UNKNOWN", MUTED_STYLE))
        result = update.snapshot
        what = ""
        if isinstance(result, ProbeResult):
            what = result.status_text if result.status_code is not None else clean(result.error or "no answer", cap=60)
        name = clean(update.name, cap=30).ljust(name_w)
        out.append(Content.assemble((f"{word:<10}", style), name, (f"  {what}", MUTED_STYLE)))
    out.append(Content(""))
    out.append(Content.styled("Error rate now (logs)", "bold"))
    if not logs:
        out.append(Content.styled("no logs followed", MUTED_STYLE))
    for update in logs:
        counts = update.snapshot if isinstance(update.snapshot, LogCounts) else update.last_good
        name = clean(update.name, cap=30).ljust(name_w)
        if counts is None:
            out.append(Content.assemble(name, (f"  no count: {clean(update.error or '', cap=60)}", MUTED_STYLE)))
            continue
        out.append(
            Content.assemble(
                name,
                f"  {counts.last_full_minute:,}/min",
                (f" · {counts.current_minute:,} this min · {counts.total:,} total", MUTED_STYLE),
            )
        )
    return out


class UsersOkayScreen(ConfirmScreen):
    """ "Users okay?" beside the probes and error rate now. Dismisses True only on **Yes**."""

    DEFAULT_CSS = """
    UsersOkayScreen > Vertical { width: 110; }
    UsersOkayScreen #users-okay-body { height: auto; }
    UsersOkayScreen #users-okay-question { width: 1fr; height: auto; }
    UsersOkayScreen #users-okay-signals {
        width: 1fr; height: auto; padding: 0 0 0 2; border-left: vkey $warning 50%;
    }
    """

    def __init__(self, what_ran: str, signals: list[Content]) -> None:
        super().__init__(QUESTION, [], confirm=YES, cancel=NO)
        self.what_ran = clean(what_ran, cap=300)
        self.signals = signals

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="users-okay-body"):
                with Vertical(id="users-okay-question"):
                    yield Static(Content(self.title_text), id="confirm-title")
                    yield Static(
                        Content.assemble(
                            f"Ran: {self.what_ran}\n\n",
                            (SEED_ADVICE, "bold"),
                            "\n\nYes records the mitigated milestone (MTTM). No records nothing more.",
                        ),
                        id="confirm-details",
                    )
                yield Static(Content("\n").join(self.signals), id="users-okay-signals")
            yield Static(Content(CANCEL_HINT), id="confirm-hint")
            with Horizontal():
                yield Button(Content(self.cancel_label), id="cancel")
                yield Button(Content(self.confirm_label), id="confirm", variant="warning")
