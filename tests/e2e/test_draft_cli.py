"""`warroom draft` and `warroom due` through the installed command, in a private HOME."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import format_ts, parse_ts

pytestmark = pytest.mark.e2e

TOKEN = "T0E2E/B0E2E/e2eSECRETtoken"


def declare(run_warroom, sev: str = "2") -> dict:
    r = run_warroom(
        "declare", "Checkout returning 500s", "--sev", sev, "--impact", "Most users cannot pay", "--ic", "alice"
    )
    assert r.returncode == 0, r.stderr
    return show(run_warroom)


def show(run_warroom) -> dict:
    r = run_warroom("show", "INC-1", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def events_of(shown: dict, kind: str) -> list[dict]:
    return [e for e in shown["timeline"] if e["kind"] == kind]


def test_draft_prints_each_audience_from_the_playbook(run_warroom):
    shown = declare(run_warroom)
    day = shown["declared_at"][:10]
    started = parse_ts(shown["milestones"]["started"])
    internal = run_warroom("draft")
    assert internal.returncode == 0, internal.stderr
    assert (
        internal.stdout
        == f"""🚨 SEV-2 declared: Checkout returning 500s
Incident commander: @alice
Comms lead: @<person: VACANT>
Channel: #incident-{day}-inc-1
Status page: <link>
Updates every 30 min until resolved.
"""
    )
    external = run_warroom("draft", "--audience", "external")
    assert (
        external.stdout
        == f"""[Investigating] We are aware of an issue affecting <feature>.
Started: {started:%Y-%m-%d %H:%M} UTC
Impact: Most users cannot pay
We'll post an update within 30 minutes.
"""
    )
    can = run_warroom("draft", "--audience", "can")
    assert can.returncode == 0, can.stderr
    lines = can.stdout.splitlines()
    assert lines[1:] == [
        "Conditions:",
        "- Impact: Most users cannot pay",
        "- Nothing new: still investigating.",
        "Actions:",
        "- No mitigation applied yet.",
        "Needs:",
        "- Comms Lead: VACANT, needs someone",
        "- Tech Lead: VACANT, needs someone",
        "Next update within 30 min.",
    ]
    # Resolved: the playbook's one line.
    assert run_warroom("resolve", "Checkout is working again", "--as", "alice").returncode == 0
    assert run_warroom("draft", "-a", "internal").stdout == "[Resolved] Checkout is working again\n"


def test_due_counts_down_goes_overdue_and_posting_resets_it(run_warroom):
    shown = declare(run_warroom)
    declared = parse_ts(shown["declared_at"])
    r = run_warroom("due")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"INC-1 SEV-2: next update due in (29m \d\ds|30m) \(\d\d:\d\d UTC\)", r.stdout.splitlines()[0])
    assert r.stdout.splitlines()[1].startswith("INC-1 SEV-2: user comms due in ")

    late = format_ts(declared + timedelta(minutes=35))
    r = run_warroom("due", "--at", late)
    assert r.returncode == 1
    due_at = declared + timedelta(minutes=30)
    assert r.stdout == (
        "INC-1 SEV-2: update OVERDUE by 5m — silent for 35m\n"
        f"INC-1 SEV-2: user comms OVERDUE by 5m (due {due_at:%H:%M} UTC)\n"
    )
    assert run_warroom("due", "--short", "--at", late).stdout == "INC-1 LATE 5m\n"

    posted = run_warroom("draft", "--audience", "external", "--posted")
    assert posted.returncode == 0, posted.stderr
    assert "INC-1 external update marked posted at" in posted.stderr
    post = events_of(show(run_warroom), "comms.posted")
    assert len(post) == 1
    assert post[0]["payload"] == {"audience": "external", "text": posted.stdout.rstrip("\n")}
    r = run_warroom("due")
    assert r.returncode == 0
    assert re.fullmatch(r"INC-1 SEV-2: next update due in (29m \d\ds|30m) \(\d\d:\d\d UTC\)\n", r.stdout)


def test_configured_extra_roles_and_a_switched_off_cadence(run_warroom, tmp_path):
    """`[team] extra_roles` vacant -> needs; `[cadence] sev3 = false` -> an open SEV-3 is not "resolved"."""
    (tmp_path / "warroom.toml").write_text('[team]\nextra_roles = ["Customer Liaison"]\n[cadence]\nsev3 = false\n')
    declare(run_warroom, sev="3")
    can = run_warroom("draft", "-a", "can")
    assert can.returncode == 0, can.stderr
    needs = can.stdout.split("Needs:\n")[1].splitlines()
    assert needs == [
        "- Comms Lead: VACANT, needs someone",
        "- Tech Lead: VACANT, needs someone",
        "- Customer Liaison: VACANT, needs someone",
        "Next update when there is news.",
    ]
    r = run_warroom("due")
    assert (r.returncode, r.stdout) == (0, "INC-1 SEV-3: no required updates for SEV-3 (cadence off)\n")
    assert run_warroom("due", "--short").stdout == "INC-1 off\n"
    external = run_warroom("draft", "-a", "external").stdout
    assert external.splitlines()[-1] == "We'll post an update when we know more."

    assert run_warroom("resolve", "Checkout is working again", "--yes").returncode == 0
    assert run_warroom("due", "-i", "1").stdout == "INC-1 SEV-3: no update due (resolved)\n"
    lines = run_warroom("draft", "-a", "can").stdout.splitlines()
    assert lines[0].startswith("INC-1 SEV-3 [Resolved] update at ")
    assert lines[2].startswith("- Resolved at ") and lines[2].endswith(" by tester: Checkout is working again")
    assert lines[-2].startswith("- Postmortem owner: <person> (review within 5 business days, by ")
    assert lines[-1] == "No further scheduled updates: the channel stays open for postmortem prep."


def test_due_with_nothing_open(run_warroom):
    r = run_warroom("due")
    assert (r.returncode, r.stdout) == (0, "no open incident: no update due\n")


def test_copy_without_any_clipboard_still_saves_the_file(run_warroom, home_env, tmp_path):
    declare(run_warroom)
    env = {**home_env, "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    # A new session has no controlling terminal (like cron), so not even OSC 52 can be sent.
    r = subprocess.run(
        [str(warroom_executable()), "draft", "-a", "external", "--copy"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,
    )
    assert r.returncode == 0, r.stderr
    m = re.search(r"No clipboard reachable; saved to (\S+)", r.stderr)
    assert m, r.stderr
    path = Path(m.group(1))
    drafts = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "drafts"
    assert path.parent == drafts
    assert re.fullmatch(r"INC-1-external-\d{8}T\d{6}Z\.txt", path.name)
    assert path.read_text(encoding="utf-8") == r.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.requires("tmux")
def test_copy_inside_tmux_lands_in_the_tmux_buffer(run_warroom, home_env, tmp_path):
    declare(run_warroom)
    socket = f"warroom-e2e-{uuid.uuid4().hex[:10]}"
    out, err = tmp_path / "draft.out", tmp_path / "draft.err"
    env = {**home_env, "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    inner = (
        f"cd {tmp_path} && {warroom_executable()} draft -a external --copy > {out} 2> {err};"
        " tmux wait-for -S drafted; exec cat"
    )
    try:
        subprocess.run([*tmux, "new-session", "-d", "-x", "100", "-y", "30", inner], env=env, check=True, timeout=30)
        subprocess.run([*tmux, "wait-for", "drafted"], env=env, check=True, timeout=60)
        buffer = subprocess.run([*tmux, "show-buffer"], env=env, capture_output=True, text=True, timeout=30)
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, capture_output=True, timeout=30)
        # kill-server leaves the socket file behind.
        (Path(env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}" / socket).unlink(missing_ok=True)
    draft = out.read_text(encoding="utf-8")
    assert draft.startswith("[Investigating] We are aware of an issue affecting <feature>.")
    assert buffer.stdout == draft.rstrip("\n")
    assert "Copied via tmux buffer; saved to " in err.read_text()


class Hook:
    def __init__(self, status: int, body: bytes) -> None:
        self.bodies: list[bytes] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{TOKEN}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_config(tmp_path: Path):
    (tmp_path / "warroom.toml").write_text('[[notify]]\nkind = "slack"\nurl = "${WARROOM_TEST_HOOK}"\n')
    hooks: list[Hook] = []

    def start(status: int = 200, body: bytes = b"ok") -> Hook:
        hooks.append(Hook(status, body))
        return hooks[-1]

    yield start
    for h in hooks:
        h.close()


def test_post_sends_the_draft_and_records_the_result(run_warroom, home_env, webhook_config):
    hook = webhook_config()
    declare(run_warroom, sev="1")
    r = run_warroom("draft", "--post", "--posted", env={"WARROOM_TEST_HOOK": hook.url})
    assert r.returncode == 0, r.stderr
    # Exactly the draft, with the three characters Slack reads as markup escaped as it documents
    # (so the visible blanks `<person: VACANT>` and `<link>` arrive as typed).
    posted = r.stdout.rstrip("\n").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert [json.loads(b) for b in hook.bodies] == [{"text": posted}]
    assert "slack: posted (HTTP 200 ok)" in r.stderr
    shown = show(run_warroom)
    sent = events_of(shown, "notify.sent")
    assert len(sent) == 1
    assert sent[0]["payload"]["ok"] is True and sent[0]["payload"]["status"] == 200
    assert sent[0]["payload"]["url"] == "${WARROOM_TEST_HOOK}"
    assert len(events_of(shown, "comms.posted")) == 1
    db = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    assert TOKEN.encode() not in db.read_bytes()


def test_a_failed_post_is_shown_keeps_the_draft_and_is_not_marked_posted(run_warroom, home_env, webhook_config):
    hook = webhook_config(500, b"server exploded")
    declare(run_warroom)
    r = run_warroom("draft", "-a", "external", "--post", "--posted", env={"WARROOM_TEST_HOOK": hook.url})
    assert r.returncode == 1
    assert "slack: FAILED: HTTP 500 server exploded" in r.stderr
    m = re.search(r"the draft is kept in (\S+); not marked posted", r.stderr)
    assert m, r.stderr
    assert Path(m.group(1)).read_text(encoding="utf-8") == r.stdout
    assert TOKEN not in r.stderr + r.stdout
    shown = show(run_warroom)
    assert events_of(shown, "comms.posted") == []
    sent = events_of(shown, "notify.sent")
    assert sent[0]["payload"]["ok"] is False and sent[0]["payload"]["status"] == 500


def test_post_without_a_webhook_is_a_clear_error(run_warroom):
    declare(run_warroom)
    r = run_warroom("draft", "--post")
    assert r.returncode == 2
    assert r.stderr.startswith("warroom: error: --post needs a [[notify]] webhook")


def test_an_edited_text_is_what_gets_recorded(run_warroom):
    declare(run_warroom)
    edited = "[Identified] Checkout fails for card payments in the EU.\nNext update within 30 minutes."
    r = run_warroom("draft", "-a", "external", "--text-file", "-", "--posted", "--diff", input=edited + "\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == edited + "\n"
    assert "+[Identified] Checkout fails for card payments in the EU." in r.stderr.splitlines()
    post = events_of(show(run_warroom), "comms.posted")
    assert post[0]["payload"] == {"audience": "external", "text": edited}
