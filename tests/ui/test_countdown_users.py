"""The countdown and the SEV-2 rule (user comms within 30 min), and a cadence switched off in config."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.ui.test_countdown import T0, HeaderApp, MutableClock, shown
from warroom.config.model import CadenceConfig
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, fold
from warroom.ui.widgets.countdown import Countdown


def incident(severity: int, *events: tuple[float, str, dict]) -> IncidentState:
    """Declared at T0 with `severity`; then (minutes after T0, kind, payload) events."""
    record = [Event(1, T0, Kind.DECLARED, "alice", {"title": "checkout 500s", "severity": severity}, id=1)]
    for i, (minutes, kind, payload) in enumerate(events, start=2):
        record.append(Event(1, T0 + timedelta(minutes=minutes), kind, "bob", payload, id=i))
    state = fold(record)
    assert state is not None
    return state


def posted(minutes: float, audience: str) -> tuple[float, str, dict]:
    return (minutes, Kind.COMMS_POSTED, {"audience": audience, "text": "update"})


def at(minutes: float, seconds: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


async def test_sev2_internal_update_only_user_comms_overdue_shows_red_in_words() -> None:
    # The audit's reproduction: SEV-2 at T, internal update at T+20m, now T+31m.
    app = HeaderApp(incident(2, posted(20, "internal")), MutableClock(at(31)))
    async with app.run_test(size=(80, 3)):
        countdown = app.query_one(Countdown)
        assert shown(app) == "✖ USER COMMS LATE 1m · next update in 19m"
        assert countdown.has_class("-overdue") and countdown.phase == "overdue"
        assert countdown.users is not None and countdown.users.phase == "overdue"


async def test_user_comms_deadline_shown_while_it_is_the_nearer_one() -> None:
    clock = MutableClock(at(21))
    app = HeaderApp(incident(2), clock)
    async with app.run_test(size=(80, 3)):
        countdown = app.query_one(Countdown)
        # Both fall due at +30m: one external post meets both, so the header names user comms.
        assert shown(app) == "◷ user comms due in 9m" and countdown.has_class("-ok")
        countdown.incident = incident(2, posted(10, "internal"))  # update now due at +40m
        assert shown(app) == "◷ user comms due in 9m"
        clock.now = at(28, 30)
        countdown.tick()
        assert shown(app) == "▲ USER COMMS DUE in 1m 30s" and countdown.has_class("-soon")
        # Users told (external): back to the plain update countdown from that post.
        countdown.incident = incident(2, posted(10, "internal"), posted(28, "external"))
        assert shown(app) == "◷ next update in 29m 30s" and countdown.has_class("-ok")


async def test_bell_rings_once_when_user_comms_go_overdue_and_once_for_the_update() -> None:
    clock = MutableClock(at(29, 58))
    app = HeaderApp(incident(2, posted(20, "internal")), clock)
    async with app.run_test(size=(80, 3)) as pilot:
        countdown = app.query_one(Countdown)
        assert countdown.phase == "soon" and app.bells == 0
        for seconds in (1, 2, 30):
            clock.now = at(30, seconds)
            countdown.tick()
        await pilot.pause()
        assert app.bells == 1, "one bell when user comms go overdue, not one a second"
        assert shown(app) == "✖ USER COMMS LATE 30s · next update in 19m 30s"
        # Later the regular update is missed too: its own deadline rings once more.
        for minutes in (50, 51):
            clock.now = at(minutes, 1)
            countdown.tick()
        assert app.bells == 2
        assert shown(app) == "✖ UPDATE OVERDUE 1m 01s · silent 31m 01s · users LATE 21m 01s"


async def test_a_copy_without_the_bell_stays_silent() -> None:
    clock = MutableClock(at(29, 59))
    app = HeaderApp(incident(2), clock)
    async with app.run_test(size=(80, 3)):
        countdown = app.query_one(Countdown)
        countdown.rings_bell = False
        clock.now = at(30, 1)
        countdown.tick()
        assert countdown.phase == "overdue" and app.bells == 0


async def test_cadence_switched_off_in_config_never_says_resolved_for_an_open_incident() -> None:
    app = HeaderApp(incident(3), MutableClock(at(90)))
    app.config = type("Cfg", (), {"cadence": CadenceConfig(sev3=None)})()
    async with app.run_test(size=(80, 3)):
        countdown = app.query_one(Countdown)
        assert shown(app) == "no required updates (SEV-3 cadence off)"
        assert countdown.has_class("-none")
        countdown.incident = incident(3, (100, Kind.RESOLVED, {"text": "fixed"}))
        assert shown(app) == "no update due (resolved)"


async def test_after_resolution_missed_user_comms_are_history_not_a_countdown() -> None:
    app = HeaderApp(incident(2, (45, Kind.RESOLVED, {"text": "fixed"})), MutableClock(at(60)))
    async with app.run_test(size=(80, 3)):
        countdown = app.query_one(Countdown)
        assert shown(app) == "no update due (resolved)" and countdown.has_class("-none")


def test_snapshot_header_user_comms_overdue(snap_compare) -> None:
    app = HeaderApp(incident(2, posted(20, "internal")), MutableClock(at(31)))
    assert snap_compare(app, terminal_size=(80, 3))


def test_snapshot_header_cadence_off(snap_compare) -> None:
    app = HeaderApp(incident(3), MutableClock(at(90)))
    app.config = type("Cfg", (), {"cadence": CadenceConfig(sev3=None)})()
    assert snap_compare(app, terminal_size=(80, 3))


class NarrowHeaderApp(HeaderApp):
    """Like the war room's 80-column state line: fixed-width words before the countdown."""

    CSS = "#header { height: 1; } #title { width: 44; }"


async def test_a_narrow_line_drops_the_second_deadline_never_the_urgent_words() -> None:
    state = incident(2, posted(20, "internal"))
    app = NarrowHeaderApp(state, MutableClock(at(31, 3)))
    async with app.run_test(size=(80, 3)) as pilot:
        countdown = app.query_one(Countdown)
        await pilot.pause()
        await pilot.pause()
        assert shown(app) == "✖ USER COMMS LATE 1m 03s"
        assert countdown.region.right <= 80 and countdown.variants[0].endswith("· next update in 18m 57s")
        await pilot.resize_terminal(120, 3)
        countdown.tick()
        await pilot.pause()
        assert shown(app) == "✖ USER COMMS LATE 1m 03s · next update in 18m 57s", "room again: the full line"


async def test_in_the_war_room_header_a_long_countdown_shortens_instead_of_being_cut(tmp_path) -> None:
    """The header's grid gives the countdown its whole width and the state line the rest: at 60
    columns the longest words would leave the state line no room, and the next shorter ones are
    shown whole, not cut off (at 100 columns the longest fit, the state line shortening)."""
    from warroom.config.model import Config
    from warroom.store.sync import EventStore
    from warroom.ui.app import WarRoomApp
    from warroom.ui.screenshots import FROZEN_NOW

    db = tmp_path / "w.db"
    with EventStore.open(db) as store:  # SEV-2, nothing posted for 64 min: both deadlines missed
        store.declare("Checkout API returning 500s", 2, actor="alice", at=FROZEN_NOW - timedelta(minutes=64))
    app = WarRoomApp(db, Config(), clock=lambda: FROZEN_NOW, actor="alice")
    async with app.run_test(size=(60, 30)) as pilot:
        for _ in range(250):  # mounted once the store is open, just after the first frame
            await pilot.pause(0.02)
            if app.screen.query(Countdown) and str(app.screen.query_one(Countdown).render()).endswith("34m"):
                break
        countdown = app.screen.query_one(Countdown)
        for _ in range(100):  # the shortening waits for a layout pass or two
            await pilot.pause(0.02)
            if str(countdown.render()) == "✖ UPDATE OVERDUE 34m · users LATE 34m":
                break
        text = str(countdown.render())
        assert text == "✖ UPDATE OVERDUE 34m · users LATE 34m", text
        assert countdown.content_size.width >= len(text) and countdown.region.right <= 60
        await pilot.resize_terminal(100, 30)
        for _ in range(150):  # the next 1 s tick tries the longest words again, then a layout pass sizes them
            await pilot.pause(0.02)
            if "silent" in str(countdown.render()) and countdown.content_size.width >= len(str(countdown.render())):
                break
        text = str(countdown.render())
        assert text == "✖ UPDATE OVERDUE 34m · silent 1h 04m · users LATE 34m", text
        assert countdown.content_size.width >= len(text) and countdown.region.right <= 100
