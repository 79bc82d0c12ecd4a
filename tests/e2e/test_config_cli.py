"""`warroom config check|show|path` through the installed command, in a private HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.unit.config.config_helpers import EXAMPLE

SUMMARY = "OK — 2 probes, 1 status page, 2 logs, 2 deploy sources, resources on, 1 command, 2 mitigations, 1 notify"


def no_traceback(*outputs: str) -> None:
    for out in outputs:
        assert "Traceback" not in out, out


def test_example_config_in_the_current_directory_checks_ok(run_warroom, tmp_path: Path):
    shutil.copy(EXAMPLE, tmp_path / "warroom.toml")
    env = {"CHECKOUT_TOKEN": "abc", "SLACK_INCIDENT_WEBHOOK": "https://hooks.example.com/x"}
    r = run_warroom("config", "check", env=env)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == f"warroom.toml: {SUMMARY}\n"
    # `warroom config` alone is the check, and the path is the one in the current directory.
    assert run_warroom("config", env=env).stdout == r.stdout
    assert run_warroom("config", "path").stdout.strip() == str(tmp_path / "warroom.toml")


def test_problems_go_to_stderr_one_a_line_with_exit_1(run_warroom, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[ui]\nthme = "dark"\n\n[[probe]]\nname = "api"\nurl = "ftp://x"\ninterval = "soon"\n')
    r = run_warroom("config", "check", str(bad))
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [
        "bad.toml:2: [ui]: key 'thme' is unknown; did you mean 'theme'?",
        "bad.toml:6: [[probe]] #1 \"api\" url: scheme 'ftp' is not supported; use http:// or https://",
        'bad.toml:7: [[probe]] #1 "api" interval: expected a duration (seconds, or a string like 90s, '
        "15m, 2h), got 'soon'",
        "bad.toml: 3 problems",
    ]


def test_syntax_error_names_the_line(run_warroom, tmp_path: Path):
    (tmp_path / "warroom.toml").write_text('[team]\nname = "payments"\nroster = ["alice", "bob"\n')
    r = run_warroom("config", "check")
    assert r.returncode == 1
    first, last = r.stderr.splitlines()
    assert first.startswith("warroom.toml:3: TOML syntax error: ")  # tomllib's words vary by version
    assert last == "warroom.toml: 1 problem"
    no_traceback(r.stderr)


def test_env_values_never_appear_in_any_output(run_warroom, tmp_path: Path):
    secret = "Zq9-very-distinctive-secret-VALUE"
    config = tmp_path / "warroom.toml"
    config.write_text(
        '[[probe]]\nname = "api"\nurl = "${API_BASE}/health"\n'
        'headers = { Authorization = "Bearer ${API_TOKEN}" }\n'
        '[[notify]]\nkind = "slack"\nurl = "${SLACK_HOOK}"\n'
        '[[command]]\nname = "q"\nargv = ["psql", "--password=${DB_PASS}"]\n'
    )
    env = {"API_BASE": f"gopher://{secret}", "API_TOKEN": secret, "DB_PASS": secret}
    outputs = []
    check = run_warroom("config", "check", env=env)
    assert check.returncode == 1
    assert check.stderr.splitlines() == [
        'warroom.toml:3: [[probe]] #1 "api" url: must be an http:// or https:// URL '
        "(after expanding its ${...} references)",
        "warroom.toml:7: [[notify]] #1 url: environment variable SLACK_HOOK is not set",
        "warroom.toml: 2 problems",
    ]
    outputs += [check.stdout, check.stderr]
    env = {**env, "API_BASE": f"https://{secret}.example.com", "SLACK_HOOK": f"https://{secret}"}
    check = run_warroom("config", "check", env=env)
    assert (check.returncode, check.stdout.split(" — ")[0]) == (0, "warroom.toml: OK")
    show = run_warroom("config", "show", env=env)
    assert show.returncode == 0 and '"Bearer ${API_TOKEN}"' in show.stdout
    outputs += [check.stdout, check.stderr, show.stdout, show.stderr]
    outputs += [(r.stdout + r.stderr) for r in (run_warroom("config", "path", env=env),)]
    for out in outputs:
        assert secret not in out


def test_config_in_xdg_config_home_is_found(run_warroom, home_env):
    user = Path(home_env["XDG_CONFIG_HOME"]) / "warroom" / "warroom.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[resources]\nenabled = false\n")
    assert run_warroom("config", "path").stdout.strip() == str(user)
    r = run_warroom("config", "check")
    assert r.returncode == 0 and "resources off" in r.stdout
    assert r.stdout.startswith("home/.config/warroom/warroom.toml: OK — 0 probes")  # cwd is tmp_path


def test_config_option_before_or_after_the_action(run_warroom, tmp_path: Path):
    other = tmp_path / "elsewhere" / "team.toml"
    other.parent.mkdir()
    other.write_text('[team]\nname = "payments"\n')
    before = run_warroom("--config", str(other), "config", "check")
    after = run_warroom("config", "check", "--config", str(other))
    assert before.returncode == after.returncode == 0
    assert (
        before.stdout == after.stdout == "elsewhere/team.toml: OK — 0 probes, 0 status pages, 0 logs, "
        "0 deploy sources, resources on, 0 commands, 0 mitigations, 0 notify\n"
    )
    shown = run_warroom("config", "show", "--config", str(other))
    assert 'name = "payments"' in shown.stdout


def test_user_mistakes_are_one_line_errors(run_warroom, tmp_path: Path):
    missing = run_warroom("config", "check", "--config", "absent.toml")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "warroom: error: config file absent.toml does not exist\n"

    nothing = run_warroom("config", "check")
    assert nothing.returncode == 2 and nothing.stderr.startswith("warroom: error: no config file found")
    assert len(nothing.stderr.splitlines()) == 1

    no_path = run_warroom("config", "path")
    assert no_path.returncode == 1 and no_path.stdout == ""

    (tmp_path / "warroom.toml").write_text('[[probe]]\nname = "api"\n')
    broken = run_warroom("config", "show")
    assert broken.returncode == 2
    assert broken.stderr == "warroom: error: warroom.toml:1: [[probe]] #1 \"api\": missing required key 'url'\n"
    no_traceback(missing.stderr, nothing.stderr, broken.stderr)


def test_a_runbooks_folder_missing_on_this_machine_is_a_warning_not_a_failed_check(run_warroom, tmp_path: Path):
    """The team's file names /srv/runbooks; on a laptop without it the file is still valid."""
    cfg = tmp_path / "warroom.toml"
    cfg.write_text('[runbooks]\npaths = ["/nonexistent/runbooks"]\n')
    r = run_warroom("config", "check", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "warroom.toml:2: [runbooks] paths[0]: warning: /nonexistent/runbooks does not exist" in r.stderr
    assert r.stdout.startswith("warroom.toml: OK")
    cfg.write_text('[runbooks]\npaths = ["/nonexistent/runbooks"]\n\n[ui]\nthme = "x"\n')
    r = run_warroom("config", "check", str(cfg))
    assert r.returncode == 1 and r.stderr.splitlines()[-1] == "warroom.toml: 1 problem"
