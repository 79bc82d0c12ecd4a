"""The header countdown: what the room sees in each phase, and the one bell when it goes overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, fold
from warroom.ui.widgets.countdown import Countdown

T0 = datetime(2025, 3, 4, 14, 0, 0, tzinfo=UTC)


def incident(
    severity: int = 1,
    posts: tuple[timedelta, ...] = (),
    resolved_after: timedelta | None = None,
    audience: str = "external",
) -> IncidentState:
    """Declared at T0; `posts` are updates posted (external by default: they also tell users)."""
    events = [Event(1, T0, Kind.DECLARED, "alice", {"title": "checkout 500s", "severity": severity}, id=1)]
    for i, after in enumerate(posts, start=2):
        events.append(Event(1, T0 + after, Kind.COMMS_POSTED, "bob", {"audience": audience, "text": "update"}, id=i))
    if resolved_after is not None:
        events.append(Event(1, T0 + resolved_after, Kind.RESOLVED, "alice", {"text": "fixed"}, id=len(events) + 1))
    state = fold(events)
    assert state is not None
    return state


class MutableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class HeaderApp(App[None]):
    """A header line like the war room's, with the countdown in its slot."""

    CSS = "#header { height: 1; background: $panel; } #title { width: 1fr; }"

    def __init__(self, state: IncidentState | None, clock: MutableClock) -> None:
        super().__init__()
        self.state = state
        self.clock = clock
        self.bells = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="header"):
            yield Static("INC-1 checkout 500s  SEV-1  Investigating", id="title")
            yield Countdown(self.state, id="countdown")

    def bell(self) -> None:  # count instead of beeping the test runner's terminal
        self.bells += 1
        super().bell()


def shown(app: HeaderApp) -> str:
    return str(app.query_one(Countdown).render())


async def test_ok_phase_counts_down_to_the_cadence_from_declaration() -> None:
    app = HeaderApp(incident(1), MutableClock(T0 + timedelta(minutes=3)))
    async with app.run_test(size=(80, 3)):
        countdown = app.query_one(Countdown)
        assert shown(app) == "◷ next update in 12m"
        assert countdown.has_class("-ok") and countdown.phase == "ok"


async def test_soon_phase_is_amber_and_says_so_in_words() -> None:
    app = HeaderApp(incident(1), MutableClock(T0 + timedelta(minutes=13, seconds=30)))
    async with app.run_test(size=(80, 3)):
        assert shown(app) == "▲ UPDATE DUE in 1m 30s"
        assert app.query_one(Countdown).has_class("-soon")


async def test_overdue_shows_how_long_the_room_has_been_silent() -> None:
    # SEV-2: last update posted at +10m, so due at +40m; now +52m: overdue 12m, silent 42m.
    app = HeaderApp(incident(2, posts=(timedelta(minutes=10),)), MutableClock(T0 + timedelta(minutes=52)))
    async with app.run_test(size=(80, 3)):
        assert shown(app) == "✖ UPDATE OVERDUE 12m · silent 42m"
        assert app.query_one(Countdown).has_class("-overdue")
        assert app.bells == 0  # already overdue when the screen opened: red, but no bell


async def test_none_phase_for_sev4_and_after_resolution() -> None:
    app = HeaderApp(incident(4), MutableClock(T0 + timedelta(hours=5)))
    async with app.run_test(size=(80, 3)):
        assert shown(app) == "SEV-4: no scheduled updates"
        countdown = app.query_one(Countdown)
        assert countdown.has_class("-none")
        countdown.incident = incident(1, resolved_after=timedelta(minutes=30))
        assert shown(app) == "no update due (resolved)"


async def test_bell_rings_once_when_the_deadline_passes_and_posting_resets_it() -> None:
    clock = MutableClock(T0 + timedelta(minutes=14, seconds=58))
    app = HeaderApp(incident(1), clock)
    async with app.run_test(size=(80, 3)) as pilot:
        countdown = app.query_one(Countdown)
        assert countdown.phase == "soon"
        clock.now = T0 + timedelta(minutes=15, seconds=1)
        countdown.tick()
        assert countdown.phase == "overdue" and app.bells == 1
        for seconds in (2, 30, 90):
            clock.now = T0 + timedelta(minutes=15, seconds=seconds)
            countdown.tick()
        await pilot.pause()
        assert app.bells == 1, "the bell rings once per missed deadline, not every second"
        assert shown(app) == "✖ UPDATE OVERDUE 1m 30s · silent 16m 30s"
        # An update is posted: the countdown restarts from it.
        countdown.incident = incident(1, posts=(timedelta(minutes=16, seconds=30),))
        assert shown(app) == "◷ next update in 15m"
        assert countdown.has_class("-ok") and not countdown.has_class("-overdue")
        # ...and the next missed deadline rings again, once.
        clock.now = T0 + timedelta(minutes=31, seconds=31)
        countdown.tick()
        assert app.bells == 2


async def test_the_interval_repaints_with_the_clock() -> None:
    clock = MutableClock(T0 + timedelta(minutes=1))
    app = HeaderApp(incident(1), clock)
    async with app.run_test(size=(80, 3)) as pilot:
        assert shown(app) == "◷ next update in 14m"
        clock.now = T0 + timedelta(minutes=2, seconds=10)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(1.2)  # the widget's own 1 s interval, not a timing assertion
        assert shown(app) == "◷ next update in 12m 50s"


def _snap_app(state: IncidentState, minutes: float) -> HeaderApp:
    return HeaderApp(state, MutableClock(T0 + timedelta(minutes=minutes)))


def test_snapshot_header_ok(snap_compare) -> None:
    assert snap_compare(_snap_app(incident(1), 3), terminal_size=(80, 3))


def test_snapshot_header_soon(snap_compare) -> None:
    assert snap_compare(_snap_app(incident(1), 13.5), terminal_size=(80, 3))


def test_snapshot_header_overdue(snap_compare) -> None:
    assert snap_compare(_snap_app(incident(1), 19), terminal_size=(80, 3))


def test_snapshot_header_none(snap_compare) -> None:
    assert snap_compare(_snap_app(incident(4), 19), terminal_size=(80, 3))
