"""`warroom snapshot`: every configured source once, readable, recording nothing."""

from __future__ import annotations

import json
import subprocess

from tests.support.http_server import TestHTTPServer


def test_snapshot_prints_each_source_readably_and_records_nothing(tmp_path, run_warroom):
    log = tmp_path / "app.log"
    log.write_text("2026-11-26T03:00:00Z ERROR db timeout\n")
    repo = tmp_path / "repo"
    git_env = {
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@x",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@x",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=git_env)
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "[@click=app.quit]x[/] deploy"],
        check=True,
        env=git_env,
    )
    with TestHTTPServer() as srv:
        srv.set_status_page("major", components=[("Card API", "major_outage")])
        cfg = tmp_path / "warroom.toml"
        cfg.write_text(
            f'[[probe]]\nname = "ok"\nurl = "{srv.url("/health")}"\n\n'
            f'[[probe]]\nname = "broken"\nurl = "{srv.url("/503")}"\n\n'
            f'[[statuspage]]\nname = "upstream"\nurl = "{srv.url("/api/v2/summary.json")}"\n\n'
            f'[[log]]\nname = "app"\npath = "{log}"\nbackfill = "100d"\n\n'
            f'[[deploys]]\nname = "app"\nkind = "git"\nrepo = "{repo}"\n\n'
            f'[[command]]\nname = "echo"\nargv = ["echo", "hello \\u001b]52;c;aGk=\\u0007pane"]\n'
        )
        env = {"WARROOM_CONFIG": str(cfg), "WARROOM_DB": str(tmp_path / "w.db")}
        run_warroom("declare", "x", "--sev", "2", env=env)
        before = json.loads(run_warroom("show", "--json", env=env).stdout)["timeline"]
        text = run_warroom("snapshot", env=env)
        as_json = run_warroom("snapshot", "--json", env=env)
    assert text.returncode == 1  # the 503 probe is a failing source
    out = text.stdout
    assert "== probe:ok" in out and "status=200 time=" in out
    assert "status=503" in out and "ProbeResult(" not in out
    assert "major: " in out and "Card API: major_outage" in out
    assert "== log:app" in out and "db timeout" in out
    assert "[@click=app.quit]x[/] deploy" in out  # literal text, nothing interpreted
    assert "\x1b" not in out and "hello pane" in out
    keys = {item["key"]: item for item in json.loads(as_json.stdout)}
    assert keys["probe:ok"]["snapshot"]["status_code"] == 200
    assert keys["statuspage:upstream"]["snapshot"]["indicator"] == "major"
    after = json.loads(run_warroom("show", "--json", env=env).stdout)["timeline"]
    assert after == before  # a snapshot records nothing
