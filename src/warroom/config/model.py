"""The shape of `warroom.toml`: frozen dataclasses, one per section.

`loader.py` turns the file into these, naming file, line and key on any error. Values that hold
`${ENV}` references stay unexpanded here (`Secret`); they are expanded only at the moment of use
(`Secret.reveal()`), so a config object can be printed, logged or stored without leaking them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from warroom.records import Record, record

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@record
class Secret(Record):
    """A config string that may contain `${ENV}` references, redacted whenever shown."""

    template: str

    @property
    def env_names(self) -> tuple[str, ...]:
        return tuple(_ENV_REF.findall(self.template))

    def reveal(self, environ: Mapping[str, str] | None = None) -> str:
        """Expand `${ENV}` at use; a missing variable raises KeyError naming it."""
        env = os.environ if environ is None else environ

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in env:
                raise KeyError(f"environment variable {name} is not set")
            return env[name]

        return _ENV_REF.sub(sub, self.template)

    def redacted(self) -> str:
        """The template with every reference (and any URL userinfo/token query) hidden."""
        from warroom.redact import redact_text

        return redact_text(_ENV_REF.sub(lambda m: "${" + m.group(1) + "}", self.template))

    def __str__(self) -> str:
        return self.redacted()

    def __repr__(self) -> str:
        return f"Secret({self.redacted()!r})"


@record
class TeamConfig(Record):
    """[team]: the team's name, status page, channel prefix, roster and extra roles."""

    name: str = ""
    status_page: str = ""
    channel_prefix: str = "#incident-"
    roster: tuple[str, ...] = ()
    extra_roles: tuple[str, ...] = ()


@record
class CadenceConfig(Record):
    """Minutes between required updates per severity; None means no required updates."""

    sev1: int | None = 15
    sev2: int | None = 30
    sev3: int | None = 60
    sev4: int | None = None
    #: SEV-2 needs user comms within this many minutes of declaration (the playbook: 30).
    sev2_first_user_comms: int = 30

    def minutes_for(self, severity: int) -> int | None:
        return getattr(self, f"sev{int(severity)}")


@record
class UIConfig(Record):
    """[ui]: the theme, and a read-only screen (a wall display)."""

    theme: str = "warroom-dark"
    readonly: bool = False


@record
class StatusRange(Record):
    """Expected HTTP statuses: explicit codes and/or inclusive ranges."""

    codes: tuple[int, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ((200, 399),)

    def accepts(self, status: int) -> bool:
        return status in self.codes or any(lo <= status <= hi for lo, hi in self.ranges)

    def describe(self) -> str:
        parts = [str(c) for c in self.codes] + [f"{lo}-{hi}" for lo, hi in self.ranges]
        return ",".join(parts)


@record
class ProbeConfig(Record):
    """[[probe]]: one HTTP health check, its expectations and its damping."""

    name: str
    url: Secret
    method: str = "GET"
    expect_status: StatusRange = field(default_factory=StatusRange)
    #: Substring, or a regex when written `regex:...`; matched on at most the first 1 MiB.
    expect_body: str | None = None
    headers: tuple[tuple[str, Secret], ...] = ()
    timeout: float = 5.0
    interval: float = 10.0
    follow_redirects: bool = True
    max_redirects: int = 5
    verify_tls: bool = True
    #: Flap damping: consecutive failures before DOWN, successes before UP.
    fail_threshold: int = 2
    recover_threshold: int = 2


@record
class StatusPageConfig(Record):
    """[[statuspage]]: a third party's Statuspage (`/api/v2/status.json` or `summary.json`)."""

    name: str
    url: Secret
    interval: float = 60.0
    timeout: float = 10.0


@record
class LogConfig(Record):
    """[[log]]: a log file (or command) followed for error lines."""

    name: str
    path: str | None = None  # a path or a glob
    argv: tuple[str, ...] = ()  # or a command to follow
    pattern: str = "error|panic|fatal"
    backfill: float = 0.0  # seconds of history to read at start
    backfill_max_mb: int = 256  # MiB of each file read back at most for it (the window may be cut)
    interval: float = 1.0
    #: Spike: the last minute's rate at least `spike_factor` x the trailing baseline and >= `spike_min`.
    spike_factor: float = 5.0
    spike_min: int = 10


@record
class DeploysConfig(Record):
    """[[deploys]]: recent deploys from git, kubectl or a command."""

    name: str
    kind: str  # git | kubectl | command
    repo: str | None = None
    since: float = 7200.0  # seconds
    namespace: str | None = None
    deployments: tuple[str, ...] = ()
    context: str | None = None
    argv: tuple[str, ...] = ()
    interval: float = 30.0
    timeout: float = 10.0


@record
class ResourcesConfig(Record):
    """[resources]: CPU, memory, disks and connections of this host."""

    enabled: bool = True
    mounts: tuple[str, ...] = ("/",)
    interval: float = 2.0
    disk_threshold: float = 95.0
    memory_threshold: float = 95.0
    top: int = 5


@record
class CommandConfig(Record):
    """[[command]]: a read-only command run on an interval (argv, never a shell)."""

    name: str
    argv: tuple[str, ...]
    interval: float = 15.0
    timeout: float = 5.0


@record
class MitigationConfig(Record):
    """[[mitigation]] (alias [[action]]): one of the playbook's mitigation options, run from the
    mitigation screen or `warroom mitigate NAME`, always after a confirmation.

    `capture_argv`, when set, runs first and its output is kept in the record (the playbook's
    "capture state first if possible"), then `argv` runs with `timeout`. Both are argv lists,
    never a shell line; `${ENV}` references in them are expanded only when they run.
    """

    name: str
    kind: str  # rollback | flag | failover | restart | block
    argv: tuple[str, ...]
    capture_argv: tuple[str, ...] = ()
    timeout: float = 60.0


@record
class NotifyConfig(Record):
    """[notify]: where `P` in the draft screen posts (a Slack-compatible webhook)."""

    kind: str  # slack (any Slack-compatible incoming webhook)
    url: Secret
    name: str = "slack"
    timeout: float = 10.0


@record
class TemplatesConfig(Record):
    """Overrides for the packaged draft templates (None keeps the playbook's words)."""

    internal: str | None = None
    external: str | None = None
    tactical: str | None = None
    resolved: str | None = None


@record
class RunbooksConfig(Record):
    """[runbooks]: extra directories of runbooks."""

    paths: tuple[str, ...] = ()


@record
class IntakeConfig(Record):
    """[intake]: the Alertmanager webhook receiver (`warroom intake`, and inside `warroom record`
    and the war room). `token` (bearer) or `user`/`password` (basic auth) may hold `${ENV}`;
    `declare_match`/`declare_sev` is the rule that declares an incident from a firing alert."""

    listen: str = "127.0.0.1:9095"
    token: Secret | None = None
    user: str = ""
    password: Secret | None = None
    declare_match: tuple[tuple[str, str], ...] = ()
    declare_sev: int | None = None  # None: no declare rule
    interval: float = 1.0  # how often the alerts pane is refreshed from the receiver

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])


@record
class Config(Record):
    """The whole file. `path` is None when no config file was found (all defaults)."""

    path: Path | None = None
    team: TeamConfig = field(default_factory=TeamConfig)
    cadence: CadenceConfig = field(default_factory=CadenceConfig)
    ui: UIConfig = field(default_factory=UIConfig)
    probes: tuple[ProbeConfig, ...] = ()
    statuspages: tuple[StatusPageConfig, ...] = ()
    logs: tuple[LogConfig, ...] = ()
    deploys: tuple[DeploysConfig, ...] = ()
    resources: ResourcesConfig | None = None
    commands: tuple[CommandConfig, ...] = ()
    mitigations: tuple[MitigationConfig, ...] = ()
    notify: tuple[NotifyConfig, ...] = ()
    templates: TemplatesConfig = field(default_factory=TemplatesConfig)
    runbooks: RunbooksConfig = field(default_factory=RunbooksConfig)
    intake: IntakeConfig | None = None
    #: Arrays of tables added with `loader.register_section` (a source kind's own section):
    #: (section name, its entries) pairs, in the order the sections were registered.
    sections: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def section(self, name: str) -> tuple[Any, ...]:
        """The entries of a registered `[[name]]` section (empty when the file has none)."""
        return next((entries for section, entries in self.sections if section == name), ())
