"""warroom.toml -> Config: the example loads, and every mistake is named by file, line and key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.config.config_helpers import EXAMPLE, EXAMPLE_ENV, messages
from warroom.config import (
    CadenceConfig,
    Config,
    ResourcesConfig,
    Secret,
    StatusRange,
    check_config,
    load_config,
    parse_config,
)
from warroom.config.loader import ConfigError, load
from warroom.errors import UserError

PROBE = '[[probe]]\nname = "api"\nurl = "https://api.example.com/health"\n'


def only(text: str, env: dict[str, str] | None = None) -> str:
    found = messages(text, env)
    assert len(found) == 1, found
    return found[0]


def config_of(text: str, env: dict[str, str] | None = None) -> Config:
    config, problems = parse_config(text, "warroom.toml", env or {})
    assert problems == [], [str(p) for p in problems]
    return config


# -- the example -------------------------------------------------------------------------------
def test_example_config_loads_with_its_environment_set():
    assert check_config(EXAMPLE, EXAMPLE_ENV) == []
    config = load_config(EXAMPLE, EXAMPLE_ENV)
    assert config.path == EXAMPLE
    assert [p.name for p in config.probes] == ["checkout-api", "search"]
    checkout, search = config.probes
    assert checkout.expect_status == StatusRange(codes=(200,), ranges=())
    assert checkout.expect_body == "ok"
    assert checkout.headers == (("Authorization", Secret("Bearer ${CHECKOUT_TOKEN}")),)
    assert checkout.headers[0][1].reveal(EXAMPLE_ENV) == "Bearer t0ken-for-tests"
    assert (checkout.timeout, checkout.interval) == (5.0, 10.0)
    assert search.method == "HEAD" and search.expect_status.accepts(302)
    assert config.team.roster == ("alice", "bob", "carol", "dave")
    assert config.team.extra_roles == ("Deputy", "Customer Liaison")
    assert config.cadence == CadenceConfig(sev1=15, sev2=30, sev3=60, sev4=None)
    assert [s.name for s in config.statuspages] == ["payments-provider"]
    api_log, pods_log = config.logs
    assert api_log.backfill == 15 * 60 and api_log.path == "/var/log/api/*.log"
    assert pods_log.argv[:2] == ("kubectl", "logs") and pods_log.path is None
    git, kube = config.deploys
    assert (git.kind, git.repo, git.since) == ("git", "/srv/repos/api", 7200.0)
    assert (kube.kind, kube.namespace, kube.deployments) == ("kubectl", "payments", ("api", "worker"))
    assert config.resources == ResourcesConfig(mounts=("/", "/var"), interval=2.0)
    assert config.commands[0].argv[0] == "psql"
    assert config.mitigations[0].kind == "restart" and config.mitigations[0].capture_argv
    assert [(m.name, m.kind) for m in config.mitigations] == [
        ("restart worker", "restart"),
        ("checkout flag off", "flag"),
    ]
    assert config.notify[0].url.env_names == ("SLACK_INCIDENT_WEBHOOK",)
    assert config.runbooks.paths == ()  # a folder named there would be checked on this machine


def test_example_without_its_environment_still_loads_but_check_names_each_variable():
    config = load_config(EXAMPLE, {})  # the variables may be set where they are used
    assert len(config.probes) == 2
    found = [str(p) for p in check_config(EXAMPLE, {})]
    assert len(found) == 2
    assert found[0].endswith(
        '[[probe]] #1 "checkout-api" headers.Authorization: environment variable CHECKOUT_TOKEN is not set'
    )
    assert found[1].endswith("[[notify]] #1 url: environment variable SLACK_INCIDENT_WEBHOOK is not set")
    header_line = (
        EXAMPLE.read_text()
        .splitlines()
        .index(next(row for row in EXAMPLE.read_text().splitlines() if row.startswith("headers = ")))
    )
    assert f":{header_line + 1}: " in found[0]


def test_no_file_means_all_defaults_with_resources_on():
    config = load_config(None)
    assert config.path is None and config.probes == ()
    assert config.resources == ResourcesConfig(enabled=True)
    assert config.cadence.minutes_for(1) == 15 and config.cadence.minutes_for(4) is None


def test_resources_absent_is_on_and_can_be_turned_off():
    assert config_of("").resources == ResourcesConfig()
    assert config_of("[resources]\nenabled = false\n").resources.enabled is False


# -- unknown names -----------------------------------------------------------------------------
def test_unknown_key_in_the_second_probe_names_line_and_suggests():
    text = PROBE + '\n[[probe]]\nname = "search"\nurl = "https://s.example.com"\nexpect_staus = 200\n'
    assert only(text) == (
        "warroom.toml:8: [[probe]] #2 \"search\": key 'expect_staus' is unknown; did you mean 'expect_status'?"
    )


def test_unknown_section_suggests_the_right_spelling():
    assert only('[probes]\nname = "x"\n') == "warroom.toml:1: unknown section [probes]; did you mean [[probe]]?"
    assert only('\n[temas]\nname = "x"\n') == "warroom.toml:2: unknown section [temas]; did you mean [team]?"
    assert only('[[logs]]\nname = "x"\n') == "warroom.toml:1: unknown section [[logs]]; did you mean [[log]]?"


def test_unknown_key_without_close_match_lists_the_known_keys():
    msg = only("[ui]\nzzz = 1\n")
    assert msg == "warroom.toml:2: [ui]: key 'zzz' is unknown (known keys: theme, readonly)"


def test_top_level_key_points_to_its_section():
    assert only('theme = "dark"\n') == (
        "warroom.toml:1: key 'theme' is unknown at the top level "
        "(before any [section]); did you mean to put it under [ui]?"
    )


def test_table_written_as_array_and_array_written_as_table():
    assert only('[[team]]\nname = "x"\n') == "warroom.toml:1: [team] is a single table: write [team], not [[team]]"
    assert only('[notify]\nkind = "slack"\n') == "warroom.toml:1: write [[notify]] (once per entry), not [notify]"


# -- types and values --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[ui]\ntheme = 3\n", "warroom.toml:2: [ui] theme: expected a string, got an integer"),
        ('[ui]\nreadonly = "no"\n', "warroom.toml:2: [ui] readonly: expected true or false, got a string"),
        ('[team]\nroster = "alice"\n', "warroom.toml:2: [team] roster: expected an array of strings, got a string"),
        ('[team]\nroster = ["alice",\n  7]\n', "warroom.toml:3: [team] roster[1]: expected a string, got an integer"),
        ('[team]\nroster = ["a", "a"]\n', "warroom.toml:2: [team] roster[1]: 'a' is listed twice"),
        (
            "[cadence]\nsev1 = 0\n",
            "warroom.toml:2: [cadence] sev1: expected a positive number of minutes, or false for no required updates",
        ),
        (
            '[cadence]\nsev2 = "30"\n',
            "warroom.toml:2: [cadence] sev2: expected a positive number of minutes, or false for no required updates",
        ),
        (
            "[resources]\ndisk_threshold = 120\n",
            "warroom.toml:2: [resources] disk_threshold: must be at most 100, got 120",
        ),
        ("[resources]\nmounts = []\n", "warroom.toml:2: [resources] mounts: must not be empty"),
        ("[templates]\ninternal = 5\n", "warroom.toml:2: [templates] internal: expected a string, got an integer"),
        (
            '[runbooks]\npaths = "/srv"\n',
            "warroom.toml:2: [runbooks] paths: expected an array of strings, got a string",
        ),
        (
            PROBE + 'timeout = "5 minutes"\n',
            'warroom.toml:4: [[probe]] #1 "api" timeout: expected a duration '
            "(seconds, or a string like 90s, 15m, 2h), got '5 minutes'",
        ),
        (
            PROBE + "timeout = true\n",
            'warroom.toml:4: [[probe]] #1 "api" timeout: expected a duration '
            "(seconds, or a string like 90s, 15m, 2h), got a boolean",
        ),
        (PROBE + "interval = 0\n", 'warroom.toml:4: [[probe]] #1 "api" interval: must be greater than 0 seconds'),
        (
            PROBE + "max_redirects = -1\n",
            'warroom.toml:4: [[probe]] #1 "api" max_redirects: must be at least 0, got -1',
        ),
        (
            PROBE + 'method = "FETCH"\n',
            "warroom.toml:4: [[probe]] #1 \"api\" method: 'FETCH' is not one of GET, HEAD, POST, PUT, OPTIONS",
        ),
        (
            PROBE + 'method = "gte"\n',
            "warroom.toml:4: [[probe]] #1 \"api\" method: 'gte' is not one of "
            "GET, HEAD, POST, PUT, OPTIONS; did you mean 'GET'?",
        ),
        (
            PROBE + 'expect_status = "700"\n',
            'warroom.toml:4: [[probe]] #1 "api" expect_status: 700 is not an HTTP status code (100-599)',
        ),
        (
            PROBE + 'expect_status = [200, "299-200"]\n',
            "warroom.toml:4: [[probe]] #1 \"api\" expect_status[1]: range '299-200' is backwards",
        ),
        (
            PROBE + 'expect_status = "ok"\n',
            'warroom.toml:4: [[probe]] #1 "api" expect_status: expected a status '
            'code like 200, a range like "200-299", or a class like "2xx", got \'ok\'',
        ),
        (
            PROBE + 'expect_body = "regex:(oops"\n',
            'warroom.toml:4: [[probe]] #1 "api" expect_body: bad regex: '
            "missing ), unterminated subpattern at position 0",
        ),
        (
            PROBE + 'headers = "Bearer x"\n',
            'warroom.toml:4: [[probe]] #1 "api" headers: expected a table like '
            '{ Authorization = "Bearer ${TOKEN}" }, got a string',
        ),
        (
            PROBE + 'headers = { "Bad Name" = "x" }\n',
            'warroom.toml:4: [[probe]] #1 "api" headers.Bad Name: is not a valid HTTP header name',
        ),
    ],
)
def test_bad_value_is_named_by_line_key_and_expected_type(toml, expected):
    assert only(toml) == expected


def test_durations_accept_numbers_and_unit_strings():
    config = config_of(
        PROBE + 'timeout = "90s"\ninterval = 2.5\n'
        '[[log]]\nname = "l"\npath = "/x"\nbackfill = "1h30m"\n'
        '[[deploys]]\nname = "d"\nkind = "git"\nrepo = "/r"\nsince = "2h"\n'
    )
    assert (config.probes[0].timeout, config.probes[0].interval) == (90.0, 2.5)
    assert config.logs[0].backfill == 5400.0 and config.deploys[0].since == 7200.0


def test_expect_status_forms_build_status_ranges():
    def status(value: str) -> StatusRange:
        return config_of(PROBE + f"expect_status = {value}\n").probes[0].expect_status

    assert status("204") == StatusRange(codes=(204,), ranges=())
    assert status('"2xx"') == StatusRange(codes=(), ranges=((200, 299),))
    assert status('"200-299"').accepts(250) and not status('"200-299"').accepts(301)
    mixed = status('[301, "2xx", "400-404"]')
    assert [mixed.accepts(c) for c in (200, 301, 302, 404, 500)] == [True, True, False, True, False]
    assert config_of(PROBE).probes[0].expect_status.describe() == "200-399"
    assert config_of(PROBE + 'method = "post"\n').probes[0].method == "POST"


def test_cadence_false_means_no_required_updates_and_absent_keeps_the_default():
    cadence = config_of("[cadence]\nsev3 = false\nsev4 = 120\n").cadence
    assert (cadence.sev1, cadence.sev2, cadence.sev3, cadence.sev4) == (15, 30, None, 120)


# -- urls --------------------------------------------------------------------------------------
def test_probe_url_must_be_http_or_https():
    text = '[[probe]]\nname = "api"\nurl = "ftp://files.example.com"\n'
    assert only(text) == (
        "warroom.toml:3: [[probe]] #1 \"api\" url: scheme 'ftp' is not supported; use http:// or https://"
    )
    assert only(text.replace("ftp://files.example.com", "api.example.com/health")).endswith(
        "url: must be an http:// or https:// URL"
    )
    assert only(text.replace("ftp://files.example.com", "https:///path")).endswith("url: has no host")


def test_missing_required_key_is_reported_at_the_table_header():
    assert only('[ui]\n\n[[probe]]\nname = "api"\n') == (
        "warroom.toml:3: [[probe]] #1 \"api\": missing required key 'url'"
    )


def test_statuspage_url_is_checked_too():
    assert only('[[statuspage]]\nname = "p"\nurl = "status.example.com"\n') == (
        'warroom.toml:3: [[statuspage]] #1 "p" url: must be an http:// or https:// URL'
    )


# -- logs, deploys, commands, actions, notify --------------------------------------------------
def test_log_needs_exactly_one_of_path_or_argv():
    assert only('[[log]]\nname = "api"\n') == (
        "warroom.toml:1: [[log]] #1 \"api\": needs 'path' (a file or glob "
        "to follow) or 'argv' (a command whose output to follow)"
    )
    assert only('[[log]]\nname = "api"\npath = "/x"\nargv = ["tail"]\n') == (
        "warroom.toml:1: [[log]] #1 \"api\": has both 'path' and 'argv'; keep exactly one"
    )
    assert only('[[log]]\nname = "api"\npath = "/x"\npattern = "err(or"\n').startswith(
        'warroom.toml:4: [[log]] #1 "api" pattern: bad regex: missing )'
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'kind = "gti"\nrepo = "/r"\n',
            "warroom.toml:3: [[deploys]] #1 \"d\" kind: 'gti' is not one of git, kubectl, command; did you mean 'git'?",
        ),
        ('kind = "git"\n', "warroom.toml:1: [[deploys]] #1 \"d\": missing required key 'repo'"),
        ('kind = "kubectl"\n', "warroom.toml:1: [[deploys]] #1 \"d\": missing required key 'deployments'"),
        (
            'kind = "command"\n',
            "warroom.toml:1: [[deploys]] #1 \"d\": missing required key 'argv' (a command as "
            'an array of strings, e.g. ["kubectl", "get", "pods"])',
        ),
        (
            'kind = "kubectl"\ndeployments = ["api"]\nrepo = "/r"\n',
            "warroom.toml:5: [[deploys]] #1 \"d\" repo: applies only to kind 'git', and this is kind 'kubectl'",
        ),
        ('repo = "/r"\n', "warroom.toml:1: [[deploys]] #1 \"d\": missing required key 'kind'"),
    ],
)
def test_deploys_kind_and_its_required_keys(body, expected):
    assert only('[[deploys]]\nname = "d"\n' + body) == expected


def test_argv_must_be_a_non_empty_array_of_strings():
    head = '[[command]]\nname = "c"\n'
    assert only(head + 'argv = "kubectl get pods"\n') == (
        'warroom.toml:3: [[command]] #1 "c" argv: expected an array of strings (the command and its '
        "arguments, never a shell line), got a string"
    )
    assert only(head + "argv = []\n") == (
        'warroom.toml:3: [[command]] #1 "c" argv: expected a non-empty array of strings, got an empty array'
    )
    assert only(head + 'argv = [\n  "kubectl",\n  3,\n]\n') == (
        'warroom.toml:5: [[command]] #1 "c" argv[1]: expected a string, got an integer'
    )


def test_action_and_notify_kinds():
    assert only('[[action]]\nname = "a"\nkind = "reboot"\nargv = ["x"]\n') == (
        "warroom.toml:3: [[action]] #1 \"a\" kind: 'reboot' is not one of rollback, flag, failover, restart, block"
    )
    assert only('[[notify]]\nkind = "slak"\nurl = "https://hooks.example/x"\n') == (
        "warroom.toml:2: [[notify]] #1 kind: 'slak' is not one of slack; did you mean 'slack'?"
    )


def test_names_must_be_unique_per_section():
    text = PROBE + "\n" + PROBE + '\n[[log]]\nname = "api"\npath = "/x"\n'
    assert only(text) == (
        'warroom.toml:6: [[probe]] #2 "api" name: "api" is already used by [[probe]] #1 (line 1); names must be unique'
    )


# -- ${ENV} ------------------------------------------------------------------------------------
def test_env_references_are_checked_and_values_never_printed():
    secret = "s3cr3t-VALUE-do-not-print-7f1c"
    text = (
        '[[probe]]\nname = "api"\nurl = "${API_URL}/health"\n'
        'headers = { Authorization = "Bearer ${TOKEN}", X-Other = "${NOT_SET}" }\n'
        '[[action]]\nname = "a"\nkind = "flag"\nargv = ["flagctl", "--key", "${FLAG_KEY}"]\n'
    )
    env = {"API_URL": "ftp://" + secret, "TOKEN": secret}
    found = messages(text, env)
    assert found == [
        'warroom.toml:3: [[probe]] #1 "api" url: must be an http:// or https:// URL '
        "(after expanding its ${...} references)",
        'warroom.toml:4: [[probe]] #1 "api" headers.X-Other: environment variable NOT_SET is not set',
        'warroom.toml:8: [[action]] #1 "a" argv[2]: environment variable FLAG_KEY is not set',
    ]
    assert not any(secret in m or "ftp" in m for m in found)  # not even the value's scheme
    # A variable that is set to a good URL makes the file clean; its value is kept unexpanded.
    env = {"API_URL": "https://" + secret, "TOKEN": secret, "NOT_SET": "1", "FLAG_KEY": secret}
    config = config_of(text, env)
    assert config.probes[0].url.template == "${API_URL}/health"
    assert secret not in repr(config)


def test_env_reference_inside_a_dotted_header_key_names_its_own_line():
    text = PROBE + 'headers.Accept = "text/plain"\nheaders.Authorization = "Bearer ${MISSING_TOKEN}"\n'
    assert only(text) == (
        'warroom.toml:5: [[probe]] #1 "api" headers.Authorization: environment variable MISSING_TOKEN is not set'
    )


def test_malformed_env_reference_is_an_error():
    text = '[[notify]]\nkind = "slack"\nurl = "https://hooks.example/${HOOK"\n'
    assert only(text) == (
        "warroom.toml:3: [[notify]] #1 url: malformed ${...} reference: write ${NAME} (letters, digits, _)"
    )


# -- whole files -------------------------------------------------------------------------------
def test_every_problem_is_reported_in_line_order_not_just_the_first():
    text = (
        '[ui]\nthem = "x"\n\n[[probe]]\nname = "a"\nurl = "gopher://x"\ntimeout = -1\n\n'
        '[cadence]\nsev1 = "soon"\n\n[bogus]\n'
    )
    found = messages(text)
    assert [m.split(":")[1] for m in found] == ["2", "6", "7", "10", "12"], found
    assert "key 'them' is unknown; did you mean 'theme'?" in found[0]
    assert "scheme 'gopher' is not supported" in found[1]
    assert found[4].startswith("warroom.toml:12: unknown section [bogus] (sections: [team], ")


def test_toml_syntax_error_names_its_line():
    # tomllib's own words vary between Python versions; the place must not.
    assert only('[ui]\ntheme = "dark\n').startswith("warroom.toml:2: TOML syntax error: ")
    assert only('[ui]\ntheme = "dark\n').endswith("(column 14)")
    assert only("[ui]\n\ntheme = \n").startswith("warroom.toml:3: TOML syntax error: ")
    # An unclosed array runs to the end of the file: name the last line, not none.
    assert only('[team]\nroster = ["alice",\n  "bob"\n').startswith("warroom.toml:3: TOML syntax error: ")


def test_load_config_raises_a_user_error_naming_the_first_problem(tmp_path: Path):
    path = tmp_path / "warroom.toml"
    path.write_text('[ui]\nthme = "x"\n[[probe]]\nname = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert isinstance(caught.value, UserError)
    assert str(caught.value) == (
        f"{path}:2: [ui]: key 'thme' is unknown; did you mean 'theme'? (and 2 more: run `warroom config check`)"
    )
    assert len(caught.value.problems) == 3


def test_file_is_named_relative_to_the_current_directory(tmp_path: Path, monkeypatch):
    (tmp_path / "warroom.toml").write_text("[ui]\ntheme = 1\n")
    monkeypatch.chdir(tmp_path)
    assert [str(p) for p in check_config(tmp_path / "warroom.toml")] == [
        "warroom.toml:2: [ui] theme: expected a string, got an integer"
    ]


def test_unreadable_and_non_utf8_files(tmp_path: Path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[team]\nname = "caf\xe9"\n')
    assert [str(p) for p in check_config(latin)] == [f"{latin}:2: the file is not UTF-8 text"]
    missing = tmp_path / "nope.toml"
    assert [str(p) for p in check_config(missing)] == [f"{missing}: cannot read the file: No such file or directory"]


def test_load_finds_the_file_through_the_environment(tmp_path: Path):
    path = tmp_path / "team.toml"
    path.write_text('[team]\nname = "payments"\n')
    env = {"WARROOM_CONFIG": str(path), "HOME": str(tmp_path)}
    assert load(None, env, cwd=tmp_path).team.name == "payments"
    assert load(None, {"HOME": str(tmp_path)}, cwd=tmp_path).path is None
    with pytest.raises(UserError, match="does not exist"):
        load(str(tmp_path / "absent.toml"), env, cwd=tmp_path)
    assert os.environ.get("WARROOM_CONFIG") != str(path)  # nothing leaked into the real environment
