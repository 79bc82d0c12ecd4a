"""`warroom stats [--since 90d] [--json]`: MTTD, MTTA, MTTM and MTTR over time.

Each metric comes from an incident's milestones (`domain.metrics`): drills are left out, and an
incident missing one of a metric's two milestones (still open, never acknowledged) is left out of
that metric only. Summaries are grouped by the worst severity each incident reached and by the
month (UTC) its impact started.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import now_utc, open_store, warn_unreadable
from warroom.domain.events import format_ts
from warroom.domain.incident import IncidentState
from warroom.domain.metrics import (
    METRIC_DEFINITIONS,
    METRIC_NAMES,
    MetricSummary,
    aggregate,
    by_month,
    by_severity,
    format_duration,
    incident_metrics,
    incident_start,
)
from warroom.errors import UserError
from warroom.layout.sparkline_text import bar, sparkline
from warroom.sanitize import terminal_json

#: `warroom stats --help`'s closing text: what each metric measures (README says the same).
EPILOG = "\n".join(
    [
        "metrics, from each incident's milestones (`warroom show` lists them; `warroom milestone`",
        "back-dates one):",
        *(f"  {name.upper()}  {text}" for name, text in METRIC_DEFINITIONS.items()),
        "",
        "Drills (`declare --drill`) are left out. An incident counts in the window, and in a month,",
        "by when its impact started (UTC), and under the worst severity it reached. COUNT is how",
        "many incidents had both milestones of a metric (an open incident has no MTTR yet); the",
        "median and the p90 (nearest rank: a value some incident really had) are over those.",
    ]
)

#: `warroom stats`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg(
        "--since",
        default="90d",
        metavar="SPAN",
        help="incidents whose impact started within SPAN before now: 90d, 12h, 2d12h (d days, h hours, "
        "m minutes), or 'all' (default 90d)",
    ),
    Arg("--json", action="store_true", help="machine-readable output"),
)

#: The bar chart's widest bar, in cells: the month, the bar and the figure fit in 80 columns.
BAR_WIDTH = 40


def parse_since(text: str, now: datetime) -> datetime | None:
    """The window's start for `--since` (None for `all`); a one-line UserError otherwise."""
    if text.strip().lower() == "all":
        return None
    from warroom.domain.timeparse import parse_duration

    try:
        span = parse_duration(text)
    except ValueError as exc:
        raise UserError(f"--since: {exc}; or 'all'") from None
    return now - span


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _summary_json(summary: MetricSummary) -> dict[str, int | None]:
    return {
        "count": summary.count,
        "median_seconds": _seconds(summary.median),
        "p90_seconds": _seconds(summary.p90),
        "mean_seconds": _seconds(summary.mean),
    }


def _group_json(states: list[IncidentState]) -> dict[str, Any]:
    return {"incidents": len(states)} | {n: _summary_json(s) for n, s in aggregate(states).items()}


def stats_json(states: list[IncidentState], since: datetime | None, now: datetime) -> dict[str, Any]:
    """The whole report as data: what `--json` prints (and what the text is drawn from)."""
    in_window = [s for s in states if since is None or incident_start(s) >= since]
    real = [s for s in in_window if not s.drill]
    return {
        "since": format_ts(since) if since else None,
        "until": format_ts(now),
        "incidents": len(real),
        "open": sum(1 for s in real if s.is_open),
        "drills_left_out": [s.short_id for s in in_window if s.drill],
        "older_than_window": sum(1 for s in states if not s.drill and since is not None and incident_start(s) < since),
        "definitions": dict(METRIC_DEFINITIONS),
        "overall": _group_json(real),
        "by_severity": {sev: _group_json(group) for sev, group in by_severity(real).items()},
        "by_month": [{"month": month} | _group_json(group) for month, group in by_month(real).items()],
        "per_incident": [
            {
                "id": s.short_id,
                "title": s.title,
                "severity": s.peak_severity.label,
                "started_at": format_ts(incident_start(s)),
                "open": s.is_open,
            }
            | {f"{n}_seconds": _seconds(getattr(incident_metrics(s), n)) for n in METRIC_NAMES}
            for s in sorted(real, key=incident_start)
        ],
    }


def _duration(seconds: int | None) -> str:
    return format_duration(None if seconds is None else timedelta(seconds=seconds))


def _window_words(report: dict[str, Any], since_text: str) -> str:
    if report["since"] is None:
        return "ever"
    return f"in the last {since_text} (since {report['since'][:16].replace('T', ' ')} UTC)"


def _drills_line(drills: list[str]) -> str:
    """`1 drill left out (INC-4)`; a long list is cut so the line fits 80 columns."""
    if not drills:
        return ""
    shown = ", ".join(drills[:6]) + (", …" if len(drills) > 6 else "")
    return f"{len(drills)} drill{'s' if len(drills) != 1 else ''} left out ({shown})"


def render_text(report: dict[str, Any], since_text: str) -> str:
    """The report for a terminal: every line fits 80 columns."""
    window = _window_words(report, since_text)
    drills = _drills_line(report["drills_left_out"])
    if not report["incidents"]:
        lines = [f"no incidents started {window}: nothing to measure"]
        if drills:
            lines.append(drills)
        if report["older_than_window"]:
            lines.append(f"{report['older_than_window']} older: widen the window, e.g. `warroom stats --since all`")
        return "\n".join(lines)
    count = report["incidents"]
    still_open = f"; {report['open']} still open" if report["open"] else ""
    lines = [
        f"{count} incident{'s' if count != 1 else ''} started {window}",
        f"{drills or 'no drills in the window'}{still_open}",
        *(f"  {n.upper()}  {text}" for n, text in report["definitions"].items()),
        "  COUNT: incidents with both milestones; P90: nearest rank.",
        "",
        "By severity (the worst each incident reached)",
        f"{'':<7}{'':<6}{'COUNT':>5}  {'MEDIAN':<9} P90",
    ]
    groups = [("all", report["overall"]), *report["by_severity"].items()]
    for label, group in groups:
        for name in METRIC_NAMES:
            cell = group[name]
            lines.append(
                f"{label:<7}{name.upper():<6}{cell['count']:>5}  "
                f"{_duration(cell['median_seconds']):<9} {_duration(cell['p90_seconds']):<9}".rstrip()
            )
    months = report["by_month"]
    lines += [
        "",
        "Trend by month (UTC; medians)",
        (f"{'MONTH':<9}{'INCIDENTS':>9}  " + "".join(f"{n.upper():<9}" for n in METRIC_NAMES)).rstrip(),
    ]
    for row in months:
        medians = "".join(f"{_duration(row[n]['median_seconds']):<9}" for n in METRIC_NAMES)
        lines.append(f"{row['month']:<9}{row['incidents']:>9}  {medians}".rstrip())
    lines += ["", *_chart(months), "", *_per_incident(report["per_incident"])]
    return "\n".join(lines)


def _per_incident(rows: list[dict[str, Any]]) -> list[str]:
    """One line per incident in the window, oldest first: which one moved the median or the p90."""
    lines = ["Incidents (worst severity reached; `warroom show ID` for the milestones)"]
    lines.append(f"{'ID':<9}{'SEV':<7}{'STARTED (UTC)':<18}" + "".join(f"{n.upper():<9}" for n in METRIC_NAMES))
    for row in rows:
        figures = "".join(f"{_duration(row[f'{n}_seconds']):<9}" for n in METRIC_NAMES)
        started = row["started_at"][:16].replace("T", " ")
        lines.append(f"{row['id']:<9}{row['severity']:<7}{started:<18}{figures}".rstrip())
    return [line.rstrip() for line in lines]


def _chart(months: list[dict[str, Any]]) -> list[str]:
    """MTTR's monthly median as bars (one month a line, longest bar = slowest month), then a
    one-line sparkline per metric across the same months (`·` for a month without a value)."""
    values = [row["mttr"]["median_seconds"] for row in months]
    top = max((v for v in values if v is not None), default=0)
    lines = ["MTTR median by month"]
    for row, value in zip(months, values):
        gauge = bar(value / top if top and value is not None else 0.0, BAR_WIDTH)
        lines.append(f"{row['month']:<9}{gauge} {_duration(value)}")
    span = f"{months[0]['month']} → {months[-1]['month']}"
    lines += ["", f"Medians by month, {span} (each line scaled to its own largest)"]
    for name in METRIC_NAMES:
        series = [row[name]["median_seconds"] for row in months]
        lines.append(f"{name.upper():<6}{sparkline([None if v is None else float(v) for v in series])}")
    return lines


def run(args: argparse.Namespace) -> int:
    now = now_utc()
    since = parse_since(args.since, now)
    with open_store(args) as store:
        states = store.incidents()
    warn_unreadable(states)
    report = stats_json(states, since, now)
    if args.json:
        print(terminal_json(report, indent=2))
        return 0
    if not states:
        print("no incidents yet: nothing to measure (`warroom declare TITLE --sev N` starts one)")
        return 0
    print(render_text(report, args.since.strip()))
    return 0
