"""The draft screen against a real sqlite store, a real webhook server and the real copy fallbacks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from warroom.config.model import CadenceConfig, Config, NotifyConfig, Secret, TeamConfig
from warroom.domain.events import Kind
from warroom.notify import slack_escape
from warroom.store.aio import AsyncEventStore
from warroom.ui.screens.draft import DraftScreen
from warroom.ui.widgets.countdown import Countdown

T0 = datetime(2025, 3, 4, 14, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class DraftApp(App[None]):
    def __init__(self, store: AsyncEventStore | None, config: Config, clock: Clock, state=None) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.clock = clock
        self.actor = "carol"
        self.db_path = store.path if store is not None else None
        self._state = state

    def on_mount(self) -> None:
        self.push_screen(DraftScreen(self._state))


async def declared(tmp_path: Path, severity: int = 1) -> tuple[AsyncEventStore, int]:
    store = await AsyncEventStore.open(tmp_path / "data" / "warroom.db")
    ev = await store.declare("Checkout returns 500", severity, actor="alice", impact="card payments fail", at=T0)
    await store.append(
        ev.incident_id, Kind.ROLE_ASSIGNED, {"role": "Incident Commander", "person": "alice"}, actor="alice", at=T0
    )
    return store, ev.incident_id


async def confirm(pilot) -> None:
    """Say yes on the confirmation the last key opened: move to its confirm button, press Enter."""
    from warroom.ui.screens.confirm import ConfirmScreen

    app = pilot.app
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen), f"no confirmation: {app.screen!r}"
    assert app.focused is app.screen.query_one("#cancel"), "Cancel has the focus"
    await pilot.press("tab", "enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: App) -> str:
    return str(app.screen.query_one("#draft-status", Static).render())


def config(**kw) -> Config:
    return Config(team=TeamConfig(status_page="https://status.example.com"), cadence=CadenceConfig(), **kw)


async def test_renders_each_audience_and_shows_all_lines_new_before_any_post(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    state = await store.incident(incident_id)
    app = DraftApp(store, config(), Clock(T0 + timedelta(minutes=5)), state)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, DraftScreen)
        assert screen.text.startswith("🚨 SEV-1 declared: Checkout returns 500")
        assert "Status page: https://status.example.com" in screen.text
        assert "Updates every 15 min until resolved." in screen.text
        changes = str(screen.query_one("#draft-changes", Static).render())
        assert "+🚨 SEV-1 declared: Checkout returns 500" in changes
        assert "nothing posted yet" in str(screen.query_one("#draft-changes-title", Static).render())
        await pilot.press("escape")  # the screen opens in typing mode; Esc is for the keys
        await pilot.press("2")
        assert screen.audience == "external"
        assert screen.text.startswith("[Investigating]")
        assert "Started: 2025-03-04 14:00 UTC" in screen.text
        await pilot.press("3")
        assert screen.audience == "tactical"
        assert "Conditions" in screen.text and "Needs" in screen.text
    await store.close()


async def test_p_records_exactly_the_edited_text_and_restarts_the_countdown(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    clock = Clock(T0 + timedelta(minutes=20))  # SEV-1: 5 minutes overdue
    app = DraftApp(store, config(), clock, await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        countdown = screen.query_one(Countdown)
        assert countdown.phase == "overdue"
        assert screen.editor.has_focus, "the screen opens in typing mode"
        screen.editor.move_cursor(screen.editor.document.end)
        screen.editor.insert("\nStill [b]investigating")
        await pilot.press(*"[/b]")  # typed keys reach the editor too
        await pilot.press("escape")
        assert not screen.editor.has_focus
        expected = screen.text
        assert expected.endswith("\nStill [b]investigating[/b]")
        await pilot.press("p")
        await confirm(pilot)
        posted = [e for e in await store.events(incident_id) if e.kind == Kind.COMMS_POSTED]
        assert len(posted) == 1
        assert posted[0].payload == {"audience": "internal", "text": expected}
        assert posted[0].actor == "carol" and posted[0].at == clock.now
        assert countdown.phase == "ok"
        # Internal only: users (SEV-1 >= SEV-2) still need telling by +30m, the nearer deadline.
        assert str(countdown.render()) == "◷ user comms due in 10m"
        assert "marked posted at 14:20:00 UTC" in screen_text(app)
        # The edit survives and the diff now compares against what was posted.
        assert screen.text == expected
        assert "No change since the last posted update." in str(screen.query_one("#draft-changes", Static).render())
        assert "posted 14:20 UTC by carol" in str(screen.query_one("#draft-changes-title", Static).render())
    await store.close()


async def test_c_says_which_copy_method_worked_and_writes_the_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("DISPLAY", "")
    monkeypatch.setenv("WAYLAND_DISPLAY", "")
    store, incident_id = await declared(tmp_path)
    clock = Clock(T0 + timedelta(minutes=3))
    app = DraftApp(store, config(), clock, await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("escape", "c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        outcome = screen.last_outcome
        assert outcome is not None and outcome.path is not None
        assert outcome.path.parent == tmp_path / "data" / "drafts"
        assert outcome.path.read_text(encoding="utf-8") == screen.text + "\n"
        status = screen_text(app)
        # Outside tmux, with no local clipboard, OSC 52 through the app is what works.
        assert outcome.method == "OSC 52"
        first, tried = status.split("\n")
        assert first.startswith("Sent via OSC 52") and " · saved to " in first
        assert first.endswith("INC-1-internal-20250304T140300Z.txt"), "the file name is never cut"
        # One short line naming each method tried: no exception paragraph, no URL.
        assert tried == "tried: ✖ pyperclip (no local clipboard) · ✖ tmux buffer (not inside tmux) · ✔ OSC 52"
        assert len(first) <= 118 and "http" not in status
        full = str(screen.query_one("#draft-status").tooltip)
        assert str(outcome.path) in full and "pyperclip: " in full, "the full detail is one hover away"
    await store.close()


class _Webhook(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []
    status = 200
    body = b"ok"

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append((self.headers.get("Content-Type", ""), data))
        self.send_response(type(self).status)
        self.send_header("Content-Length", str(len(type(self).body)))
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Webhook]]]:
    handler = type("Hook", (_Webhook,), {"received": [], "status": 200, "body": b"ok"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()


async def test_shift_p_posts_exact_json_and_records_the_result(tmp_path: Path, webhook, monkeypatch) -> None:
    url, handler = webhook
    monkeypatch.setenv("HOOK_URL", url)
    store, incident_id = await declared(tmp_path)
    cfg = config(notify=(NotifyConfig(kind="slack", url=Secret("${HOOK_URL}")),))
    app = DraftApp(store, cfg, Clock(T0 + timedelta(minutes=3)), await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("escape", "P")
        await confirm(pilot)
        # Exactly the draft, escaped as Slack documents (`<person: VACANT>` arrives as typed).
        assert handler.received == [("application/json", json.dumps({"text": slack_escape(screen.text)}).encode())]
        sent = [e for e in await store.events(incident_id) if e.kind == Kind.NOTIFY_SENT]
        assert len(sent) == 1 and sent[0].payload["ok"] is True and sent[0].payload["status"] == 200
        assert url not in json.dumps(sent[0].payload), "the webhook URL is a secret"
        assert "slack: posted (HTTP 200 ok)" in screen_text(app)
        assert "press p" in screen_text(app)
    await store.close()


async def test_a_failing_webhook_is_shown_and_the_draft_kept(tmp_path: Path, webhook, monkeypatch) -> None:
    url, handler = webhook
    handler.status, handler.body = 500, b"[b]server[/b] exploded"
    monkeypatch.setenv("HOOK_URL", url)
    store, incident_id = await declared(tmp_path)
    cfg = config(notify=(NotifyConfig(kind="slack", url=Secret("${HOOK_URL}")),))
    app = DraftApp(store, cfg, Clock(T0 + timedelta(minutes=3)), await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        before = screen.text
        await pilot.press("escape", "P")
        await confirm(pilot)
        status = screen_text(app)
        assert "slack: FAILED: HTTP 500 [b]server[/b] exploded" in status  # literal, not markup
        assert "1 of 1 failed, not marked posted: the draft is kept in the editor\nand saved to " in status
        assert screen.query_one("#draft-status").has_class("-error")
        assert screen.text == before
        saved = list((tmp_path / "data" / "drafts").glob("INC-1-internal-*.txt"))
        assert len(saved) == 1 and saved[0].read_text(encoding="utf-8") == before + "\n"
        assert saved[0].name in status
        kinds = [e.kind for e in await store.events(incident_id)]
        assert Kind.NOTIFY_SENT in kinds and Kind.COMMS_POSTED not in kinds
    await store.close()


async def test_without_a_webhook_P_says_how_to_configure_one(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    app = DraftApp(store, config(), Clock(T0), await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("escape", "P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "No webhook configured: add [[notify]]" in screen_text(app)
    await store.close()


def test_snapshot_draft_screen(snap_compare, tmp_path: Path) -> None:
    import asyncio

    async def setup():
        store, incident_id = await declared(tmp_path)
        await store.append(
            incident_id,
            Kind.COMMS_POSTED,
            {
                "audience": "internal",
                "text": "🚨 SEV-1 declared: Checkout returns 500\nIncident commander: @<unassigned>",
            },
            actor="bob",
            at=T0 + timedelta(minutes=2),
        )
        state = await store.incident(incident_id)
        await store.close()
        return state

    state = asyncio.run(setup())
    app = DraftApp(None, config(), Clock(T0 + timedelta(minutes=10)), state)
    assert snap_compare(app, terminal_size=(120, 32))


def test_snapshot_draft_screen_80x24(snap_compare, tmp_path: Path) -> None:
    """At 80x24 the tabs, the key hint and the footer each fit on their line."""
    import asyncio

    async def setup():
        store, incident_id = await declared(tmp_path, severity=2)
        state = await store.incident(incident_id)
        await store.close()
        return state

    app = DraftApp(None, config(), Clock(T0 + timedelta(minutes=21)), asyncio.run(setup()))
    assert snap_compare(app, terminal_size=(80, 24))


async def test_at_80_columns_hint_and_tabs_are_short_enough_to_read_whole(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    app = DraftApp(store, config(), Clock(T0 + timedelta(minutes=3)), await store.incident(incident_id))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        hint = str(screen.query_one("#draft-hint", Static).render())
        assert hint.startswith("Typing into the draft") and len(hint) <= 78
        assert [str(t.label) for t in screen.query("Tab")] == [
            "1 Internal (chat)",
            "2 External (status page)",
            "3 Tactical (C/A/N)",
        ]
        await pilot.press("escape")
        hint = str(screen.query_one("#draft-hint", Static).render())
        assert hint.startswith("KEYS:") and hint.endswith("Esc back") and len(hint) <= 78
        await pilot.press("e")
        assert screen.editor.has_focus
        await pilot.press("escape")
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert str(screen.query_one("#audience-tactical").label) == "Tactical (Conditions / Actions / Needs)"
    await store.close()
