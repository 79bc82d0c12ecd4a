"""Command panes: real subprocesses, their exit codes, timeouts, hostile output and pinning."""

import os
import sys
from datetime import UTC, datetime

from warroom.config.model import CommandConfig
from warroom.domain.events import Kind
from warroom.domain.evidence import evidence_from_snapshot
from warroom.sources.commands import MAX_LINES, CommandSource

NOW = datetime(2026, 11, 26, 3, 12, 9, tzinfo=UTC)
PY = sys.executable


def pane(argv, timeout=5.0, name="long queries"):
    return CommandSource(CommandConfig(name=name, argv=tuple(argv), interval=15, timeout=timeout))


async def test_output_exit_code_and_duration():
    src = pane([PY, "-c", "print('pid | age'); print('42  | 00:03:10'); import sys; sys.exit(3)"])
    assert (src.key, src.kind, src.interval) == ("command:long queries", "command", 15)
    out = await src.collect(NOW)
    assert out.exit_code == 3 and out.error is None and not out.ok
    assert out.stdout == "pid | age\n42  | 00:03:10"
    assert 0 < out.duration < 30
    assert out.taken_at == NOW
    assert out.command_line.startswith(PY) and "sys.exit(3)" in out.command_line
    assert out.as_text().splitlines()[1] == f"exit 3 in {out.duration:.2f}s at 2026-11-26 03:12:09 UTC"


async def test_timeout_kills_the_command_and_its_children(tmp_path):
    pidfile = tmp_path / "pids"
    # a shell that starts a grandchild sleeper, then sleeps itself
    script = f"sleep 30 & echo $! > {pidfile}; echo $$ >> {pidfile}; wait"
    out = await pane(["sh", "-c", script], timeout=0.5).collect(NOW)
    assert out.error == "timed out after 0.5s"
    assert out.exit_code is None
    assert out.duration < 10  # nowhere near the 30 s the command wanted
    for pid in map(int, pidfile.read_text().split()):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        # still in the table only as a zombie nobody reaped (its parent was killed too)
        with open(f"/proc/{pid}/stat") as f:
            assert f.read().split(") ")[1][0] == "Z", f"process {pid} is still running"
    assert "timed out after 0.5s at 2026-11-26 03:12:09 UTC" in out.as_text()


async def test_plain_sleep_times_out_quickly():
    out = await pane(["sleep", "30"], timeout=0.5).collect(NOW)
    assert (out.error, out.exit_code) == ("timed out after 0.5s", None)
    assert out.duration < 10


async def test_missing_binary():
    out = await pane(["psql-not-installed", "-XAtc", "SELECT 1"]).collect(NOW)
    assert out.error == "command not found: psql-not-installed"
    assert out.as_text() == (
        "$ psql-not-installed -XAtc 'SELECT 1'\ncommand not found: psql-not-installed at 2026-11-26 03:12:09 UTC"
    )


async def test_hostile_output_is_stripped_and_markup_stays_literal():
    hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m [bold]x[/bold] [@click=app.quit]q[/]\r\nnext\x07\n"
    out = await pane(
        [PY, "-c", f"import sys; sys.stdout.write({hostile!r}); sys.stderr.write('\\x1b[1mwarn\\n')"]
    ).collect(NOW)
    assert out.stdout == "red [bold]x[/bold] [@click=app.quit]q[/]\nnext"
    assert out.stderr_tail == "warn"
    assert "\x1b" not in out.as_text() and "\x07" not in out.as_text()


async def test_long_output_keeps_the_top_lines_and_counts_the_rest():
    out = await pane(["seq", "1", "1000"]).collect(NOW)
    lines = out.stdout.split("\n")
    assert len(lines) == MAX_LINES and lines[0] == "1" and lines[-1] == str(MAX_LINES)
    assert out.more_lines == 1000 - MAX_LINES
    assert f"[… {1000 - MAX_LINES} more lines]" in out.as_text()


async def test_stderr_tail_and_credentials_redacted():
    code = (
        "import sys; print('conn postgres://app:hunter2pw@db:5432/pay');"
        "sys.stderr.write(''.join(f'err {i}\\n' for i in range(9)))"
    )
    out = await pane([PY, "-c", code]).collect(NOW)
    assert "hunter2pw" not in out.stdout and "postgres://***@db:5432/pay" in out.stdout
    assert out.stderr_tail == "err 4\nerr 5\nerr 6\nerr 7\nerr 8"
    assert out.exit_code == 0 and out.ok


async def test_pinning_a_pane_records_command_exit_time_and_output():
    src = pane([PY, "-c", "print('42 | 00:03:10 | active | UPDATE accounts')"])
    out = await src.collect(NOW)
    ev = evidence_from_snapshot("long queries", out, source_kind="command")
    assert ev.kind == Kind.EVIDENCE
    assert ev.text == 'pinned command "long queries" (exit 0 at 03:12:09 UTC)'
    assert ev.payload["command"] == out.command_line
    assert ev.payload["exit_code"] == 0
    assert ev.payload["at"] == "2026-11-26T03:12:09.000000Z"
    assert "42 | 00:03:10 | active | UPDATE accounts" in ev.payload["output"]
    timed_out = await pane(["sleep", "5"], timeout=0.2, name="db").collect(NOW)
    ev = evidence_from_snapshot("db", timed_out, source_kind="command")
    assert ev.text == 'pinned command "db" (timed out after 0.2s at 03:12:09 UTC)'


async def test_large_output_pinned_is_capped():
    out = await pane(["seq", "1", "5000"]).collect(NOW)
    ev = evidence_from_snapshot("numbers", out, source_kind="command", cap=500)
    body, marker = ev.payload["output"].rsplit("\n", 1)
    assert len(body) <= 500
    assert marker.startswith("[… ") and marker.endswith(" more lines]")
