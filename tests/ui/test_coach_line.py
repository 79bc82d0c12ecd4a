"""The phase guide in the header and the coach line above the command line, in the real war room
(Pilot, a real database file, a frozen clock the tests move)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.ui.test_glance_header import WHOLE, screen_lines
from tests.ui.warroom_helpers import feedback, settle, stored, submit, wait_for
from warroom.config.model import Config, UIConfig
from warroom.domain import catalogue
from warroom.domain.deploy_rules import Deploy, deploy_event
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screenshots import DECLARED_AT
from warroom.ui.widgets.coach_line import CoachLine
from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.countdown import Countdown
from warroom.ui.widgets.header import IncidentHeader

TITLE = "Checkout API returning 500s for EU customers in every region"


class Clock:
    """A frozen clock the test moves by hand."""

    def __init__(self, minutes: float) -> None:
        self.now = DECLARED_AT + timedelta(minutes=minutes)

    def __call__(self):
        return self.now

    def move_to(self, minutes: float) -> None:
        self.now = DECLARED_AT + timedelta(minutes=minutes)


def declare(db: Path, severity: int = 2, *, ic: str | None = None, tech: str | None = None, deploy: bool = False):
    with EventStore.open(db) as store:
        store.declare(TITLE, severity, actor="alice", at=DECLARED_AT)
        if deploy:
            d = Deploy("api", "0aaf9da0123456", "0aaf9da", DECLARED_AT - timedelta(minutes=12), subject="pool size")
            event = deploy_event(d, DECLARED_AT)
            store.append(1, Kind.DEPLOY, dict(event.payload) | {"text": event.text}, actor="warroom", at=event.at)
        if ic:
            store.append(
                1, Kind.ROLE_ASSIGNED, catalogue.role_assigned("Incident Commander", ic), actor="alice", at=DECLARED_AT
            )
        if tech:
            store.append(
                1, Kind.ROLE_ASSIGNED, catalogue.role_assigned("Tech Lead", tech), actor="alice", at=DECLARED_AT
            )


def coach_line(app) -> CoachLine:
    return app.screen.query_one(CoachLine)


async def test_at_80x24_the_header_shows_the_phase_and_step_and_the_coach_line_the_warning(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db, deploy=True)
    app = WarRoomApp(db, Config(), clock=Clock(3.25), actor="carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.query(Countdown), "the countdown")
        await pilot.pause(0.1)
        rows = screen_lines(app)
        # The phase and the one next step on the title's line; the countdown whole below it.
        assert "TRIAGE" in rows[0] and "name an IC: /ic NAME" in rows[0], rows[0]
        assert WHOLE.search(rows[1]), rows[1]
        assert app.screen.query_one(IncidentHeader).phase_text.endswith("▸ name an IC: /ic NAME")
        # The coach line, just above the command line: the warning, the playbook's words, x.
        line = coach_line(app)
        assert line.display and line.warning is not None and line.warning.rule == "no-ic"
        coach_row = next(r for r in rows if "⚠ SEV-2 with no IC" in r)
        assert '"For SEV-1/2, name explicit roles."' in coach_row and coach_row.rstrip().endswith("x dismiss")
        assert rows.index(coach_row) == line.region.y and line.region.height == 1
        assert len(coach_row.rstrip()) <= 80


async def test_the_step_follows_the_record_and_the_clock(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db, ic="alice", deploy=True)
    clock = Clock(3)
    app = WarRoomApp(db, Config(), clock=clock, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = app.screen.query_one(IncidentHeader)
        await wait_for(pilot, lambda: "roll back api 0aaf9da?" in header.phase_text, "the rollback step")
        assert "MITIGATE" in header.phase_text
        assert not coach_line(app).display, "nothing to say: the coach line takes no room"
        # The clock moves past 15 minutes with nothing mitigated: within a second, the coach speaks.
        clock.move_to(15.5)
        await wait_for(pilot, lambda: coach_line(app).warning is not None, "the 15-minute warning", tries=150)
        assert coach_line(app).warning.rule == "no-mitigation"  # type: ignore[union-attr]
        await pilot.pause(0.1)
        row = screen_lines(app)[coach_line(app).region.y]
        assert "SEV-2 open 15 min, no mitigation recorded" in row
        assert '"The goal in the first 15 minutes is to make users stop' in row
        # The first user update is due at 30: at 26 minutes it comes first.
        clock.move_to(26)
        await wait_for(pilot, lambda: "post the first user update (due in 4 min)" in header.phase_text, "comms step")
        assert "COMMUNICATE" in header.phase_text
        # A mitigation typed on the command line ends the warning and moves the guide on.
        await submit(pilot, "/mitigated rolled back 0aaf9da")
        await wait_for(pilot, lambda: coach_line(app).warning is None, "the warning to go")


async def test_x_dismisses_the_warning_which_returns_only_on_a_new_situation(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db, ic="alice", tech="alice")
    app = WarRoomApp(db, Config(), clock=Clock(3), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = coach_line(app)
        await wait_for(pilot, lambda: line.warning is not None, "the warning")
        assert line.warning.rule == "ic-tech-lead"  # type: ignore[union-attr]
        assert "IC alice is also Tech Lead (SEV-2)" in line.plain
        # Typed in prose, x is a letter: nothing is dismissed.
        await pilot.press("x")
        assert app.screen.query_one(CommandInput).value == "x"
        assert not [e for e in stored(db) if e.kind == Kind.COACH_DISMISSED]
        app.screen.query_one(CommandInput).value = ""
        # In key mode, x dismisses: recorded with the rule, the situation and the words.
        await pilot.press("escape", "x")
        await wait_for(pilot, lambda: not line.display, "the coach line to clear")
        (dismissed,) = [e for e in stored(db) if e.kind == Kind.COACH_DISMISSED]
        assert dismissed.actor == "carol"
        assert dismissed.payload["rule"] == "ic-tech-lead" and dismissed.payload["key"] == "alice|SEV-2"
        assert dismissed.payload["text"] == "IC alice is also Tech Lead (SEV-2)"
        assert "dismissed" in feedback(pilot)
        # The same situation again (the role re-assigned to alice): still dismissed.
        await submit(pilot, "/role tech -")
        await submit(pilot, "/role tech alice")
        await pilot.pause(1.2)
        assert line.warning is None
        # A new situation (raised to SEV-1): it returns.
        await submit(pilot, "/sev 1 all regions")
        await wait_for(pilot, lambda: line.warning is not None, "the warning to return")
        assert line.warning.key == "alice|SEV-1"  # type: ignore[union-attr]


async def test_slash_dismiss_records_it_and_says_so_when_there_is_nothing(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db)
    app = WarRoomApp(db, Config(), clock=Clock(3), actor="carol")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: coach_line(app).warning is not None, "the warning")
        said = await submit(pilot, "/dismiss")
        assert "dismissed: SEV-2 with no IC" in said
        assert [e.payload["rule"] for e in stored(db) if e.kind == Kind.COACH_DISMISSED] == ["no-ic"]
        await wait_for(pilot, lambda: coach_line(app).warning is None, "no warning")
        assert await submit(pilot, "/dismiss") == "no coach warning to dismiss"
        assert len([e for e in stored(db) if e.kind == Kind.COACH_DISMISSED]) == 1


async def test_the_command_palette_dismisses_too(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db)
    app = WarRoomApp(db, Config(), clock=Clock(3), actor="carol")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: coach_line(app).warning is not None, "the warning")
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Dismiss coach warning")
        command.callback()
        await wait_for(pilot, lambda: coach_line(app).warning is None, "the dismissal")
        assert [e.payload["key"] for e in stored(db) if e.kind == Kind.COACH_DISMISSED] == [
            f"SEV-2|{DECLARED_AT:%Y-%m-%dT%H:%M:%S}.000000Z"
        ]


async def test_a_read_only_screen_records_no_dismissal(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db)
    app = WarRoomApp(db, Config(ui=UIConfig(readonly=True)), clock=Clock(3), actor="carol")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: coach_line(app).warning is not None, "the warning")
        said = await submit(pilot, "/dismiss")
        assert "read-only" in said
        assert not [e for e in stored(db) if e.kind == Kind.COACH_DISMISSED]
        assert coach_line(app).warning is not None


async def test_a_suggestion_shows_when_the_coach_has_nothing_to_say(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db, ic="alice")
    app = WarRoomApp(db, Config(), clock=Clock(3), actor="carol")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = coach_line(app)
        assert line.warning is None and not line.display
        line.set_suggestion("runbook: High 5xx rate · r opens it [b]not markup[/b]")
        await pilot.pause()
        assert line.display and "runbook: High 5xx rate · r opens it [b]not markup[/b]" in "\n".join(screen_lines(app))
        line.set_suggestion(None)
        await pilot.pause()
        assert not line.display


async def test_the_coach_line_at_200x60_shows_the_whole_quote(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db, 1, ic="alice", tech="alice")
    with EventStore.open(db) as store:
        store.append(
            1, Kind.ROLE_ASSIGNED, catalogue.role_assigned("Comms Lead", "alice"), actor="alice", at=DECLARED_AT
        )
    app = WarRoomApp(db, Config(), clock=Clock(3), actor="carol")
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: coach_line(app).warning is not None, "the warning")
        rows = "\n".join(screen_lines(app))
        assert '✗ "Heroic solo debugging during SEV-1 — call for help, name an IC" · x dismiss' in rows
        assert "alice holds every role on a SEV-1: call for help" in rows


async def test_a_hostile_deploy_name_in_the_step_is_shown_literally(tmp_path: Path):
    db = tmp_path / "w.db"
    declare(db, ic="alice")
    hostile = "[b]x[/b]\x1b[31m"
    d = Deploy("api", "hostile1", hostile, DECLARED_AT - timedelta(minutes=5), subject="[@click=app.quit]q[/]")
    event = deploy_event(d, DECLARED_AT)
    with EventStore.open(db) as store:
        store.append(1, Kind.DEPLOY, dict(event.payload) | {"text": event.text}, actor="warroom", at=event.at)
    app = WarRoomApp(db, Config(), clock=Clock(3), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = app.screen.query_one(IncidentHeader)
        await wait_for(pilot, lambda: "roll back api" in header.phase_text, "the rollback step")
        assert "mitigate: roll back api [b]x[/b]?" in header.phase_text  # markup literal, escape gone
        assert "\x1b" not in "\n".join(screen_lines(app))
