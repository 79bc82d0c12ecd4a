"""`warroom mitigate [NAME] [--yes]` through the installed command: the options in the playbook's
order (suspect deploys from a real git repository first), the confirmation, capture first, real
scripts that succeed, fail, time out or cannot start, the `mitigation` event with its secrets
hidden, "Users okay?" and read-only mode."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import warroom_executable
from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.signals import Sample
from warroom.store.sync import EventStore


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def toml_list(argv: list[str]) -> str:
    return json.dumps(argv)


def configure(tmp_path: Path, *entries: tuple[str, str, list[str], list[str] | None, float], extra: str = "") -> None:
    """warroom.toml in the test's working directory: one [[mitigation]] per (name, kind, argv, capture, timeout)."""
    text = extra
    for name, kind, argv, capture, timeout in entries:
        text += f'\n[[mitigation]]\nname = "{name}"\nkind = "{kind}"\nargv = {toml_list(argv)}\ntimeout = {timeout}\n'
        if capture:
            text += f"capture_argv = {toml_list(capture)}\n"
    (tmp_path / "warroom.toml").write_text(text)


def timeline(run_warroom) -> list[dict]:
    shown = run_warroom("show", "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)["timeline"]


def of_kind(run_warroom, kind: str) -> list[dict]:
    return [e for e in timeline(run_warroom) if e["kind"] == kind]


def assert_gone(pid: int) -> None:
    """The process is gone (or a zombie waiting for init): its process group was killed."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split()[2] == "Z":
                    return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    raise AssertionError(f"the sleeping child {pid} is still running")


def no_traceback(*outputs: str) -> None:
    for out in outputs:
        assert "Traceback" not in out, out


def test_confirmation_n_eof_y_and_yes(run_warroom, tmp_path):
    marker = tmp_path / "ran"
    restart = script(tmp_path, "restart.sh", f'echo run >> {marker}\necho "worker restarted"\n')
    configure(tmp_path, ("restart worker", "restart", [restart], None, 10))
    run_warroom("declare", "checkout down", "--sev", "2")

    for answer in ("n\n", "", "maybe\n"):  # no, EOF, anything else: nothing runs, nothing recorded
        r = run_warroom("mitigate", "restart worker", input=answer)
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"$ {restart}" in r.stdout and "Run? [y/N]" in r.stdout and "Not run; nothing recorded." in r.stdout
        assert not marker.exists() and of_kind(run_warroom, Kind.MITIGATION) == []

    r = run_warroom("mitigate", "RESTART worker", "--as", "bob", input="y\ny\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "worker restarted" in r.stdout and "Users okay? [y/N]" in r.stdout
    assert marker.read_text() == "run\n"
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    assert ev["actor"] == "bob"
    assert ev["payload"]["name"] == "restart worker" and ev["payload"]["output"] == "worker restarted"
    assert ev["text"].startswith(f'mitigation restart "restart worker": $ {restart} → exit 0 in ')
    (mitigated,) = of_kind(run_warroom, Kind.MITIGATED)
    assert mitigated["payload"]["text"] == "restart worker" and mitigated["actor"] == "bob"

    # --yes skips "Run?" only: "Users okay?" is a human judgement, unanswered means not recorded.
    r = run_warroom("mitigate", "restart worker", "--yes", input="")
    assert r.returncode == 0 and "Run? [y/N]" not in r.stdout
    assert "Users okay? [y/N]" in r.stdout and 'warroom mitigated "restart worker"' in r.stdout
    assert marker.read_text() == "run\nrun\n"
    assert len(of_kind(run_warroom, Kind.MITIGATION)) == 2 and len(of_kind(run_warroom, Kind.MITIGATED)) == 1


def test_failure_keeps_exit_3_and_capture_runs_first_with_its_output_stored(run_warroom, tmp_path):
    state = tmp_path / "state"
    capture = script(tmp_path, "capture.sh", f'echo "3 pods, 2 ready"\necho captured > {state}\n')
    fail = script(tmp_path, "flag.sh", f'test -f {state} || exit 9\necho "flag service refused" >&2\nexit 3\n')
    configure(tmp_path, ("checkout flag off", "flag", [fail], [capture], 10))
    run_warroom("declare", "checkout down", "--sev", "2")
    r = run_warroom("mitigate", "checkout flag off", "--yes")
    assert r.returncode == 3, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines.index(f"$ {capture}") < lines.index("3 pods, 2 ready") < lines.index(f"$ {fail}")
    assert "flag service refused" in lines and "exit 3" in r.stdout
    assert "Users okay?" not in r.stdout  # the command failed: not the moment to declare it mitigated
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    p = ev["payload"]
    assert (p["kind"], p["exit_code"], p["timed_out"], p["output"]) == ("flag", 3, False, "flag service refused")
    assert p["capture_argv"] == [capture] and p["capture_output"] == "3 pods, 2 ready" and p["capture_exit_code"] == 0
    assert of_kind(run_warroom, Kind.MITIGATED) == []


def test_timeout_kills_the_command_and_its_sleeping_child(run_warroom, tmp_path):
    pid_file = tmp_path / "child.pid"
    hang = script(tmp_path, "failover.sh", f'echo "switching"\nsleep 300 &\necho $! > {pid_file}\nwait\n')
    configure(tmp_path, ("fail over", "failover", [hang], None, 1))
    run_warroom("declare", "x", "--sev", "2")
    started = time.monotonic()
    r = run_warroom("mitigate", "fail over", "--yes")
    assert time.monotonic() - started < 20
    assert r.returncode == 124, r.stdout + r.stderr
    assert "switching" in r.stdout and "timed out" in r.stdout
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    assert ev["payload"]["timed_out"] is True and ev["payload"]["exit_code"] is None
    assert "timed out" in ev["text"]
    assert_gone(int(pid_file.read_text()))


def test_a_command_not_on_path_is_one_clear_line_exit_127_and_recorded(run_warroom, tmp_path):
    configure(tmp_path, ("block bots", "block", ["no-such-waf-ctl", "add"], None, 10))
    run_warroom("declare", "x", "--sev", "2")
    r = run_warroom("mitigate", "block bots", "--yes")
    assert r.returncode == 127
    assert "could not start: command not found: no-such-waf-ctl" in r.stdout
    no_traceback(r.stdout, r.stderr)
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    assert ev["payload"]["exit_code"] is None and ev["payload"]["error"] == "command not found: no-such-waf-ctl"


def test_secrets_are_hidden_in_the_event_and_the_terminal(run_warroom, tmp_path):
    tool = script(tmp_path, "flagctl", 'echo "called with $*"\necho "key=$FLAG_KEY"\n')
    argv = [tool, "--token=s3cr3tTOKEN", "password=hunter22x", "https://ops:p4ssw0rd@flags.example.com", "${FLAG_KEY}"]
    configure(tmp_path, ("flag off", "flag", argv, [tool, "Authorization: Bearer abcdefgh123"], 10))
    run_warroom("declare", "x", "--sev", "2")
    env = {"FLAG_KEY": "envSECRETvalue99"}
    r = run_warroom("mitigate", "flag off", "--yes", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    p = ev["payload"]
    assert p["argv"] == [tool, "--token=***", "password=***", "https://***@flags.example.com", "${FLAG_KEY}"]
    assert p["capture_argv"] == [tool, "Authorization: ***"]
    everything = r.stdout + r.stderr + run_warroom("show", "--json").stdout + run_warroom("show").stdout
    for secret in ("s3cr3tTOKEN", "hunter22x", "p4ssw0rd", "envSECRETvalue99", "abcdefgh123"):
        assert secret not in everything, secret


def test_readonly_turns_mitigations_off(run_warroom, tmp_path):
    marker = tmp_path / "ran"
    restart = script(tmp_path, "restart.sh", f"echo run > {marker}\n")
    configure(tmp_path, ("restart worker", "restart", [restart], None, 10))
    run_warroom("declare", "x", "--sev", "2")
    for flags in (("--readonly",), ("--readonly", "--yes")):
        r = run_warroom(*flags, "mitigate", "restart worker", input="y\ny\n")
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr == (
            "warroom: error: mitigations are off: read-only (--readonly or [ui] readonly = true); nothing run\n"
        )
    listing = run_warroom("mitigate", "--readonly")
    assert listing.returncode == 0 and listing.stdout.startswith("Mitigations are off: read-only")
    assert "restart worker" in listing.stdout and "Run one:" not in listing.stdout
    # [ui] readonly = true in the file is the same switch.
    configure(tmp_path, ("restart worker", "restart", [restart], None, 10), extra="[ui]\nreadonly = true\n")
    r = run_warroom("mitigate", "restart worker", "--yes")
    assert r.returncode == 2 and "mitigations are off" in r.stderr
    assert not marker.exists() and of_kind(run_warroom, Kind.MITIGATION) == []


def test_unknown_name_lists_the_names_and_no_incident_runs_nothing(run_warroom, tmp_path):
    marker = tmp_path / "ran"
    restart = script(tmp_path, "restart.sh", f"echo run > {marker}\n")
    configure(tmp_path, ("restart worker", "restart", [restart], None, 10), ("flag off", "flag", ["true"], None, 10))
    r = run_warroom("mitigate", "restart worker", "--yes")
    assert r.returncode == 2 and "no open incident" in r.stderr and not marker.exists()
    run_warroom("declare", "x", "--sev", "2")
    r = run_warroom("mitigate", "reboot", "--yes")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (
        'warroom: error: no mitigation named \'reboot\': the options are "flag off", "restart worker"\n'
    )


def test_users_okay_shows_probes_and_error_rate_from_the_record(run_warroom, tmp_path, home_env):
    configure(tmp_path, ("restart worker", "restart", ["true"], None, 10))
    run_warroom("declare", "x", "--sev", "2")
    db = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    now = datetime.now(UTC)
    down = dict(status_code=503, elapsed=0.2, failure="status", error=None, previous="up", failures=3)
    with EventStore.open(db) as store:
        (incident_id,) = store.open_incident_ids()
        for probe in ("api", "search"):
            payload = catalogue.probe_down(probe=probe, first_failure_at=None, **down)  # type: ignore[arg-type]
            store.append(incident_id, Kind.PROBE_DOWN, payload, actor="warroom", at=now - timedelta(minutes=5))
        up = catalogue.probe_up(
            probe="api", status_code=200, elapsed=0.1, down_seconds=240.0, down_since=None, first_success_at=None
        )
        store.append(incident_id, Kind.PROBE_UP, up, actor="warroom", at=now - timedelta(minutes=1))
        store.add_samples(
            incident_id,
            [
                Sample("log.api.per_min", 120.0, now - timedelta(minutes=3)),
                Sample("log.api.per_min", 4.0, now - timedelta(minutes=1)),
            ],
        )
    r = run_warroom("mitigate", "restart worker", "--yes", input="n\n")
    assert r.returncode == 0
    after = r.stdout[r.stdout.index("Confirm metrics, not the mitigation") :]
    assert "probe api: UP since " in after and "✖ probe search: DOWN since " in after
    assert "log api errors: 4/min at " in after and "120/min" not in after
    assert "Mitigated milestone not recorded" in after and of_kind(run_warroom, Kind.MITIGATED) == []


def git(repo: Path, *args: str, at: datetime | None = None) -> str:
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="dave",
        GIT_AUTHOR_EMAIL="dave@example.com",
        GIT_COMMITTER_NAME="dave",
        GIT_COMMITTER_EMAIL="dave@example.com",
    )
    if at is not None:
        env.update(GIT_AUTHOR_DATE=at.isoformat(), GIT_COMMITTER_DATE=at.isoformat())
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def test_suspect_deploys_from_git_are_listed_first_and_roll_back_by_sha(run_warroom, tmp_path):
    repo = tmp_path / "api"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "ops")  # the revert is committed by whoever runs it
    git(repo, "config", "user.email", "ops@example.com")
    detected = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    shas = {}
    for name, minutes in (("base", 90), ("pool", 25), ("retry", 12)):
        (repo / f"{name}.txt").write_text(name + "\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"change {name}", at=detected - timedelta(minutes=minutes))
        shas[name] = git(repo, "rev-parse", "HEAD").strip()
    configure(
        tmp_path,
        ("block bots", "block", ["true"], None, 10),
        ("checkout flag off", "flag", ["true"], None, 10),
        extra=f'[[deploys]]\nname = "api"\nkind = "git"\nrepo = "{repo}"\n',
    )
    # Without an incident there is no detection time, so no suspects yet.
    before = run_warroom("mitigate")
    assert before.returncode == 0 and "Roll back" not in before.stdout and "checkout flag off" in before.stdout
    run_warroom("declare", "checkout down", "--sev", "1", "--detected-at", detected.strftime("%Y-%m-%dT%H:%M:%SZ"))
    r = run_warroom("mitigate")
    assert r.returncode == 0, r.stderr
    names = [line.split("  [")[0].strip() for line in r.stdout.splitlines() if "  [" in line]
    assert names == [
        f"rollback api {shas['retry'][:7]}",
        f"rollback api {shas['pool'][:7]}",
        "checkout flag off",
        "block bots",
    ]
    assert f"Roll back api {shas['retry'][:7]} (deployed 12 min before detection)" in r.stdout
    assert f"$ git -C {repo} revert --no-edit {shas['retry']}" in r.stdout

    done = run_warroom("mitigate", shas["retry"][:7], "--yes", input="y\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (repo / "retry.txt").exists() and (repo / "pool.txt").exists()
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    assert ev["payload"]["origin"] == "suspect" and ev["payload"]["name"] == f"rollback api {shas['retry'][:7]}"
    (mitigated,) = of_kind(run_warroom, Kind.MITIGATED)
    assert mitigated["payload"]["text"] == f"Roll back api {shas['retry'][:7]} (deployed 12 min before detection)"


def test_config_check_accepts_action_and_mitigation_sections(run_warroom, tmp_path):
    (tmp_path / "warroom.toml").write_text(
        '[[action]]\nname = "restart worker"\nkind = "restart"\n'
        'argv = ["kubectl", "-n", "payments", "rollout", "restart", "deploy/worker"]\n'
        'capture_argv = ["kubectl", "-n", "payments", "describe", "deploy/worker"]\ntimeout = 60\n\n'
        '[[mitigation]]\nname = "checkout flag off"\nkind = "flag"\n'
        'argv = ["flagctl", "set", "checkout.new_sdk", "off"]\ntimeout = 20\n'
    )
    r = run_warroom("config", "check")
    assert r.returncode == 0 and "2 mitigations" in r.stdout, r.stdout + r.stderr
    listing = run_warroom("mitigate")
    assert "checkout flag off  [flag: Flip a feature flag]" in listing.stdout
    assert "capture first: $ kubectl -n payments describe deploy/worker" in listing.stdout
    (tmp_path / "warroom.toml").write_text('[[mitigation]]\nname = "m"\nkind = "flag"\nargv = ["x"]\ntimout = 5\n')
    bad = run_warroom("config", "check")
    assert bad.returncode == 1
    assert "warroom.toml:5: [[mitigation]] #1 \"m\": key 'timout' is unknown; did you mean 'timeout'?" in bad.stderr


def test_ctrl_c_stops_the_command_and_the_stop_is_recorded(run_warroom, home_env, tmp_path):
    pid_file = tmp_path / "child.pid"
    drain = script(tmp_path, "drain.sh", f'sleep 300 &\necho $! > {pid_file}\necho "draining"\nwait\n')
    configure(tmp_path, ("drain node", "restart", [drain], None, 60))
    run_warroom("declare", "x", "--sev", "2")
    proc = subprocess.Popen(
        [str(warroom_executable()), "mitigate", "drain node", "--yes"],
        env=home_env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "draining":
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, out + err
    assert "interrupted after" in out and "Users okay?" not in out
    no_traceback(out, err)
    (ev,) = of_kind(run_warroom, Kind.MITIGATION)
    assert ev["payload"]["interrupted"] is True and ev["payload"]["exit_code"] is None
    assert "→ interrupted" in ev["text"]
    assert_gone(int(pid_file.read_text()))
