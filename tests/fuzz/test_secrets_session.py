"""One whole session with secrets in the config (`${ENV}` values in a probe's URL and its
Authorization header, literal `token=`/`password=` in a URL and in argv, a [[command]] and a
[[mitigation]] holding secrets), a note and a `warroom run` holding credentials, drafts, every
export format, the postmortem, `show --json`, and the war room in a real pty: no secret value is
in any output or any file written (the database file's bytes, drafts, exports, logs)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.fuzz.pty_run import PtyRun
from tests.support.http_server import TestHTTPServer

pytestmark = [pytest.mark.e2e]

ENV_SECRETS = {
    "PROBE_TOKEN": "PrbTok-4d1f-SECRET-a9c2",
    "URL_TOKEN": "UrlTok-77b3-SECRET-e01d",
    "CMD_TOKEN": "CmdTok-90aa-SECRET-3b7f",
    "MIT_TOKEN": "MitTok-12c8-SECRET-55e4",
}
# Credentials written literally, recognisable by where they stand (`password=`, `--token`, a URL).
LITERAL = {
    "url password": "UrlPw-5521-LITERAL",
    "argv password": "ArgvPw-8832-LITERAL",
    "note bearer": "NoteBearer-6619-LITERAL",
    "note url token": "NoteUrlTok-3317-LITERAL",
    "run token": "RunTok-2290-LITERAL",
}
SECRETS = [*ENV_SECRETS.values(), *LITERAL.values()]

PRINTER = """import os, sys
print("argv:", " ".join(sys.argv[1:]))
print("env:", os.environ.get("CMD_TOKEN", ""), os.environ.get("MIT_TOKEN", ""))
"""


def _leaks(data: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode() in data or s[:14].encode() in data]


def test_no_secret_reaches_any_output_or_file_of_a_full_session(tmp_path: Path, home_env: dict[str, str]):
    printer = tmp_path / "inputs" / "printer.py"
    printer.parent.mkdir()
    printer.write_text(PRINTER)
    config = tmp_path / "inputs" / "warroom.toml"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    db = out_dir / "w.db"
    with TestHTTPServer() as srv:
        url = srv.url("/health") + f"?token=${{URL_TOKEN}}&password={LITERAL['url password']}"
        config.write_text(
            f'[[probe]]\nname = "api"\nurl = "{url}"\ninterval = "1s"\n'
            'headers = { Authorization = "Bearer ${PROBE_TOKEN}" }\n\n'
            f'[[command]]\nname = "who"\nargv = ["python3", "{printer}", "${{CMD_TOKEN}}", '
            f'"--password={LITERAL["argv password"]}"]\ninterval = "2s"\n\n'
            f'[[mitigation]]\nname = "restart"\nkind = "restart"\n'
            f'argv = ["python3", "{printer}", "--token", "${{MIT_TOKEN}}"]\n\n'
            "[resources]\nenabled = false\n"
        )
        env = {**home_env, **ENV_SECRETS, "WARROOM_DB": str(db), "WARROOM_CONFIG": str(config)}
        outputs: list[tuple[str, bytes]] = []

        def warroom(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
            result = subprocess.run([str(warroom_executable()), *args], env=env, cwd=out_dir, input=stdin,
                                    capture_output=True, timeout=60)  # fmt: skip
            outputs.append((" ".join(args), result.stdout + result.stderr))
            return result

        assert warroom("declare", "Checkout 500s", "--sev", "2").returncode == 0
        note = (
            f"curl -H 'Authorization: Bearer {LITERAL['note bearer']}' "
            f"https://api.example/x?token={LITERAL['note url token']}"
        )
        assert warroom("note", note).returncode == 0
        # What the command itself prints reaches the terminal unchanged, as without warroom (its
        # output is the user's own): this one prints no secret, so any leak is warroom's.
        ran = warroom("run", "--", "python3", "-c", "print('checked')", f"--token={LITERAL['run token']}")
        assert ran.returncode == 0 and b"checked" in ran.stdout
        assert warroom("snapshot").returncode in (0, 1)
        mitigated = warroom("mitigate", "restart", "--yes", stdin=b"y\n")
        assert mitigated.returncode == 0, mitigated.stdout + mitigated.stderr
        for audience in ("internal", "external", "can", "tactical"):
            assert warroom("draft", "--audience", audience, "--copy").returncode == 0
        for fmt in ("md", "json", "jsonl"):
            assert warroom("export", "1", "--format", fmt, "-o", str(out_dir / f"export.{fmt}")).returncode == 0
            assert warroom("export", "1", "--format", fmt).returncode == 0
        assert warroom("postmortem", "1", "-o", str(out_dir / "postmortem.md")).returncode == 0
        assert warroom("postmortem", "1").returncode == 0
        assert warroom("show", "--json").returncode == 0
        assert warroom("show").returncode == 0

        run = PtyRun([str(warroom_executable())], env, out_dir)
        try:
            assert run.wait_for(b"Timeline", 30)
            run.read_for(6)
        finally:
            run.stop()
        outputs.append(("the war room in a pty", bytes(run.output)))
        # The secrets were really used: the probe sent the expanded header and query.
        assert f"Bearer {ENV_SECRETS['PROBE_TOKEN']}" in srv.headers_seen("Authorization")
        assert any(ENV_SECRETS["URL_TOKEN"] in r.path for r in srv.requests)

    leaked = {what: _leaks(data) for what, data in outputs if _leaks(data)}
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "inputs" not in p.parts]
    assert db in written and len(list((out_dir / "drafts").iterdir())) == 4, written
    leaked |= {str(p): _leaks(p.read_bytes()) for p in written if _leaks(p.read_bytes())}
    assert leaked == {}, "\n".join(f"{where}: {found}" for where, found in leaked.items())


async def test_a_screenshot_of_the_war_room_holds_no_secret(tmp_path: Path, monkeypatch) -> None:
    """The war room's screenshot (`App.save_screenshot`, what `warroom` saves for a postmortem)
    after its probe and command panes polled with the secrets."""
    import asyncio

    from warroom.config.loader import load_config
    from warroom.store.sync import EventStore
    from warroom.ui.app import WarRoomApp

    # Not MIT_TOKEN: this config names no mitigation, and a variable no config names is not a
    # secret warroom could know of (the printer prints its environment).
    for name, value in ENV_SECRETS.items():
        if name != "MIT_TOKEN":
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("MIT_TOKEN", raising=False)
    printer = tmp_path / "printer.py"
    printer.write_text(PRINTER)
    with TestHTTPServer() as srv:
        url = srv.url("/health") + f"?token=${{URL_TOKEN}}&password={LITERAL['url password']}"
        config_path = tmp_path / "warroom.toml"
        config_path.write_text(
            f'[[probe]]\nname = "api"\nurl = "{url}"\ninterval = "1s"\n'
            'headers = { Authorization = "Bearer ${PROBE_TOKEN}" }\n\n'
            f'[[command]]\nname = "who"\nargv = ["python3", "{printer}", "${{CMD_TOKEN}}", '
            f'"--password={LITERAL["argv password"]}"]\ninterval = "1s"\n\n'
            "[resources]\nenabled = false\n"
        )
        db = tmp_path / "w.db"
        with EventStore.open(db) as store:
            incident = store.declare("Checkout 500s", 2, actor="alice").incident_id
            store.append(incident, "note", {"text": f"see https://api.example/x?token={LITERAL['note url token']}"},
                         actor="alice")  # fmt: skip
        app = WarRoomApp(db, load_config(config_path), actor="alice")
        async with app.run_test(size=(200, 60)) as pilot:
            for _ in range(40):  # until the command pane has run its command (argv printed)
                await asyncio.sleep(0.1)
                await pilot.pause()
                if "argv:" in app.export_screenshot():
                    break
            svg = app.export_screenshot()
            saved = Path(app.save_screenshot(path=str(tmp_path), filename="room.svg"))
        assert "argv:" in svg, "the command pane ran and showed its output"
        assert srv.headers_seen("Authorization") == [f"Bearer {ENV_SECRETS['PROBE_TOKEN']}"] * len(
            srv.headers_seen("Authorization")
        )
    assert _leaks(svg.encode()) == [] and _leaks(saved.read_bytes()) == []
