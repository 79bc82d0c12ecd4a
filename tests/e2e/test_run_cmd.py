"""`warroom run -- ARGV...` through the installed `warroom` command: the command's output and exit
code pass through unchanged, and the run is recorded on the incident with secrets hidden."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import warroom_executable


def _runs(run_warroom) -> list[dict]:
    shown = json.loads(run_warroom("show", "--json").stdout)
    return [e for e in shown["timeline"] if e["kind"] == "command.run"]


def test_output_and_exit_code_pass_through_and_the_run_is_recorded(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    r = run_warroom("run", "--as", "bob", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3")
    assert r.returncode == 3
    assert r.stdout == "hi\n"
    assert r.stderr.startswith("oops\n")  # then warroom's one line saying it was recorded
    (ev,) = _runs(run_warroom)
    assert ev["actor"] == "bob"
    p = ev["payload"]
    assert p["argv"] == ["sh", "-c", "echo hi; echo oops >&2; exit 3"]
    assert p["exit_code"] == 3
    assert 0 <= p["duration_s"] < 30
    assert p["output"] == "hi\noops"
    assert "exit 3" in run_warroom("show").stdout


def test_output_tail_keeps_the_last_lines(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    r = run_warroom("run", "--", sys.executable, "-c", "for i in range(1000): print(i)")
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "999" and len(r.stdout.splitlines()) == 1000
    (ev,) = _runs(run_warroom)
    lines = ev["payload"]["output"].splitlines()
    assert lines[-1] == "999" and len(lines) == 40
    assert ev["payload"]["lines_cut"] == 960


def test_secrets_are_hidden_in_the_record(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    r = run_warroom("run", "--", "echo", "--token=s3cr3t", "https://u:p4ss@host/x", "--password", "hunter22")
    assert r.returncode == 0
    assert r.stdout == "--token=s3cr3t https://u:p4ss@host/x --password hunter22\n"  # the terminal sees it as is
    (ev,) = _runs(run_warroom)
    assert ev["payload"]["argv"] == ["echo", "--token=***", "https://***@host/x", "--password", "***"]
    everything = run_warroom("show", "--json").stdout + run_warroom("show").stdout
    for secret in ("s3cr3t", "p4ss", "hunter22"):
        assert secret not in everything


def test_a_command_that_cannot_start_is_127_and_recorded(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    r = run_warroom("run", "--", "no-such-command-zz9")
    assert r.returncode == 127
    assert r.stderr.splitlines()[0] == "warroom: no-such-command-zz9: command not found"
    (ev,) = _runs(run_warroom)
    assert ev["payload"]["exit_code"] == 127 and ev["payload"]["error"] == "command not found"


def test_no_open_incident_refuses_without_running(run_warroom, tmp_path):
    marker = tmp_path / "ran"
    r = run_warroom("run", "--", "touch", str(marker))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "no open incident" in r.stderr
    assert not marker.exists()


def test_interrupt_is_passed_on_and_recorded_as_130(run_warroom, home_env, tmp_path):
    run_warroom("declare", "x", "--sev", "3")
    proc = subprocess.Popen(
        [
            str(warroom_executable()),
            "run",
            "--",
            sys.executable,
            "-c",
            "import time; print('up', flush=True); time.sleep(30)",
        ],
        env=home_env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "up\n"
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGINT)  # only warroom gets it: it must pass it on to the command
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    (ev,) = _runs(run_warroom)
    assert ev["payload"]["exit_code"] == 130 and ev["payload"]["interrupted"] is True
    assert ev["payload"]["output"].startswith("up")


def test_the_configs_env_values_are_hidden_in_the_record(run_warroom, tmp_path):
    (tmp_path / "warroom.toml").write_text(
        '[[probe]]\nname = "api"\nurl = "https://api.example.com/health"\nheaders = { X-Check = "${CHECK_VALUE}" }\n'
    )
    env = {"CHECK_VALUE": "plainvalue42"}
    assert run_warroom("declare", "x", "--sev", "3", env=env).returncode == 0
    r = run_warroom("run", "--", "echo", "value is plainvalue42", env=env)
    assert r.returncode == 0 and r.stdout == "value is plainvalue42\n", r.stderr
    (ev,) = _runs(run_warroom)
    assert ev["payload"]["argv"] == ["echo", "value is ***"]
    assert ev["payload"]["output"] == "value is ***"
