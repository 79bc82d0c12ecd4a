"""The one command runner: argv without a shell, timeouts, missing tools, secrets from ${ENV}."""

import sys
import time

import pytest

from warroom.runner import run_argv, run_argv_sync


async def test_runs_argv_without_a_shell():
    r = await run_argv([sys.executable, "-c", "import sys; print(sys.argv[1])", "$(whoami); echo hi"], timeout=10)
    assert r.ok and r.stdout.decode().strip() == "$(whoami); echo hi"


async def test_missing_tool_and_timeout_are_errors_not_exceptions():
    r = await run_argv(["definitely-not-a-tool-xyz", "x"], timeout=5)
    assert r.exit_code is None and r.error == "command not found: definitely-not-a-tool-xyz"
    assert "definitely-not-a-tool-xyz x: command not found" in r.describe_failure()
    start = time.monotonic()
    r = await run_argv(["sleep", "30"], timeout=0.3)
    assert r.error == "timed out after 0.3s" and time.monotonic() - start < 5


def test_env_references_expand_at_use_and_never_show(monkeypatch):
    monkeypatch.setenv("WR_TEST_TOKEN", "s3cr3t-value-42")
    r = run_argv_sync(
        [sys.executable, "-c", "import sys; print('token=' + sys.argv[1])", "${WR_TEST_TOKEN}"], timeout=10
    )
    assert r.ok
    assert b"s3cr3t-value-42" not in r.stdout and r.stdout.strip() == b"token=***"
    assert "${WR_TEST_TOKEN}" in r.command_line and "s3cr3t" not in r.command_line


@pytest.mark.parametrize("sync", [True, False])
async def test_unset_variable_is_named(sync, monkeypatch):
    monkeypatch.delenv("WR_NOT_SET", raising=False)
    argv = [sys.executable, "-c", "pass", "${WR_NOT_SET}"]
    r = run_argv_sync(argv, timeout=5) if sync else await run_argv(argv, timeout=5)
    assert r.error == "environment variable WR_NOT_SET is not set"


async def test_output_printed_before_a_timeout_is_kept():
    code = "import sys, time; print('partial row', flush=True); time.sleep(30)"
    r = await run_argv([sys.executable, "-c", code], timeout=1.0)
    assert r.error == "timed out after 1s"
    assert r.stdout.strip() == b"partial row"


async def test_stdin_is_fed():
    r = await run_argv(
        [sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"], timeout=10, stdin=b"draft"
    )
    assert r.ok and r.stdout.strip() == b"DRAFT"
