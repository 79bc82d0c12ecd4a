"""The mitigation options: the playbook's table, suspect deploys first, then the configured entries.

"The goal in the first 15 minutes is to make users stop hurting, not to understand why." The
playbook lists what to try, in this order (`MITIGATION_KINDS`, with its words in `KIND_WORDS`):

    | If you can…                              | Do                                                   |
    | Roll back the last deploy                | Roll back. Now. Root-cause from the rolled-back diff. |
    | Flip a feature flag                      | Flip it off                                          |
    | Failover to a healthy region             | Failover                                             |
    | Scale up / restart degraded service      | Do it (capture state first if possible)              |
    | Block a bad request pattern at the edge  | WAF/rate-limit rule                                  |

`mitigation_options(configured, deploys, detected_at)` lists what can be run, in that order:
first a rollback for every deploy in the window before detection (`deploy_rules.deploys_before`,
nearest first), offered as "Roll back api a1b2c3d (deployed 12 min before detection)" with the
deploy's own rollback command (no config needed); then the configured `[[mitigation]]` entries by
kind, in the file's order within a kind. A suspect whose rollback is not known is listed with the
reason it cannot be run. Pure: the clock is `detected_at`, nothing here runs anything.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from warroom.domain.deploy_rules import RECENT, Deploy, deploys_before
from warroom.domain.events import utc
from warroom.records import Record, record

#: The playbook's mitigation options, in its order (the config's `kind` values).
MITIGATION_KINDS = ("rollback", "flag", "failover", "restart", "block")

#: kind -> (the playbook's "If you can…", its "Do").
KIND_WORDS: dict[str, tuple[str, str]] = {
    "rollback": ("Roll back the last deploy", "Roll back. Now. Root-cause from the rolled-back diff."),
    "flag": ("Flip a feature flag", "Flip it off"),
    "failover": ("Failover to a healthy region", "Failover"),
    "restart": ("Scale up / restart degraded service", "Do it (capture state first if possible)"),
    "block": ("Block a bad request pattern at the edge", "WAF/rate-limit rule"),
}

#: Seconds a suspect's rollback may run (a configured entry says its own `timeout`).
ROLLBACK_TIMEOUT = 60.0

#: Why a suspect without a known rollback cannot be run from here.
NO_ROLLBACK = "no rollback command is known for this deploy (its first revision, or its source gave none)"

ORIGIN_SUSPECT = "suspect"
ORIGIN_CONFIG = "config"


class ConfiguredMitigation(Protocol):
    """What the domain reads of a `[[mitigation]]` entry (`config.MitigationConfig` has it)."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def argv(self) -> tuple[str, ...]: ...
    @property
    def capture_argv(self) -> tuple[str, ...]: ...
    @property
    def timeout(self) -> float: ...


@record
class MitigationOption(Record):
    """One mitigation that can be offered (and, when `runnable`, run after a confirmation).

    `name` is what `warroom mitigate NAME` takes: the config's name, or `rollback <target> <rev>`
    for a suspect deploy. `title` is the line a list shows: the offer for a suspect ("Roll back
    api a1b2c3d (deployed 12 min before detection)"), the name for a configured entry. `argv` runs
    without a shell, in `cwd` when set, after `capture_argv` (when set) has captured state.
    `command` is the command as a person would type it (a git rollback is typed in the repo).
    `not_runnable` says why it cannot be run ("" when it can). `deploy` and `before_detection_s`
    are the suspect's deploy and how long before detection it went out.
    """

    name: str
    kind: str
    argv: tuple[str, ...]
    timeout: float
    title: str
    origin: str  # "suspect" | "config"
    capture_argv: tuple[str, ...] = ()
    cwd: str | None = None
    command: str = ""
    not_runnable: str = ""
    deploy: Deploy | None = None
    before_detection_s: float | None = None

    @property
    def runnable(self) -> bool:
        return not self.not_runnable and bool(self.argv)

    @property
    def advice(self) -> str:
        """The playbook's "Do" for this option's kind."""
        return kind_advice(self.kind)

    @property
    def command_line(self) -> str:
        """The full argv as one shell-quoted line (what is shown before asking to run it)."""
        return shlex.join(self.argv) if self.argv else ""

    @property
    def capture_line(self) -> str:
        return shlex.join(self.capture_argv) if self.capture_argv else ""


def kind_option(kind: str) -> str:
    """The playbook's "If you can…" words for a kind (`Flip a feature flag`); the kind if unknown."""
    return KIND_WORDS.get(kind, (kind, ""))[0]


def kind_advice(kind: str) -> str:
    """The playbook's "Do" words for a kind (`Flip it off`); "" if unknown."""
    return KIND_WORDS.get(kind, ("", ""))[1]


def kind_rank(kind: str) -> int:
    """A kind's place in the playbook's order (unknown kinds last)."""
    return MITIGATION_KINDS.index(kind) if kind in MITIGATION_KINDS else len(MITIGATION_KINDS)


def rollback_target(deploy: Deploy) -> str:
    """What a rollback rolls back: the Kubernetes deployment (kubectl), else the deploys source
    (the service a git repo or command reports for)."""
    if deploy.revision is not None and deploy.ref:
        return deploy.ref
    return deploy.source


def gap_text(seconds: float) -> str:
    """`12 min`, `40 s`: how long before detection, minutes rounded to the nearest whole one from
    a minute on, seconds below it."""
    seconds = max(0.0, seconds)
    if seconds < 59.5:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def rollback_offer(deploy: Deploy, detected_at: datetime) -> str:
    """`Roll back api a1b2c3d (deployed 12 min before detection)`."""
    gap = (utc(detected_at) - utc(deploy.at)).total_seconds()
    when = "deployed at detection" if gap < 0.5 else f"deployed {gap_text(gap)} before detection"
    return f"Roll back {rollback_target(deploy)} {deploy.short} ({when})"


def suspect_name(deploy: Deploy) -> str:
    """`rollback api a1b2c3d`: the name `warroom mitigate` takes for a suspect's rollback."""
    return f"rollback {rollback_target(deploy)} {deploy.short}"


def suspect_rollbacks(
    deploys: Sequence[Deploy], detected_at: datetime, window: timedelta = RECENT
) -> list[MitigationOption]:
    """A rollback option per deploy in the window before detection (`deploys_before`), nearest first."""
    out: list[MitigationOption] = []
    for d in deploys_before(deploys, detected_at, window):
        gap = (utc(detected_at) - utc(d.at)).total_seconds()
        out.append(
            MitigationOption(
                name=suspect_name(d),
                kind="rollback",
                argv=tuple(d.rollback_argv),
                timeout=ROLLBACK_TIMEOUT,
                title=rollback_offer(d, detected_at),
                origin=ORIGIN_SUSPECT,
                cwd=d.rollback_cwd,
                command=d.rollback_command or (shlex.join(d.rollback_argv) if d.rollback_argv else ""),
                not_runnable="" if d.rollback_argv else NO_ROLLBACK,
                deploy=d,
                before_detection_s=gap,
            )
        )
    return out


def configured_option(entry: ConfiguredMitigation) -> MitigationOption:
    """A `[[mitigation]]` entry as an option."""
    argv = tuple(entry.argv)
    return MitigationOption(
        name=entry.name,
        kind=entry.kind,
        argv=argv,
        timeout=float(entry.timeout),
        title=entry.name,
        origin=ORIGIN_CONFIG,
        capture_argv=tuple(entry.capture_argv),
        command=shlex.join(argv) if argv else "",
        not_runnable="" if argv else "no argv configured",
    )


def mitigation_options(
    configured: Iterable[ConfiguredMitigation],
    deploys: Sequence[Deploy],
    detected_at: datetime | None,
) -> list[MitigationOption]:
    """Every option in the playbook's order: suspect rollbacks (nearest first; none without a
    detection time), then the configured entries by kind (rollback, flag, failover, restart,
    block), each kind in the config's order."""
    suspects = suspect_rollbacks(deploys, detected_at) if detected_at is not None else []
    entries = sorted((configured_option(c) for c in configured), key=lambda o: kind_rank(o.kind))  # stable
    return suspects + entries


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_option(options: Sequence[MitigationOption], name: str) -> MitigationOption | None:
    """The option `name` means, or None.

    Matched case-insensitively, with runs of spaces taken as one: first an option's name
    (`restart worker`, `rollback api a1b2c3d`) or title; then, for suspects, the deploy's short id
    (`a1b2c3d`, `rev 6`), its full id, or a prefix of at least 4 characters of it (`a1b2`), with or
    without the word `rollback` before it; that second step answers only when exactly one
    suspect matches.
    """
    wanted = _words(name)
    if not wanted:
        return None
    for option in options:
        if _words(option.name) == wanted or _words(option.title) == wanted:
            return option
    ref = wanted.removeprefix("rollback ").strip()
    matches = []
    for option in options:
        d = option.deploy
        if d is None:
            continue
        ids = (_words(d.short), _words(d.ident))
        if ref in ids or (len(ref) >= 4 and _words(d.ident).startswith(ref)):
            matches.append(option)
    return matches[0] if len(matches) == 1 else None


# --- "users okay?": what the record says about users, beside the question ----------------------


@record
class UsersSignal(Record):
    """One thing to look at before saying users are okay: a probe's latest state, or a log's
    latest error rate. `bad` marks a probe still down."""

    name: str  # "probe checkout-api", "log api errors"
    state: str  # "DOWN since 12:03:10 UTC", "UP since 12:10:02 UTC", "42/min at 12:09 UTC"
    bad: bool = False

    def line(self) -> str:
        return f"{self.name}: {self.state}"


def users_signals(events: Iterable[object], samples: Iterable[tuple[str, object, float]]) -> list[UsersSignal]:
    """The latest `probe.down`/`probe.up` per probe and the latest error-rate sample per log
    (`log.<name>.per_min`), from the record: the playbook's "confirm metrics, not the mitigation".
    `events` are `Event`s (kind, at, payload); `samples` are (series, at, value) rows."""
    probes: dict[str, UsersSignal] = {}
    for ev in events:
        kind = getattr(ev, "kind", "")
        if kind not in ("probe.down", "probe.up"):
            continue
        payload = getattr(ev, "payload", {}) or {}
        name = str(payload.get("probe") or "?")
        at = getattr(ev, "at", None)
        since = f" since {_clock(at)}" if isinstance(at, datetime) else ""
        down = kind == "probe.down"
        probes[name] = UsersSignal(f"probe {name}", ("DOWN" if down else "UP") + since, bad=down)
    rates: dict[str, UsersSignal] = {}
    for series, at, value in samples:
        if not (series.startswith("log.") and series.endswith(".per_min")):
            continue
        log = series[len("log.") : -len(".per_min")]
        when = at if isinstance(at, datetime) else _parse_time(str(at))
        shown = f"{value:g}/min" + (f" at {_clock(when)}" if when is not None else "")
        rates[log] = UsersSignal(f"log {log} errors", shown)  # rows come oldest first: the last stays
    return [probes[k] for k in sorted(probes)] + [rates[k] for k in sorted(rates)]


def _clock(at: datetime) -> str:
    return utc(at).strftime("%H:%M:%S UTC")


def _parse_time(text: str) -> datetime | None:
    try:
        return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None
