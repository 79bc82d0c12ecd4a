"""Hostile text in every source the war room shows, through the installed `warroom` in a real
pseudo-terminal: log lines (one of 10 MB, invalid UTF-8), an HTTP probe's body, a status page's
JSON, a followed command's output, git commit subjects, an Alertmanager payload, notes and the
incident title. Each escape sequence of theirs is followed by a unique marker; the raw bytes the
terminal receives must never hold an escape of theirs, and their markup must show as text."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.fuzz.pty_run import PtyRun
from tests.support.http_server import TestHTTPServer, closed_port_url
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("git")]

# Each escape the sources carry, as the terminal would receive it, followed by its marker.
ESCAPES = {
    "osc": "\x1b]0;PWNED\x07",
    "csi": "\x1b[31mREDMARK",
    "dcs": "\x1bP1$qDCSMARK\x1b\\",
    "c1-csi": "\x9b32mCONEMARK",
    "c1-osc": "\x9d0;CONEOSC\x07",
    "clear": "\x1b[2JCLEARMARK",
}
MARKUP = "[bold]BOLDMARK[/] [link=https://evil.example]LINKMARK[/link] [/]"
HOSTILE = " ".join(ESCAPES.values()) + " \u202eBIDIMARK \u200bZWMARK \x85NELMARK " + MARKUP

# What must never reach the terminal: each escape introducer with the text right after it.
FORBIDDEN = [
    b"\x1b]0;PWNED",
    b"\x1b[31mREDMARK",
    b"\x1bP1$qDCSMARK",
    b"\x9b32mCONEMARK",
    b"\xc2\x9b32mCONEMARK",
    b"\x9d0;CONEOSC",
    b"\xc2\x9d0;CONEOSC",
    b"\x1b[2JCLEARMARK",
    "\u202eBIDIMARK".encode(),
    "\u200bZWMARK".encode(),
    b"\xc2\x85NELMARK",
]


def _git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    env = {"GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "d@x", "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "d@x",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}  # fmt: skip
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", f"deploy GITMARK {HOSTILE}"],
                   check=True, env=env)  # fmt: skip
    return repo


def _statuspage_body() -> bytes:
    return json.dumps(
        {
            "page": {"name": f"Pay {HOSTILE}"},
            "status": {"indicator": "major", "description": f"SPMARK {HOSTILE}"},
            "components": [{"name": f"Card {HOSTILE}", "status": "major_outage"}],
            "incidents": [{"name": f"Inc {HOSTILE}", "status": "investigating", "impact": "major"}],
        }
    ).encode()


LOG_LINES = (
    f"ERROR LOGMARK {HOSTILE}\n".encode()
    + b"ERROR bad bytes \xff\xfe\xc0 \x1b[31mREDMARK\n"
    + b"ERROR huge "
    + b"\x1b]0;PWNED\x07 [bold]x " * 400_000
    + b"\n"  # a 10 MB line
)


def _log_file(tmp_path: Path) -> Path:
    log = tmp_path / "app.log"
    log.write_bytes(LOG_LINES)
    return log


def test_hostile_text_from_every_source_never_drives_the_terminal(tmp_path: Path, home_env: dict[str, str]):
    with TestHTTPServer() as srv:
        srv.set_route("/health", status=500, body=f"PROBEMARK {HOSTILE}".encode())
        srv.set_route("/api/v2/summary.json", body=_statuspage_body(), headers={"Content-Type": "application/json"})
        repo = _git_repo(tmp_path)
        printer = tmp_path / "printer.py"
        printer.write_text(  # its line, then a 10 MB line of escapes and invalid UTF-8
            f"import sys\nsys.stdout.write({('CMDMARK ' + HOSTILE)!r} + '\\n')\nsys.stdout.flush()\n"
            "sys.stdout.buffer.write(b'\\x1b]0;PWNED\\x07\\xff[bold]' * 1_000_000 + b'\\n')\n"
        )
        log = _log_file(tmp_path)
        intake_port = int(closed_port_url().split(":")[2].split("/")[0])
        config = tmp_path / "warroom.toml"
        config.write_text(
            f'[[probe]]\nname = "api"\nurl = "{srv.url("/health")}"\ninterval = "1s"\n\n'
            f'[[statuspage]]\nname = "pay"\nurl = "{srv.url("/api/v2/summary.json")}"\ninterval = "2s"\n\n'
            f'[[log]]\nname = "app"\npath = "{log}"\nbackfill = "1h"\n\n'
            f'[[deploys]]\nname = "app"\nkind = "git"\nrepo = "{repo}"\nsince = "1d"\n\n'
            f'[[command]]\nname = "printer"\nargv = ["python3", "{printer}"]\ninterval = "2s"\n\n'
            f'[intake]\nlisten = "127.0.0.1:{intake_port}"\n\n[resources]\nenabled = false\n'
        )
        db = tmp_path / "w.db"
        with EventStore.open(db) as store:
            store.declare(f"TITLEMARK {HOSTILE}", 2, actor="alice")
        env = {**home_env, "WARROOM_DB": str(db), "WARROOM_CONFIG": str(config)}
        note = subprocess.run([str(warroom_executable()), "note", f"NOTEMARK {HOSTILE}"], env=env,
                              capture_output=True, timeout=30)  # fmt: skip
        assert note.returncode == 0, note.stderr
        for out in (note.stdout, note.stderr):
            assert not any(bad in out for bad in FORBIDDEN), out

        run = PtyRun([str(warroom_executable())], env, tmp_path)
        try:
            assert run.wait_for(b"Timeline", 30), run.output[-3000:]
            _post_alert(intake_port)
            with log.open("ab") as f:  # lines written while the war room follows the file
                f.write(LOG_LINES)
            run.read_for(8)
            run.send(b"\x1b")  # Esc: key mode; `q`-free, so nothing quits until Ctrl+Q
            run.read_for(1)
        finally:
            run.stop()
    shown = bytes(run.output)
    for bad in FORBIDDEN:
        assert bad not in shown, f"{bad!r} reached the terminal"
    text = shown.decode("utf-8", "replace")
    markers = ("TITLEMARK", "NOTEMARK", "LOGMARK", "PROBEMARK", "SPMARK", "CMDMARK", "GITMARK", "ALERTMARK")
    assert [m for m in markers if m not in text] == []
    # Markup shows as the text it is: the brackets reach the screen, BOLDMARK is not made bold.
    assert "[bold]BOLDMARK" in text and "[link=https://evil.example]LINKMARK" in text
    assert "<U+202E>BIDIMARK" in text
    # An escape's own text is gone; the text after it shows as text.
    assert "REDMARK" in text and "CONEMARK" in text and "CLEARMARK" in text
    with EventStore.open(db) as store:  # and the record still reads, alert and note included
        kinds = [e.kind for e in store.events(1)]
        assert store.incident(1) is not None and "note" in kinds and any(k.startswith("alert") for k in kinds)


def _post_alert(port: int) -> None:
    body = {
        "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": "firing", "receiver": "warroom",
        "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": f"ALERTMARK {HOSTILE}", "severity": "critical", "job": HOSTILE},
            "annotations": {"summary": f"ALERTMARK {HOSTILE}"},
            "startsAt": "2026-12-06T05:12:30Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prom:9090/graph", "fingerprint": "1a30ba71cca2921f",
        }],
    }  # fmt: skip
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    deadline = time.monotonic() + 15
    while True:  # the war room starts listening once its sources are up
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.status == 200
                return
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
