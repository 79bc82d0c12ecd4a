"""The draft screen at a shared keyboard: typed words stay words, and p / P ask first.

A real sqlite store, a real webhook on 127.0.0.1 (tests/support/http_server.py), the real screen
through Pilot. Today's reproducers: typing `Please` posted to the webhook (`P`) and `/pin` marked
an update posted (`p`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from tests.support.http_server import TestHTTPServer
from tests.ui.test_draft_screen import T0, Clock, DraftApp, config, declared, screen_text
from warroom.config.model import NotifyConfig, Secret
from warroom.domain.events import Kind
from warroom.ui.screens.confirm import ConfirmScreen
from warroom.ui.screens.draft import DraftScreen
from warroom.ui.widgets.countdown import Countdown

HOOK = "/services/T000/B000/XXXXSECRETTOKEN"


def hook_config(server: TestHTTPServer, monkeypatch):
    server.set_route(HOOK, 200, b"ok")  # Slack's answer
    monkeypatch.setenv("HOOK_URL", server.url(HOOK))
    return config(notify=(NotifyConfig(kind="slack", url=Secret("${HOOK_URL}"), name="incidents"),))


def dialog_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def kinds(store, incident_id: int) -> list[str]:
    return [e.kind for e in await store.events(incident_id)]


async def test_typing_please_and_slash_pin_into_the_editor_is_text_not_keys(tmp_path: Path, monkeypatch) -> None:
    store, incident_id = await declared(tmp_path)
    with TestHTTPServer() as server:
        cfg = hook_config(server, monkeypatch)
        app = DraftApp(store, cfg, Clock(T0 + timedelta(minutes=20)), await store.incident(incident_id))
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            assert isinstance(screen, DraftScreen) and screen.editor.has_focus, "opens in typing mode"
            before = screen.text
            await pilot.press("enter", *"Please /pin the api pane, copy 123 and review", "tab", "shift+tab")
            await pilot.press(*"ercP")
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert app.screen is screen, "no confirmation opened: nothing typed is a key"
            assert screen.editor.has_focus, "Tab and Shift+Tab do not leave typing mode"
            assert "\nPlease /pin the api pane, copy 123 and review" in screen.text
            assert screen.text.endswith("ercP") and screen.text.startswith(before)
            assert screen.audience == "internal"
            assert server.hits(HOOK) == 0, "nothing was posted"
            assert await kinds(store, incident_id) == [Kind.DECLARED, Kind.ROLE_ASSIGNED], "nothing marked posted"
            assert screen.query_one(Countdown).phase == "overdue"
            assert str(screen.query_one("#draft-hint", Static).render()).startswith("Typing into the draft — Esc")
    await store.close()


async def test_P_asks_first_with_cancel_focused_and_enter_cancels(tmp_path: Path, monkeypatch) -> None:
    store, incident_id = await declared(tmp_path)
    with TestHTTPServer() as server:
        cfg = hook_config(server, monkeypatch)
        app = DraftApp(store, cfg, Clock(T0 + timedelta(minutes=3)), await store.incident(incident_id))
        async with app.run_test(size=(120, 36)) as pilot:
            screen = app.screen
            await pilot.press("escape")
            assert "KEYS:" in str(screen.query_one("#draft-hint", Static).render())
            await pilot.press("P")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert app.focused is app.screen.query_one("#cancel")
            said = dialog_text(app)
            assert "Post the internal update to 1 webhook?" in said
            assert f"To: incidents → 127.0.0.1:{server.port}" in said
            assert "Audience: Internal (chat channel)" in said
            assert "First line: 🚨 SEV-1 declared: Checkout returns 500" in said
            assert "SECRET" not in said and "services" not in said, "the URL's token is never shown"
            # Letters of prose do nothing here; Enter on the focused Cancel cancels.
            await pilot.press(*"yes please ok")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert app.screen is screen
            assert server.hits(HOOK) == 0
            assert "Not posted: nothing was sent." in screen_text(app)
            # Esc cancels too.
            await pilot.press("P")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and server.hits(HOOK) == 0
            assert Kind.NOTIFY_SENT not in await kinds(store, incident_id)
    await store.close()


async def test_P_confirmed_posts_to_the_webhook_and_records_the_result(tmp_path: Path, monkeypatch) -> None:
    store, incident_id = await declared(tmp_path)
    with TestHTTPServer() as server:
        cfg = hook_config(server, monkeypatch)
        app = DraftApp(store, cfg, Clock(T0 + timedelta(minutes=3)), await store.incident(incident_id))
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("escape", "P")
            await pilot.pause()
            await pilot.press("right", "enter")  # ← / → reach the confirm button as Tab does
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert [(r.method, r.path) for r in server.requests] == [("POST", HOOK)]
            sent = [e for e in await store.events(incident_id) if e.kind == Kind.NOTIFY_SENT]
            assert len(sent) == 1 and sent[0].payload["ok"] is True
            assert "incidents: posted (HTTP 200" in screen_text(app)
            assert Kind.COMMS_POSTED not in await kinds(store, incident_id), "posting is not marking posted"
    await store.close()


async def test_p_asks_which_audience_and_that_the_countdown_restarts_then_marks_posted(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    clock = Clock(T0 + timedelta(minutes=20))
    app = DraftApp(store, config(), clock, await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        countdown = screen.query_one(Countdown)
        assert countdown.phase == "overdue"
        await pilot.press("escape", "2", "p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is app.screen.query_one("#cancel")
        said = dialog_text(app)
        assert "Mark the external update as posted?" in said
        assert "Audience: External (status page)" in said
        assert "First line: [Investigating]" in said
        assert "countdown restarts: the next SEV-1 update is due in 15 min" in said
        assert "carol posted it now" in said
        await pilot.press("enter")  # Cancel
        await pilot.pause()
        assert app.screen is screen and Kind.COMMS_POSTED not in await kinds(store, incident_id)
        assert countdown.phase == "overdue"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("tab", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        posted = [e for e in await store.events(incident_id) if e.kind == Kind.COMMS_POSTED]
        assert len(posted) == 1 and posted[0].payload == {"audience": "external", "text": screen.text}
        assert countdown.phase == "ok"
        assert "External update marked posted at 14:20:00 UTC" in screen_text(app)
    await store.close()


async def test_a_letter_that_is_not_a_key_goes_back_into_the_editor(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    app = DraftApp(store, config(), Clock(T0), await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("escape")
        assert not screen.editor.has_focus
        await pilot.press(*"the db")  # t is not a key: typing mode again, every letter kept
        assert screen.editor.has_focus
        assert screen.text.endswith("the db")
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, DraftScreen), "Esc in key mode leaves the screen"
    await store.close()


async def test_the_palette_entries_ask_first_too(tmp_path: Path) -> None:
    store, incident_id = await declared(tmp_path)
    app = DraftApp(store, config(), Clock(T0 + timedelta(minutes=3)), await store.incident(incident_id))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mark posted")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmScreen), "chosen by name, it still asks"
        assert "Mark the internal update as posted?" in dialog_text(app)
        await pilot.press("enter")  # Cancel
        await pilot.pause()
        assert app.screen is screen and Kind.COMMS_POSTED not in await kinds(store, incident_id)
    await store.close()


def test_a_webhook_is_shown_by_name_and_host_never_by_its_token(monkeypatch) -> None:
    from warroom.services.draft_recorder import webhook_host

    monkeypatch.setenv("HOOK", "https://hooks.slack.com/services/T0/B0/SECRET")
    monkeypatch.setenv("SUB", "team-secret")
    monkeypatch.delenv("UNSET_HOOK", raising=False)
    assert webhook_host(NotifyConfig(kind="slack", url=Secret("${HOOK}"))) == "hooks.slack.com"
    assert (
        webhook_host(NotifyConfig(kind="slack", url=Secret("https://user:pw@chat.example.com:8443/x?token=y")))
        == "chat.example.com:8443"
    )
    assert "team-secret" not in webhook_host(NotifyConfig(kind="slack", url=Secret("https://${SUB}.example.com/x")))
    assert (
        webhook_host(NotifyConfig(kind="slack", url=Secret("${UNSET_HOOK}")))
        == "(environment variable UNSET_HOOK is not set: the post will fail)"
    )
