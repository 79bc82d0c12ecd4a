"""`warroom postmortem` and `warroom action` through the installed command, on a real database.

The hand-built incident: declared at a known moment (faketime), everything people did placed with
`--at`, and the machine's signals (probe flaps, log spikes, a mitigation run with its command and
exit code, metrics recovered, the updates posted) loaded with `warroom import` from JSONL lines
written here, as a recorder would have written them. Its postmortem is compared with
tests/e2e/expected/postmortem_checkout.md, written by hand from the playbook's template.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import warroom_executable
from warroom.domain import catalogue as c
from warroom.domain.events import Kind, format_ts

EXPECTED = Path(__file__).parent / "expected" / "postmortem_checkout.md"

ROOT_CAUSE = (
    "Trigger: deploy a1b2c3d of checkout-api set the db pool size to 2.\n"
    "Latent bug: the pool size is read from an unchecked environment variable.\n"
    "Missing guardrail: no canary stage checks the db pool before a deploy reaches every region."
)


def _at(hh_mm_ss: str, day: str = "2025-03-07") -> datetime:
    return datetime.fromisoformat(f"{day}T{hh_mm_ss}+00:00").astimezone(UTC)


def _line(number: int, when: str, kind: str, actor: str, payload: dict) -> str:
    at = format_ts(_at(when))
    record = {
        "actor": actor,
        "at": at,
        "dedupe_key": None,
        "id": number,
        "incident_id": 1,
        "kind": kind,
        "origin": {"host": "recorder", "pid": 1, "user": "warroom"},
        "payload": payload,
        "recorded_at": at,
    }
    return json.dumps(record, sort_keys=True)


def _probe(state: str, when: str, text: str) -> tuple[str, str, str, dict]:
    if state == "down":
        payload = c.probe_down(
            probe="checkout",
            status_code=503,
            elapsed=0.1,
            failure="status",
            error=None,
            previous="up",
            failures=3,
            first_failure_at=None,
        )
        return when, Kind.PROBE_DOWN, "warroom", payload | {"text": text}
    payload = c.probe_up(
        probe="checkout", status_code=200, elapsed=0.1, down_seconds=170.0, down_since=None, first_success_at=None
    )
    return when, Kind.PROBE_UP, "warroom", payload | {"text": text}


def _signals() -> list[tuple[str, str, str, dict]]:
    """What the recorder and the room wrote: (time, kind, actor, payload)."""
    spike = "log app error spike: {}/min"
    return [
        _probe("down", "14:00:10", "probe checkout DOWN: 503"),
        (
            "14:02:00",
            Kind.LOG_SPIKE,
            "warroom",
            c.log_spike(log="app", count=120, baseline=2.0, factor=60.0, minute="2025-03-07T14:02Z")
            | {"text": spike.format(120)},
        ),
        _probe("up", "14:03:00", "probe checkout UP after 2m 50s"),
        (
            "14:03:30",
            Kind.LOG_SPIKE,
            "warroom",
            c.log_spike(log="app", count=340, baseline=2.0, factor=170.0, minute="2025-03-07T14:03Z")
            | {"text": spike.format(340)},
        ),
        _probe("down", "14:04:00", "probe checkout DOWN: 503"),
        ("14:10:00", Kind.COMMS_POSTED, "carol", c.comms_posted("internal", "SEV-2 declared: checkout 500s")),
        (
            "14:20:00",
            Kind.COMMS_POSTED,
            "carol",
            c.comms_posted("external", "[Investigating] We are aware of an issue affecting Checkout."),
        ),
        (
            "14:29:00",
            Kind.MITIGATION,
            "bob",
            c.mitigation_run(
                kind="rollback",
                name="rollback checkout-api a1b2c3d",
                argv=["kubectl", "rollout", "undo", "deploy/checkout-api"],
                exit_code=0,
                duration_s=1.2,
                output="deployment.apps/checkout-api rolled back",
            ),
        ),
        _probe("up", "14:33:00", "probe checkout UP after 29m"),
        (
            "14:45:00",
            Kind.METRICS_RECOVERED,
            "warroom",
            c.metrics_recovered(
                probes=["checkout"],
                since=_at("14:40:00"),
                held_s=300.0,
                text="checkout up, error rate at baseline for 5 min",
            ),
        ),
    ]


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def _faketime() -> str:
    path = shutil.which("faketime")
    assert path is not None, "faketime is required (.ci/run installs it)"
    return path


def build_incident(run_warroom, home_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The hand-built incident up to its resolution; returns the env naming its database."""
    env = {"WARROOM_DB": str(tmp_path / "pm.db"), "TZ": "UTC"}
    declared = subprocess.run(
        [
            _faketime(),
            "-f",
            "@2025-03-07 14:05:00",
            str(warroom_executable()),
            "declare",
            "Checkout returns 500 for EU carts",
            "--sev",
            "2",
            "--impact",
            "EU carts fail",
            "--detected-by",
            "alert: checkout 5xx rate",
            "--started-at",
            "2025-03-07T13:58:00Z",
            "--detected-at",
            "2025-03-07T14:01:00Z",
            "--ic",
            "alice",
            "--as",
            "alice",
        ],
        env={**home_env, **env},
        capture_output=True,
        text=True,
    )
    assert _ok(declared).strip() == "INC-1"
    steps = [
        ("role", "comms", "carol", "--at", "2025-03-07T14:06:00Z", "--as", "alice"),
        ("note", "p95 at 4s on checkout-api, errors from the db pool", "--at", "2025-03-07T14:08:00Z", "--as", "bob"),
        ("sev", "1", "--reason", "all EU regions", "--at", "2025-03-07T14:12:00Z", "--as", "alice"),
    ]
    for step in steps:
        _ok(run_warroom(*step, env=env))
    exported = _ok(run_warroom("export", "1", "--format", "jsonl", env=env)).splitlines()
    lines = [exported[0]] + [_line(900 + i, *signal) for i, signal in enumerate(_signals())]
    signals = tmp_path / "signals.jsonl"
    signals.write_text("\n".join(lines) + "\n")
    _ok(run_warroom("import", str(signals), env=env))
    _ok(run_warroom("mitigated", "rolled back checkout-api a1b2c3d", "--at", "2025-03-07T14:31:00Z", env=env))
    _ok(run_warroom("resolve", "errors at baseline", "--at", "2025-03-07T15:02:00Z", "--yes", "--as", "alice", env=env))
    return env


def write_postmortem(run_warroom, env: dict[str, str]) -> None:
    """The review, days later: sections (argument, stdin), action items added, edited, done."""
    at = ("--at", "2025-03-10T10:00:00Z", "--as", "alice")
    sections = {
        "impact": "EU shoppers could not pay by card for 64 minutes; about 1,800 checkouts failed",
        "summary": "For 64 minutes, shoppers in the EU could not pay at checkout. A deploy of checkout-api "
        "lowered the database connection pool; rolling it back restored payments.",
        "went-well": "- The rollback command was ready and took 1.2 seconds.\n"
        "- The first external update went out 15 minutes after declaring.",
        "went-poorly": "- The SEV-1 upgrade came 7 minutes after declaring.\n- Updates stopped after 14:20.",
        "lucky": "- It happened on a Friday afternoon with the whole team online.",
    }
    first = _ok(run_warroom("postmortem", "edit", "impact", sections.pop("impact"), *at, env=env))
    assert first == "INC-1 postmortem: Impact recorded (postmortem started)\n"
    for section, text in sections.items():
        assert "recorded" in _ok(run_warroom("postmortem", "edit", section, text, *at, env=env))
    # No TEXT and no terminal: the section's text comes from standard input.
    _ok(run_warroom("postmortem", "edit", "root-cause", *at, env=env, input=ROOT_CAUSE + "\n"))
    adds = [
        ("Validate DB_POOL_SIZE at checkout-api startup and refuse values under 10", "bob", "2025-03-14", "prevent"),
        (
            "Add a canary stage that checks db pool saturation before an all-region rollout",
            "dave",
            "2025-03-21",
            "detect",
        ),
        ("Page on checkout 5xx above 2% for 3 minutes", "@carol", "2025-03-12", "detect"),
    ]
    for text, owner, due, kind in adds:
        _ok(run_warroom("action", "add", text, "--owner", owner, "--due", due, "--type", kind, *at, env=env))
    _ok(run_warroom("action", "edit", "2", "--due", "2025-03-28", *at, env=env))
    _ok(run_warroom("action", "done", "3", "--at", "2025-03-11T09:00:00Z", env=env))


def test_postmortem_of_a_hand_built_incident_matches_the_template_written_by_hand(run_warroom, home_env, tmp_path):
    env = build_incident(run_warroom, home_env, tmp_path)
    write_postmortem(run_warroom, env)
    printed = _ok(run_warroom("postmortem", "INC-1", env=env))
    assert printed == EXPECTED.read_text()
    # Regenerating gives the same document, to a file (0600) as on standard output.
    out = tmp_path / "pm.md"
    assert _ok(run_warroom("postmortem", "-o", str(out), env=env)) == f"INC-1 postmortem written to {out}\n"
    assert out.read_text() == printed
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _ok(run_warroom("postmortem", "1", env=env)) == printed
    # Everything written lives in the record: another database loaded from the export says the same.
    jsonl = tmp_path / "all.jsonl"
    _ok(run_warroom("export", "1", "--format", "jsonl", "-o", str(jsonl), env=env))
    copy = {"WARROOM_DB": str(tmp_path / "copy.db"), "TZ": "UTC"}
    _ok(run_warroom("import", str(jsonl), env=copy))
    assert _ok(run_warroom("postmortem", "1", env=copy)) == printed
    # The lint passes, so it can be closed; then no reminder is left.
    check = run_warroom("postmortem", "--check", env=env)
    assert (check.returncode, check.stdout) == (0, "INC-1 postmortem: no findings\n")
    assert "postmortem for INC-1" in _ok(run_warroom("list", env=env))
    assert _ok(run_warroom("postmortem", "done", "--at", "2025-03-12T16:00:00Z", env=env)) == "INC-1 postmortem done\n"
    assert "postmortem for" not in _ok(run_warroom("list", env=env))
    assert "postmortem for" not in _ok(run_warroom("due", env=env))


def test_an_unwritten_postmortem_fails_the_check_with_the_playbooks_advice(run_warroom, home_env, tmp_path):
    env = build_incident(run_warroom, home_env, tmp_path)
    printed = _ok(run_warroom("postmortem", env=env))
    assert "## Summary\n\n_Not written yet: One paragraph. Lay-reader friendly." in printed
    assert "| Item | Owner | Due | Type |\n|---|---|---|---|\n\n" in printed
    check = run_warroom("postmortem", "--check", env=env)
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert lines[-1] == "INC-1 postmortem: 6 findings"
    assert (
        "no action items (`warroom action add TEXT --owner NAME --due YYYY-MM-DD --type prevent`) — "
        "anti-pattern: Closing the postmortem without assigning the actions"
    ) in lines
    assert any(line.startswith("Root cause is empty") for line in lines)
    done = run_warroom("postmortem", "done", env=env)
    assert done.returncode == 1 and done.stdout.endswith("INC-1 postmortem not closed: 6 findings\n")
    assert "postmortem for INC-1" in _ok(run_warroom("list", env=env)), "not done: still reminded"


def test_the_check_names_people_and_vague_or_unowned_items(run_warroom, home_env, tmp_path):
    env = build_incident(run_warroom, home_env, tmp_path)
    for section in ("summary", "went-well", "lucky", "impact"):
        _ok(run_warroom("postmortem", "edit", section, "written", env=env))
    _ok(run_warroom("postmortem", "edit", "root-cause", "Bob pushed a pool size of 2", env=env))
    _ok(run_warroom("postmortem", "edit", "went-poorly", "@carol was slow to post updates", env=env))
    _ok(
        run_warroom(
            "action", "add", "improve monitoring", "--owner", "bob", "--due", "2025-03-14", "--type", "detect", env=env
        )
    )
    _ok(run_warroom("action", "add", "Alert on db pool use above 80%", env=env))
    check = run_warroom("postmortem", "--check", env=env)
    assert check.returncode == 1
    people = "anti-pattern: Naming people as root causes — name the missing guardrail that allowed the mistake"
    assert check.stdout.splitlines() == [
        f"Root cause names bob — {people}",
        f"What went poorly names carol — {people}",
        "action 1 is vague ('improve monitoring'): it names no concrete thing to change — anti-pattern: Vague "
        'action items ("improve monitoring") — make them specific and owned. Each action item should be '
        '**assignable, scheduleable, and verifiable**. "Be more careful" is not an action item.',
        "action 2 has no owner (`warroom action edit 2 --owner NAME`) — Each action item should be "
        "**assignable, scheduleable, and verifiable**.",
        "action 2 has no due date (`warroom action edit 2 --due YYYY-MM-DD`) — Each action item should be "
        "**assignable, scheduleable, and verifiable**.",
        "action 2 has no type (`warroom action edit 2 --type prevent|detect|mitigate`) — Each action item "
        "should be **assignable, scheduleable, and verifiable**.",
        "INC-1 postmortem: 6 findings",
    ]


def test_action_add_list_done_edit(run_warroom, home_env, tmp_path):
    env = build_incident(run_warroom, home_env, tmp_path)
    assert _ok(run_warroom("action", "list", env=env)).startswith("INC-1 has no action items")
    added = _ok(run_warroom("action", "add", "Alert on db pool use above 80%", "--owner", "@bob", env=env))
    assert added == (
        "INC-1 action 1 added: Alert on db pool use above 80% · @bob "
        "(no due date, no type yet: `warroom action edit 1`)\n"
    )
    second = ("Runbook for checkout-api rollback", "--owner", "carol", "--due", "2025-03-14", "--type", "mitigate")
    assert _ok(run_warroom("action", "add", *second, env=env)).startswith("INC-1 action 2 added:")
    edited = _ok(run_warroom("action", "edit", "1", "--due", "2025-03-13", "--type", "DETECT", env=env))
    assert edited == "INC-1 action 1 now: Alert on db pool use above 80% · @bob · due 2025-03-13 · detect\n"
    assert _ok(run_warroom("action", "done", "2", "--at", "2025-03-11T09:00:00Z", env=env)) == (
        "INC-1 action 2 done: Runbook for checkout-api rollback\n"
    )
    again = _ok(run_warroom("action", "done", "2", env=env))
    assert again == "INC-1 action 2 was already done on 2025-03-11; nothing recorded\n"
    listed = _ok(run_warroom("action", "list", env=env)).splitlines()
    assert listed[1].split() == [
        "1",
        "open",
        "@bob",
        "2025-03-13",
        "detect",
        "Alert",
        "on",
        "db",
        "pool",
        "use",
        "above",
        "80%",
    ]
    assert listed[2].split()[:4] == ["2", "done", "2025-03-11", "@carol"]
    assert len(_ok(run_warroom("action", "list", "--open", env=env)).splitlines()) == 2
    # Every mistake is one line and records nothing.
    for bad, message in (
        (("done", "7"), "no action item 7: items are numbered 1 to 2"),
        (("edit", "1"), "say what changes: --text, --owner, --due or --type"),
        (("add", "x", "--due", "2025-02-30"), "due date '2025-02-30' is not a date: use YYYY-MM-DD"),
        (("add", "x", "--type", "fix"), "type 'fix' is not one of prevent / detect / mitigate"),
        (("add", "x", "--owner", "bob smith"), "owner 'bob smith' refused"),
        (("done", "one"), "N is the item's number"),
    ):
        result = run_warroom("action", *bad, env=env)
        assert result.returncode != 0 and message in result.stderr, (bad, result.stderr)
        assert "Traceback" not in result.stderr
    assert len(_ok(run_warroom("action", "list", env=env)).splitlines()) == 3


def test_postmortem_edit_in_a_fake_editor_on_a_terminal(run_warroom, home_env, tmp_path):
    """No TEXT on a terminal: $EDITOR opens on the current text; an unchanged edit records nothing."""
    env = build_incident(run_warroom, home_env, tmp_path)
    _ok(run_warroom("postmortem", "edit", "lucky", "- The rollback was rehearsed the week before.", env=env))
    editor = tmp_path / "fake-editor"
    seen = tmp_path / "seen.txt"
    # A fake editor: saves what it was given, then appends $APPEND (if any) to the file, the last argument.
    editor.write_text(
        f"#!{sys.executable}\n"
        "import os, shutil, sys\n"
        f"shutil.copy(sys.argv[-1], {str(seen)!r})\n"
        "if os.environ.get('APPEND'):\n"
        "    open(sys.argv[-1], 'a').write(os.environ['APPEND'] + '\\n')\n"
    )
    editor.chmod(0o700)

    def in_terminal(*args: str, append: str = "") -> tuple[int, str]:
        import pty

        controller, terminal = pty.openpty()
        full_env = {**home_env, **env, "EDITOR": f"{editor} --wait", "APPEND": append}
        try:
            done = subprocess.run(
                [str(warroom_executable()), *args],
                stdin=terminal,
                capture_output=True,
                text=True,
                env=full_env,
                timeout=60,
            )
        finally:
            os.close(terminal)
            os.close(controller)
        return done.returncode, done.stdout

    rc, out = in_terminal("postmortem", "edit", "lucky", append="- Traffic was low.")
    assert (rc, out) == (0, "INC-1 postmortem: What we got lucky on recorded\n")
    assert seen.read_text() == "- The rollback was rehearsed the week before.\n", "prefilled with the current text"
    printed = _ok(run_warroom("postmortem", env=env))
    assert "## What we got lucky on\n\n- The rollback was rehearsed the week before.\n- Traffic was low.\n" in printed
    rc, out = in_terminal("postmortem", "edit", "lucky")
    assert (rc, out) == (0, "INC-1 postmortem: What we got lucky on unchanged, nothing recorded\n")
    rc, out = in_terminal("postmortem", "edit", "summary")
    assert (rc, out) == (0, "INC-1 postmortem: Summary left as it was: the text is empty, nothing recorded\n")
    events = json.loads(_ok(run_warroom("show", "--json", env=env)))["timeline"]
    assert sum(1 for ev in events if ev["kind"] == Kind.POSTMORTEM_SECTION) == 2


def test_postmortem_due_five_business_days_after_resolution_across_a_weekend(run_warroom, home_env, tmp_path):
    """Resolved Friday 2025-03-07: due Friday 2025-03-14, the weekend skipped."""
    env = build_incident(run_warroom, home_env, tmp_path)
    monday = _ok(run_warroom("due", "--at", "2025-03-10T12:00:00Z", env=env))
    assert monday.endswith("\npostmortem for INC-1 due Fri 2025-03-14 (in 4 days)\n")
    saturday = _ok(run_warroom("due", "--at", "2025-03-08T12:00:00Z", env=env))
    assert "postmortem for INC-1 due Fri 2025-03-14 (in 6 days)" in saturday
    _ok(run_warroom("action", "add", "Page on checkout 5xx above 2%", env=env))
    later = _ok(run_warroom("due", "--at", "2025-03-16T12:00:00Z", env=env))
    assert "postmortem for INC-1 due Fri 2025-03-14 (overdue by 2 days, started)" in later
    # `warroom list` reads the real clock: under faketime, on the due day itself.
    faked = subprocess.run(
        [_faketime(), "-f", "@2025-03-14 09:00:00", str(warroom_executable()), "list"],
        env={**home_env, **env},
        capture_output=True,
        text=True,
    )
    assert _ok(faked).endswith("\n\npostmortem for INC-1 due Fri 2025-03-14 (today, started)\n")


def test_postmortem_hides_secrets_and_terminal_sequences_and_refuses_bad_input_in_one_line(run_warroom, tmp_path):
    env = {"WARROOM_DB": str(tmp_path / "s.db")}
    nothing = run_warroom("postmortem", env=env)
    assert (
        nothing.returncode != 0
        and nothing.stderr == "warroom: error: no incidents yet: nothing to write a postmortem for\n"
    )
    _ok(run_warroom("declare", "Payments down", "--sev", "2", env=env))
    _ok(run_warroom("note", "tried curl https://admin:hunter2@db.internal/health", env=env))
    _ok(
        run_warroom(
            "postmortem",
            "edit",
            "root-cause",
            "it sent Bearer sk-live-1234567890abcdef with \x1b[31mred\x1b[0m",
            env=env,
        )
    )
    _ok(run_warroom("action", "add", "Rotate the key behind https://ops:s3cr3t@vault.internal", env=env))
    for args in (("postmortem",), ("postmortem", "--check")):
        out = run_warroom(*args, env=env).stdout
        assert "INC-1" in out
        assert "hunter2" not in out and "sk-live-1234567890abcdef" not in out and "s3cr3t" not in out, out
        assert "\x1b" not in out
    for bad, message in (
        (("postmortem", "INC-9"), "INC-9"),
        (("postmortem", "1", "2"), "at most one incident id"),
        (("postmortem", "edit", "timeline", "x"), "unknown section 'timeline'"),
        (("postmortem", "done"), "INC-1 is still open: resolve it before closing its postmortem"),
    ):
        result = run_warroom(*bad, env=env)
        assert result.returncode != 0 and message in result.stderr and len(result.stderr.splitlines()) == 1, result
