"""Running a mitigation with real scripts: output streamed line by line as it arrives, capture first,
exit codes, a timeout that kills the whole process group, a command that cannot start, and the
event recorded in a real SQLite file with its secrets hidden."""

from __future__ import annotations

import os
import time
from pathlib import Path

from warroom.domain.events import Kind
from warroom.domain.mitigation import MitigationOption
from warroom.services.mitigation_run import record_mitigation, record_mitigation_async, run_mitigation
from warroom.store.aio import AsyncEventStore
from warroom.store.sync import EventStore


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def option(argv: list[str], *, capture: list[str] | None = None, timeout: float = 10.0, kind: str = "restart"):
    return MitigationOption(
        name="restart worker",
        kind=kind,
        argv=tuple(argv),
        timeout=timeout,
        title="restart worker",
        origin="config",
        capture_argv=tuple(capture or ()),
    )


async def test_lines_stream_as_they_arrive_and_capture_runs_first(tmp_path):
    marker = tmp_path / "captured"
    capture = script(tmp_path, "capture.sh", f'echo "pods: 3 ready"\necho state > {marker}\n')
    # The mitigation only succeeds if the capture already ran (it checks the capture's marker).
    restart = script(
        tmp_path,
        "restart.sh",
        f'test -f {marker} || exit 9\necho "restarting"\nsleep 0.5\necho "\\033[31mdone\\033[0m" >&2\n',
    )
    seen: list[tuple[float, str]] = []
    started = time.monotonic()
    outcome = await run_mitigation(
        option([restart], capture=[capture]), on_line=lambda line: seen.append((time.monotonic() - started, line))
    )
    assert outcome.ok and outcome.exit_code == 0 and not outcome.timed_out
    assert [line for _, line in seen] == [f"$ {capture}", "pods: 3 ready", f"$ {restart}", "restarting", "done"]
    assert seen[3][0] < seen[4][0] - 0.3, "the first line arrived before the command ended"
    assert outcome.output == "restarting\n\x1b[31mdone\x1b[0m"  # the record keeps it as printed; screens clean it
    assert outcome.capture is not None and outcome.capture_output == "pods: 3 ready" and outcome.capture.exit_code == 0
    assert 0.4 < outcome.duration_s < 5
    assert outcome.describe().startswith("exit 0 in ")


async def test_a_failure_keeps_its_exit_code_and_output(tmp_path):
    fail = script(tmp_path, "fail.sh", 'echo "flag service refused" >&2\nexit 3\n')
    outcome = await run_mitigation(option([fail]))
    assert (outcome.exit_code, outcome.ok, outcome.output) == (3, False, "flag service refused")
    assert outcome.describe().startswith("exit 3 in ")


async def test_a_timeout_kills_the_command_and_its_sleeping_child(tmp_path):
    pid_file = tmp_path / "child.pid"
    hang = script(tmp_path, "hang.sh", f'echo "draining"\nsleep 300 &\necho $! > {pid_file}\nwait\n')
    started = time.monotonic()
    outcome = await run_mitigation(option([hang], timeout=1.0))
    assert time.monotonic() - started < 6
    assert outcome.timed_out and outcome.exit_code is None and outcome.output == "draining"
    assert outcome.describe().startswith("timed out after ")
    child = int(pid_file.read_text())
    for _ in range(50):  # the group was killed: the sleeping child is gone too (reaped by init)
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{child}/stat") as f:
            if f.read().split()[2] == "Z":
                break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the sleeping child {child} is still alive")


async def test_a_command_not_on_path_is_an_outcome_not_a_traceback(tmp_path):
    lines: list[str] = []
    outcome = await run_mitigation(option(["no-such-flagctl-xyz", "off"]), on_line=lines.append)
    assert outcome.exit_code is None and not outcome.timed_out
    assert outcome.error == "command not found: no-such-flagctl-xyz"
    assert outcome.describe() == "could not start: command not found: no-such-flagctl-xyz"


async def test_the_event_is_recorded_with_secrets_hidden_through_both_stores(tmp_path, monkeypatch):
    monkeypatch.setenv("FLAG_API_KEY", "envSECRETvalue99")
    tool = script(
        tmp_path, "flagctl", 'echo "using $1 $2"\necho "key=$FLAG_API_KEY"\necho "Authorization: Bearer abcdefgh123"\n'
    )
    opt = option(
        [tool, "--token=s3cr3tTOKEN", "https://ops:p4ssw0rd@flags.example.com", "${FLAG_API_KEY}"],
        capture=[tool, "password=hunter22x"],
        kind="flag",
    )
    lines: list[str] = []
    outcome = await run_mitigation(opt, on_line=lines.append, secrets=["envSECRETvalue99"])
    assert outcome.ok
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        declared = store.declare("x", 2, actor="alice")
        ev = record_mitigation(store, declared.incident_id, opt, outcome, actor="bob")
        assert ev is not None and ev.kind == Kind.MITIGATION
        stored = store.events(declared.incident_id)[-1]
    astore = await AsyncEventStore.open(db)
    try:
        again = await record_mitigation_async(astore, declared.incident_id, opt, outcome, actor="carol")
        assert again is not None and again.payload == stored.payload
    finally:
        await astore.close()
    p = stored.payload
    assert p["kind"] == "flag" and p["name"] == "restart worker" and p["exit_code"] == 0
    assert p["argv"] == [tool, "--token=***", "https://***@flags.example.com", "${FLAG_API_KEY}"]
    assert p["capture_argv"] == [tool, "password=***"]
    everything = repr(p) + "\n".join(lines)
    for secret in ("s3cr3tTOKEN", "p4ssw0rd", "hunter22x", "envSECRETvalue99", "abcdefgh123"):
        assert secret not in everything, secret
    assert "key=***" in p["output"] and "Authorization: ***" in p["output"]


async def test_a_line_that_never_ends_is_shown_anyway_and_a_broken_display_stops_nothing(tmp_path):
    bar = script(
        tmp_path,
        "bar.sh",
        "i=0; while [ $i -lt 2000 ]; do printf '##########################################'; i=$((i+1)); done; sleep 0.2; echo; echo end\n",
    )
    lines: list[str] = []
    outcome = await run_mitigation(option([bar]), on_line=lines.append)
    assert outcome.ok and lines[-1] == "end"
    assert len(lines) >= 3 and lines[1].startswith("####")  # cut at the cap, not held to the end

    def broken(_line: str) -> None:
        raise RuntimeError("the screen went away")

    done = await run_mitigation(option([bar]), on_line=broken)
    assert done.ok and done.output.endswith("end")
