"""One reader per `warroom.toml` section: a `Table` in, a model dataclass out.

Each `KEYS` tuple is the complete list of keys a section accepts; anything else is reported as
unknown with a "did you mean".
"""

from __future__ import annotations

import re
from typing import Any

from warroom.config.fields import Table, suggest, type_name
from warroom.config.model import (
    CadenceConfig,
    CommandConfig,
    DeploysConfig,
    LogConfig,
    MitigationConfig,
    NotifyConfig,
    ProbeConfig,
    ResourcesConfig,
    RunbooksConfig,
    Secret,
    StatusPageConfig,
    StatusRange,
    TeamConfig,
    TemplatesConfig,
    UIConfig,
)

METHODS = ("GET", "HEAD", "POST", "PUT", "OPTIONS")
DEPLOY_KINDS = ("git", "kubectl", "command")
#: The playbook's mitigation options, in its order (`domain.mitigation.MITIGATION_KINDS` too).
MITIGATION_KINDS = ("rollback", "flag", "failover", "restart", "block")
NOTIFY_KINDS = ("slack",)
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_STATUS_PART = re.compile(r"([1-5])xx|(\d{3})(?:\s*-\s*(\d{3}))?", re.IGNORECASE)
MAX_CADENCE_MINUTES = 7 * 24 * 60
_POSITIVE_MINUTES = "a positive number of minutes, or false for no required updates"


# -- single tables ------------------------------------------------------------------------------
TEAM_KEYS = ("name", "status_page", "channel_prefix", "roster", "extra_roles")


def read_team(t: Table) -> TeamConfig:
    d = TeamConfig()
    return TeamConfig(
        name=t.text("name", d.name, allow_empty=True),
        status_page=t.text("status_page", d.status_page, allow_empty=True),
        channel_prefix=t.text("channel_prefix", d.channel_prefix),
        roster=_roster(t),
        extra_roles=t.strings("extra_roles", unique=True),
    )


def _roster(t: Table) -> tuple[str, ...]:
    """`roster`: names offered to /ic, /role and /as, so each must be a handle (`domain.names`)."""
    from warroom.domain.names import name_problem, shown

    roster = t.strings("roster", unique=True)
    ok = True
    for n, name in enumerate(roster):
        problem = name_problem(name)
        if problem:
            t.fail("roster", f"name {shown(name)} refused: {problem}", (n,))
            ok = False
    return roster if ok else ()


CADENCE_KEYS = ("sev1", "sev2", "sev3", "sev4", "sev2_first_user_comms")


def _minutes(t: Table, key: str, default: int | None, allow_off: bool = True) -> int | None:
    if not t.has(key):
        return default
    value = t.data[key]
    if value is False and allow_off:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        t.fail(key, f"expected {_POSITIVE_MINUTES if allow_off else 'a positive number of minutes'}")
        return default
    if value > MAX_CADENCE_MINUTES:  # a week: beyond it the number is a typo (and overflows a clock)
        t.fail(key, f"must be at most {MAX_CADENCE_MINUTES} minutes (a week), got {value}")
        return default
    return value


def read_cadence(t: Table) -> CadenceConfig:
    d = CadenceConfig()
    return CadenceConfig(
        sev1=_minutes(t, "sev1", d.sev1),
        sev2=_minutes(t, "sev2", d.sev2),
        sev3=_minutes(t, "sev3", d.sev3),
        sev4=_minutes(t, "sev4", d.sev4),
        # allow_off=False: a number, never None (off)
        sev2_first_user_comms=_minutes(t, "sev2_first_user_comms", d.sev2_first_user_comms, allow_off=False),  # type: ignore[arg-type]
    )


UI_KEYS = ("theme", "readonly")


def read_ui(t: Table) -> UIConfig:
    d = UIConfig()
    theme = t.text("theme", d.theme)
    if theme is not None and theme != d.theme:
        from warroom.config.themes import theme_names  # reads themes/*.toml; no Textual import

        names = theme_names()
        if theme not in names and f"warroom-{theme}" not in names:
            hint = suggest(theme, names)
            tail = f"; did you mean '{hint}'?" if hint else ""
            t.fail("theme", f"unknown theme '{theme}': one of {', '.join(names)}{tail}")
            theme = d.theme
    return UIConfig(theme=theme, readonly=t.flag("readonly", d.readonly))


RESOURCES_KEYS = ("enabled", "mounts", "interval", "disk_threshold", "memory_threshold", "top")


def read_resources(t: Table) -> ResourcesConfig:
    d = ResourcesConfig()
    return ResourcesConfig(
        enabled=t.flag("enabled", d.enabled),
        mounts=t.strings("mounts", d.mounts, nonempty=True, unique=True),
        interval=t.duration("interval", d.interval),
        disk_threshold=t.number("disk_threshold", d.disk_threshold, above=0, at_most=100),
        memory_threshold=t.number("memory_threshold", d.memory_threshold, above=0, at_most=100),
        top=t.integer("top", d.top, minimum=0),
    )


TEMPLATES_KEYS = ("internal", "external", "tactical", "resolved")


def read_templates(t: Table) -> TemplatesConfig:
    return TemplatesConfig(**{key: t.text(key) for key in TEMPLATES_KEYS})


RUNBOOKS_KEYS = ("paths",)


def read_runbooks(t: Table) -> RunbooksConfig:
    """`paths`: folders of runbooks read beside the shipped ones. `~` expands; a relative path
    is taken from the config file's folder. A folder that is not there is a warning (not fatal):
    the screen still opens, and says which folder it could not read."""
    from pathlib import Path

    base = Path(t.report.file).parent
    paths: list[str] = []
    for n, written in enumerate(t.strings("paths", unique=True)):
        folder = Path(written).expanduser()
        if not folder.is_absolute():
            folder = (base / folder).absolute()
        paths.append(str(folder))
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            t.warn("paths", f"{folder} {what}: no runbooks are read from it", (n,))
    return RunbooksConfig(paths=tuple(paths))


# -- arrays of tables ---------------------------------------------------------------------------
PROBE_KEYS = (
    "name",
    "url",
    "method",
    "expect_status",
    "expect_body",
    "headers",
    "timeout",
    "interval",
    "follow_redirects",
    "max_redirects",
    "verify_tls",
    "fail_threshold",
    "recover_threshold",
)


def read_probe(t: Table) -> ProbeConfig:
    d = ProbeConfig(name="", url=Secret(""))
    return ProbeConfig(
        name=t.text("name", "", required=True),
        url=t.url("url"),
        method=t.choice("method", METHODS, d.method, upper=True),
        expect_status=_expect_status(t),
        expect_body=_expect_body(t),
        headers=_headers(t),
        timeout=t.duration("timeout", d.timeout),
        interval=t.duration("interval", d.interval),
        follow_redirects=t.flag("follow_redirects", d.follow_redirects),
        max_redirects=t.integer("max_redirects", d.max_redirects, minimum=0),
        verify_tls=t.flag("verify_tls", d.verify_tls),
        fail_threshold=t.integer("fail_threshold", d.fail_threshold, minimum=1),
        recover_threshold=t.integer("recover_threshold", d.recover_threshold, minimum=1),
    )


def _expect_status(t: Table) -> StatusRange:
    """200, [200, 204], "200-299", "2xx", or a mix: ["2xx", 301, "400-404"]."""
    if not t.has("expect_status"):
        return StatusRange()
    value: Any = t.data["expect_status"]
    items = value if isinstance(value, list) else [value]
    if not items:
        t.fail("expect_status", "must not be empty")
        return StatusRange()
    codes: list[int] = []
    ranges: list[tuple[int, int]] = []
    ok = True
    for n, item in enumerate(items):
        sub = (n,) if isinstance(value, list) else ()
        problem = _status_item(item, codes, ranges)
        if problem:
            t.fail("expect_status", problem, sub)
            ok = False
    if not ok:
        return StatusRange()
    return StatusRange(codes=tuple(codes), ranges=tuple(ranges))


def _status_item(item: Any, codes: list[int], ranges: list[tuple[int, int]]) -> str | None:
    expected = 'expected a status code like 200, a range like "200-299", or a class like "2xx"'
    if isinstance(item, bool) or not isinstance(item, (int, str)):
        return f"{expected}"
    if isinstance(item, int):
        if not 100 <= item <= 599:
            return f"{item} is not an HTTP status code (100-599)"
        codes.append(item)
        return None
    for part in item.split(","):
        m = _STATUS_PART.fullmatch(part.strip())
        if not m:
            return f"{expected}, got '{item}'"
        if m.group(1):
            base = int(m.group(1)) * 100
            ranges.append((base, base + 99))
            continue
        lo = int(m.group(2))
        hi = int(m.group(3)) if m.group(3) else None
        for code in (lo, hi):
            if code is not None and not 100 <= code <= 599:
                return f"{code} is not an HTTP status code (100-599)"
        if hi is None:
            codes.append(lo)
        elif lo > hi:
            return f"range '{part.strip()}' is backwards"
        else:
            ranges.append((lo, hi))
    return None


def _expect_body(t: Table) -> str | None:
    body = t.text("expect_body")
    if body is not None and body.startswith("regex:"):
        pattern = body[len("regex:") :]
        if not pattern:
            t.fail("expect_body", "empty regex after 'regex:'")
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            t.fail("expect_body", f"bad regex: {exc}")
            return None
    return body


def _headers(t: Table) -> tuple[tuple[str, Secret], ...]:
    if not t.has("headers"):
        return ()
    value = t.data["headers"]
    if not isinstance(value, dict):
        t.fail("headers", f'expected a table like {{ Authorization = "Bearer ${{TOKEN}}" }}, got {type_name(value)}')
        return ()
    out: list[tuple[str, Secret]] = []
    for name, header in value.items():
        if not _HEADER_NAME.fullmatch(name):
            t.fail("headers", "is not a valid HTTP header name", (name,))
        elif not isinstance(header, str):
            t.fail("headers", f"expected a string, got {type_name(header)}", (name,))
        elif "\n" in header or "\r" in header:
            t.fail("headers", "must not contain a line break", (name,))
        else:
            out.append((name, t.secret("headers", header, (name,))))
    return tuple(out)


STATUSPAGE_KEYS = ("name", "url", "interval", "timeout")


def read_statuspage(t: Table) -> StatusPageConfig:
    d = StatusPageConfig(name="", url=Secret(""))
    return StatusPageConfig(
        name=t.text("name", "", required=True),
        url=t.url("url"),
        interval=t.duration("interval", d.interval),
        timeout=t.duration("timeout", d.timeout),
    )


LOG_KEYS = (
    "name",
    "path",
    "argv",
    "pattern",
    "backfill",
    "backfill_max_mb",
    "interval",
    "spike_factor",
    "spike_min",
)


def read_log(t: Table) -> LogConfig:
    d = LogConfig(name="")
    if t.has("path") == t.has("argv"):
        t.fail_table(
            "has both 'path' and 'argv'; keep exactly one"
            if t.has("path")
            else "needs 'path' (a file or glob to follow) or 'argv' (a command whose output to follow)"
        )
    pattern = t.text("pattern", d.pattern)
    try:
        re.compile(pattern or "", re.IGNORECASE)
    except re.error as exc:
        t.fail("pattern", f"bad regex: {exc}")
        pattern = d.pattern
    return LogConfig(
        name=t.text("name", "", required=True),
        path=t.text("path"),
        argv=t.argv("argv"),
        pattern=pattern,
        backfill=t.duration("backfill", d.backfill, positive=False),
        backfill_max_mb=t.integer("backfill_max_mb", d.backfill_max_mb, minimum=1),
        interval=t.duration("interval", d.interval),
        spike_factor=t.number("spike_factor", d.spike_factor, above=0),
        spike_min=t.integer("spike_min", d.spike_min, minimum=1),
    )


DEPLOYS_KEYS = ("name", "kind", "repo", "since", "namespace", "deployments", "context", "argv", "interval", "timeout")
_KIND_ONLY = {"repo": "git", "namespace": "kubectl", "deployments": "kubectl", "context": "kubectl", "argv": "command"}


def read_deploys(t: Table) -> DeploysConfig:
    d = DeploysConfig(name="", kind="git")
    kind = t.choice("kind", DEPLOY_KINDS, required=True)
    if kind is not None:
        for key, owner in _KIND_ONLY.items():
            if t.has(key) and owner != kind:
                t.fail(key, f"applies only to kind '{owner}', and this is kind '{kind}'")
    return DeploysConfig(
        name=t.text("name", "", required=True),
        kind=kind or "",
        repo=t.text("repo", required=kind == "git"),
        since=t.duration("since", d.since, positive=False),
        namespace=t.text("namespace"),
        deployments=t.strings("deployments", required=kind == "kubectl", nonempty=True, unique=True),
        context=t.text("context"),
        argv=t.argv("argv", required=kind == "command"),
        interval=t.duration("interval", d.interval),
        timeout=t.duration("timeout", d.timeout),
    )


COMMAND_KEYS = ("name", "argv", "interval", "timeout")


def read_command(t: Table) -> CommandConfig:
    d = CommandConfig(name="", argv=())
    return CommandConfig(
        name=t.text("name", "", required=True),
        argv=t.argv("argv", required=True),
        interval=t.duration("interval", d.interval),
        timeout=t.duration("timeout", d.timeout),
    )


MITIGATION_KEYS = ("name", "kind", "argv", "capture_argv", "timeout")


def read_mitigation(t: Table) -> MitigationConfig:
    """[[mitigation]], and [[action]], its older name (the same keys)."""
    d = MitigationConfig(name="", kind="", argv=())
    return MitigationConfig(
        name=t.text("name", "", required=True),
        kind=t.choice("kind", MITIGATION_KINDS, "", required=True),
        argv=t.argv("argv", required=True),
        capture_argv=t.argv("capture_argv"),
        timeout=t.duration("timeout", d.timeout),
    )


NOTIFY_KEYS = ("kind", "url", "name", "timeout")


def read_notify(t: Table) -> NotifyConfig:
    d = NotifyConfig(kind="slack", url=Secret(""))
    return NotifyConfig(
        kind=t.choice("kind", NOTIFY_KINDS, "", required=True),
        url=t.url("url"),
        name=t.text("name", d.name),
        timeout=t.duration("timeout", d.timeout),
    )
