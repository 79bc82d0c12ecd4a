"""The mitigation screen in the real war room: opened by `m`, `/mitigate` and the palette; the
playbook's order; a confirmed option runs a real script (output streamed, the `mitigation`
event stored), then "Users okay?" beside the probes and error rate records the milestone; Cancel
runs nothing; read-only runs nothing."""

from __future__ import annotations

import asyncio
import stat
from dataclasses import replace
from pathlib import Path

from tests.ui.warroom_helpers import feedback, screen, stored, submit, wait_for
from warroom.config.model import MitigationConfig, UIConfig
from warroom.domain.events import Kind
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.confirm import ConfirmScreen
from warroom.ui.screens.mitigation import MitigationScreen
from warroom.ui.screens.users_okay import UsersOkayScreen
from warroom.ui.screenshots import FROZEN_NOW, SIGNALS_CONFIG, build_fixture, frozen_clock, frozen_sources, settle
from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.mitigation_list import MitigationList

SUSPECT = "Roll back payments 4f2a91c (deployed 13 min before detection)"


def script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def room_app(tmp_path: Path, *mitigations: MitigationConfig, readonly: bool = False) -> WarRoomApp:
    db = tmp_path / "warroom.db"
    build_fixture(db)
    config = replace(SIGNALS_CONFIG, mitigations=mitigations, ui=UIConfig(readonly=readonly))
    return WarRoomApp(db, config, clock=frozen_clock, actor="carol", sources=frozen_sources(FROZEN_NOW))


def flag_off(tmp_path: Path, exit_code: int = 0) -> MitigationConfig:
    marker = tmp_path / "ran"
    capture = script(tmp_path / "capture.sh", "echo 'flags: new-checkout=on'\n")
    run = script(
        tmp_path / "flag-off.sh",
        f"echo flipping new-checkout off\necho done >{marker}\necho 'flag is off'\nexit {exit_code}\n",
    )
    return MitigationConfig("checkout flag off", "flag", (run, "--now"), capture_argv=(capture,), timeout=20)


def mitigation_screen(pilot) -> MitigationScreen:
    current = pilot.app.screen
    assert isinstance(current, MitigationScreen), f"not on the mitigation screen: {current!r}"
    return current


def option_texts(pilot) -> list[str]:
    options = mitigation_screen(pilot).query_one(MitigationList)
    return [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]


async def open_with_m(pilot) -> MitigationScreen:
    await pilot.press("escape", "m")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MitigationScreen), "the mitigation screen")
    await pilot.pause()
    return mitigation_screen(pilot)


async def choose(pilot, name: str) -> None:
    options = mitigation_screen(pilot).query_one(MitigationList)
    for _ in range(20):
        if options.selected_option is not None and options.selected_option.name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"no option {name}")


async def test_m_lists_the_playbooks_options_in_order_and_esc_keeps_the_typed_text(tmp_path: Path) -> None:
    app = room_app(tmp_path, flag_off(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"half a note")
        await open_with_m(pilot)
        texts = option_texts(pilot)
        headings = [t.split(" → ")[0] for t in texts if " → " in t]
        assert headings == [
            "Roll back the last deploy",
            "Flip a feature flag",
            "Failover to a healthy region",
            "Scale up / restart degraded service",
            "Block a bad request pattern at the edge",
        ]
        suspect = texts[1]
        assert SUSPECT in suspect and "$ git revert --no-edit 4f2a91c0d3b7e6a5f4c3b2a1908f7e6d5c4b3a29" in suspect
        assert "checkout flag off" in texts[3] and "captures state first: " in texts[3]
        assert 'nothing configured: add a [[mitigation]] with kind = "failover"' in texts[5]
        assert 'kind = "block"' in texts[-1]
        options = mitigation_screen(pilot).query_one(MitigationList)
        assert options.selected_option is not None and options.selected_option.title == SUSPECT, "nearest suspect first"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "back in the war room")
        assert screen(pilot).query_one(CommandInput).value == "half a note", "typed text survives the screen"


async def test_slash_mitigate_and_the_palette_open_it(tmp_path: Path) -> None:
    app = room_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await submit(pilot, "/mitigate")
        await wait_for(pilot, lambda: isinstance(app.screen, MitigationScreen), "/mitigate")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "back")
        assert screen(pilot).query_one(CommandInput).value == "", "/mitigate is consumed"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Mitigate")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MitigationScreen), "the palette's Mitigate…")


async def test_confirmed_run_streams_records_then_users_okay_records_mitigated(tmp_path: Path) -> None:
    app = room_app(tmp_path, flag_off(tmp_path))
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        before = len(stored(db))
        await choose(pilot, "checkout flag off")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.focused is app.screen.query_one("#cancel")
        details = "\n".join(app.screen.details)
        assert f"Runs (no shell): {tmp_path}/flag-off.sh --now" in details
        assert f"Captures state first: {tmp_path}/capture.sh" in details and "Timeout: 20s" in details
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersOkayScreen), "the users-okay question", tries=500)
        assert view.output_lines == [
            f"$ {tmp_path}/capture.sh",
            "flags: new-checkout=on",
            f"$ {tmp_path}/flag-off.sh --now",
            "flipping new-checkout off",
            "flag is off",
        ], "the capture's output first, each line as it came"
        run = stored(db)[-1]
        assert run.kind == Kind.MITIGATION and len(stored(db)) == before + 1
        assert run.payload["name"] == "checkout flag off" and run.payload["kind"] == "flag"
        assert run.payload["exit_code"] == 0 and "flag is off" in run.payload["output"]
        assert "new-checkout=on" in run.payload["capture_output"]
        # The evidence beside the question: each probe's state and the log's error rate now.
        signals = str(app.screen.query_one("#users-okay-signals").render())
        assert "✔ UP" in signals and "checkout-api" in signals and "login" in signals
        rate = next(line for line in signals.splitlines() if line.startswith("api "))
        assert rate.split() == ["api", "2/min", "·", "1", "this", "min", "·", "2,706", "total"], "the log pane's rate"
        assert app.focused is app.screen.query_one("#cancel"), "No, not yet has the focus"
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: stored(db)[-1].kind == Kind.MITIGATED, "the mitigated milestone")
        assert stored(db)[-1].payload["text"] == "checkout flag off"
        await wait_for(pilot, lambda: "mitigated recorded" in view.status_text, "the screen says so")


async def test_a_failing_script_is_shown_and_recorded_and_nothing_more_is_asked(tmp_path: Path) -> None:
    app = room_app(tmp_path, flag_off(tmp_path, exit_code=3))
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "checkout flag off")
        await pilot.press("enter", "tab", "enter")
        await wait_for(pilot, lambda: stored(db)[-1].kind == Kind.MITIGATION, "the mitigation event", tries=500)
        await wait_for(pilot, lambda: view.running is None, "the run to end")
        assert stored(db)[-1].payload["exit_code"] == 3
        assert "✖ checkout flag off FAILED: exit 3" in view.status_text and "try the next option" in view.status_text
        assert app.screen is view, "no users-okay question after a failure"


async def test_no_on_users_okay_records_nothing_more_and_cancel_runs_nothing(tmp_path: Path) -> None:
    app = room_app(tmp_path, flag_off(tmp_path))
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "checkout flag off")
        count = len(stored(db))
        await pilot.press("enter", "enter")  # Enter on the focused Cancel
        await pilot.pause(0.3)
        assert not (tmp_path / "ran").exists() and len(stored(db)) == count
        assert "not run: nothing was started or recorded" in view.status_text
        await pilot.press("enter", "tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersOkayScreen), "the question", tries=500)
        await pilot.press("enter")  # No, not yet
        await wait_for(pilot, lambda: app.screen is view, "back on the screen")
        assert stored(db)[-1].kind == Kind.MITIGATION, "only the run itself is recorded"
        assert "nothing more recorded" in view.status_text


async def test_read_only_shows_mitigations_off_and_runs_nothing(tmp_path: Path) -> None:
    app = room_app(tmp_path, flag_off(tmp_path), readonly=True)
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        count = len(stored(db))
        assert "mitigations are off" in screen(pilot).query_one(CommandInput).placeholder, "the war room says so"
        view = await open_with_m(pilot)
        banner = str(view.query_one("#mitigation-off").render())
        assert "Mitigations are off: this war room is read-only (--readonly or [ui] readonly = true)" in banner
        await choose(pilot, "checkout flag off")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is view, "no confirmation: nothing can run"
        assert "was not run" in view.status_text
        assert not (tmp_path / "ran").exists() and len(stored(db)) == count
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "back")
        assert "mitigations are off" in feedback(pilot)


async def test_letters_typed_on_the_screen_go_to_the_command_line_and_run_nothing(tmp_path: Path) -> None:
    app = room_app(tmp_path, flag_off(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "checkout flag off")
        await pilot.press(*"yes run it")
        await pilot.pause(0.3)
        assert app.screen is view and not (tmp_path / "ran").exists()
        assert "typing goes to the war room's command line" in view.status_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "back")
        assert screen(pilot).query_one(CommandInput).value == "yes run it"


async def test_a_database_that_cannot_be_written_turns_mitigations_off(tmp_path: Path) -> None:
    from tests.support.mounts import read_only_bind
    from warroom.config.model import Config
    from warroom.store.sync import EventStore

    source = tmp_path / "rw"
    source.mkdir()
    with EventStore.open(source / "warroom.db") as store:
        store.declare("Checkout returns 500", 2, actor="alice")
    config = Config(mitigations=(flag_off(tmp_path),))
    with read_only_bind(source, tmp_path / "ro") as ro:
        app = WarRoomApp(ro / "warroom.db", config, actor="bob")
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.store_ready.is_set(), "the store to open")
            await pilot.pause()
            await pilot.press("m")  # the command line takes no typing: key mode already
            await wait_for(pilot, lambda: isinstance(app.screen, MitigationScreen), "the mitigation screen")
            view = mitigation_screen(pilot)
            banner = str(view.query_one("#mitigation-off").render())
            assert "cannot be written (read-only file system)" in banner
            await choose(pilot, "checkout flag off")
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert app.screen is view and not (tmp_path / "ran").exists()
    with EventStore.open(source / "warroom.db") as store:
        assert [e.kind for e in store.events(1)] == ["incident.declared"]


async def test_output_streams_while_it_runs_esc_leaves_and_the_result_still_arrives(tmp_path: Path) -> None:
    slow = script(tmp_path / "slow.sh", "echo first\nsleep 1.5\necho second\n")
    app = room_app(tmp_path, MitigationConfig("restart slowly", "restart", (slow,), timeout=20))
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "restart slowly")
        await pilot.press("enter", "tab", "enter")
        await wait_for(pilot, lambda: "first" in view.output_lines, "the first line", tries=500)
        assert view.running is not None and "second" not in view.output_lines, "shown before the command ends"
        await pilot.press("escape")  # keys still work while it runs
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "back in the war room")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersOkayScreen), "the question, over the war room", 500)
        assert stored(db)[-1].kind == Kind.MITIGATION and stored(db)[-1].payload["exit_code"] == 0
        assert "second" in stored(db)[-1].payload["output"]
        await pilot.press("enter")  # No, not yet
        await wait_for(pilot, lambda: "nothing more recorded" in feedback(pilot), "the answer on the command line")


async def test_a_timeout_and_a_command_that_cannot_start_are_said_plainly(tmp_path: Path) -> None:
    hang = script(tmp_path / "hang.sh", "echo waiting\nsleep 30\n")
    app = room_app(
        tmp_path,
        MitigationConfig("block hanging", "block", (hang,), timeout=0.5),
        MitigationConfig("block missing", "block", (str(tmp_path / "no-such-command"),)),
    )
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "block hanging")
        await pilot.press("enter", "tab", "enter")
        await wait_for(pilot, lambda: view.running is None and "FAILED" in view.status_text, "the timeout", 500)
        assert "✖ block hanging FAILED: timed out after" in view.status_text
        assert stored(db)[-1].payload["timed_out"] is True
        await choose(pilot, "block missing")
        await pilot.press("enter", "tab", "enter")
        await wait_for(pilot, lambda: "block missing FAILED" in view.status_text, "the failure to start", 500)
        assert "could not start" in view.status_text
        assert stored(db)[-1].payload["exit_code"] is None and stored(db)[-1].payload["name"] == "block missing"


async def test_a_token_in_the_command_is_hidden_on_screen_and_in_the_record(tmp_path: Path) -> None:
    echo = script(tmp_path / "echo.sh", 'echo "called with $1"\n')
    app = room_app(tmp_path, MitigationConfig("block with token", "block", (echo, "--token=s3cr3t-value")))
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "block with token")
        assert "s3cr3t" not in str(view.query_one("#mitigation-detail").render())
        assert not any("s3cr3t" in text for text in option_texts(pilot))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "s3cr3t" not in "\n".join(app.screen.details)
        assert "--token=" in "\n".join(app.screen.details)
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersOkayScreen), "the run", tries=500)
        assert view.output_lines and not any("s3cr3t" in line for line in view.output_lines)
        assert "s3cr3t" not in str(stored(db)[-1].payload)


async def test_quitting_while_it_runs_kills_it_and_records_the_interruption(tmp_path: Path) -> None:
    slow = script(tmp_path / "slow.sh", f"echo started\nsleep 30\necho done >{tmp_path / 'finished'}\n")
    app = room_app(tmp_path, MitigationConfig("restart slowly", "restart", (slow,), timeout=60))
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = await open_with_m(pilot)
        await choose(pilot, "restart slowly")
        await pilot.press("enter", "tab", "enter")
        await wait_for(pilot, lambda: "started" in view.output_lines, "the command to start", tries=500)
        app.exit()
    last = stored(db)[-1]
    assert last.kind == Kind.MITIGATION and last.payload["exit_code"] is None
    assert "interrupted" in last.payload.get("error", ""), last.payload
    import psutil

    def still_running() -> list[psutil.Process]:
        return [p for p in psutil.process_iter(["cmdline"]) if slow in " ".join(p.info["cmdline"] or [])]

    for _ in range(50):
        if not still_running():
            break
        await asyncio.sleep(0.1)
    assert not still_running(), "the command was stopped, not left running"
