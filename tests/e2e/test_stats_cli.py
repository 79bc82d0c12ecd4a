"""`warroom stats` through the installed command, on a real database: MTTx from milestones placed
with `--at` at known times, grouped by the worst severity reached and by month, drills left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _incident(run_warroom, title: str, sev: str, start: datetime, minutes: dict[str, int], *extra: str) -> str:
    """Declare an incident whose milestones land `minutes` after `start` (detected, ack, ...)."""
    declared = run_warroom(
        "declare",
        title,
        "--sev",
        sev,
        "--started-at",
        _iso(start),
        "--detected-at",
        _iso(start + timedelta(minutes=minutes["detected"])),
        *extra,
    )
    assert declared.returncode == 0, declared.stderr
    ref = declared.stdout.strip()
    steps = [("ack", "acknowledged"), ("mitigated", "mitigated"), ("resolve", "resolved")]
    for command, name in steps:
        if name in minutes:
            words = [command, "--incident", ref, "--at", _iso(start + timedelta(minutes=minutes[name]))]
            if command == "mitigated":
                words.insert(1, "rolled back")
            done = run_warroom(*words)
            assert done.returncode == 0, done.stderr
    return ref


def _month(when: datetime) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def test_stats_by_severity_and_month_from_known_milestones_with_drills_left_out(run_warroom):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    early, late = now - timedelta(days=50), now - timedelta(days=10)
    inc1 = _incident(
        run_warroom, "Checkout 500", "2", early, {"detected": 5, "acknowledged": 7, "mitigated": 30, "resolved": 70}
    )
    inc2 = _incident(run_warroom, "Login slow", "3", late, {"detected": 20, "acknowledged": 21})
    assert run_warroom("sev", "1", "--incident", inc2, "--reason", "all regions").returncode == 0
    for command, minutes in (("mitigated", 60), ("resolve", 120)):
        words = [command, "--incident", inc2, "--at", _iso(late + timedelta(minutes=minutes))]
        assert run_warroom(*words, *(["flag off"] if command == "mitigated" else [])).returncode == 0
    inc3 = _incident(
        run_warroom,
        "Search errors",
        "2",
        late + timedelta(days=1),
        {"detected": 10, "acknowledged": 12, "mitigated": 40, "resolved": 50},
    )
    drill = _incident(
        run_warroom, "Game day", "1", early, {"detected": 180, "acknowledged": 200, "resolved": 300}, "--drill"
    )
    _incident(run_warroom, "Old one", "2", now - timedelta(days=120), {"detected": 1, "resolved": 2})
    still_open = _incident(run_warroom, "Queue backlog", "4", now - timedelta(minutes=30), {"detected": 3})

    shown = run_warroom("stats", "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["incidents"] == 4 and report["open"] == 1
    assert report["drills_left_out"] == [drill] and report["older_than_window"] == 1
    overall = report["overall"]
    # MTTD: 5, 20, 10 and 3 minutes -> median 7m30s, p90 (nearest rank) 20m.
    assert overall["mttd"] == {"count": 4, "median_seconds": 450, "p90_seconds": 1200, "mean_seconds": 570}
    # MTTR only for the three resolved: 70, 120, 50 minutes.
    assert overall["mttr"]["count"] == 3 and overall["mttr"]["median_seconds"] == 70 * 60
    assert overall["mttr"]["p90_seconds"] == 120 * 60
    # MTTA is detected -> acknowledged: 2, 1 and 2 minutes.
    assert overall["mtta"]["median_seconds"] == 120 and overall["mtta"]["count"] == 3
    by_sev = report["by_severity"]
    assert list(by_sev) == ["SEV-1", "SEV-2", "SEV-4"]  # INC-2 counts at SEV-1, the worst it reached
    assert by_sev["SEV-1"]["incidents"] == 1 and by_sev["SEV-1"]["mttm"]["median_seconds"] == 3600
    assert by_sev["SEV-2"]["incidents"] == 2
    assert by_sev["SEV-2"]["mttd"]["median_seconds"] == 450  # (5m + 10m) / 2
    assert by_sev["SEV-2"]["mttm"] == {
        "count": 2,
        "median_seconds": 35 * 60,
        "p90_seconds": 40 * 60,
        "mean_seconds": 35 * 60,
    }
    assert by_sev["SEV-4"]["mttr"]["count"] == 0 and by_sev["SEV-4"]["mttr"]["median_seconds"] is None
    months = [row["month"] for row in report["by_month"]]
    assert months[0] == _month(early) and months[-1] == _month(now)
    first = report["by_month"][0]
    assert first["incidents"] == 1 and first["mttr"]["median_seconds"] == 70 * 60  # the drill is not in it
    per_incident = {row["id"]: row for row in report["per_incident"]}
    assert set(per_incident) == {inc1, inc2, inc3, still_open}
    assert per_incident[inc1]["mttd_seconds"] == 300 and per_incident[inc1]["mtta_seconds"] == 120
    assert per_incident[inc1]["mttm_seconds"] == 1800 and per_incident[inc1]["mttr_seconds"] == 4200
    assert per_incident[still_open]["mttr_seconds"] is None

    text = run_warroom("stats")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert lines[0].startswith("4 incidents started in the last 90d")
    assert lines[1] == f"1 drill left out ({drill}); 1 still open"
    assert "SEV-1  MTTM      1  1h 00m    1h 00m" in lines
    assert "SEV-2  MTTD      2  7m 30s    10m" in lines
    assert "all    MTTR      3  1h 10m    2h 00m" in lines
    assert any(line.startswith(_month(early)) and "1h 10m" in line for line in lines)
    chart = lines[lines.index("MTTR median by month") + 1 :]
    assert chart[0].startswith(_month(early)) and "█" in chart[0]
    assert any(line.startswith("MTTR  ") and "▁" <= line[6] <= "█" for line in lines)

    listing = lines[lines.index("Incidents (worst severity reached; `warroom show ID` for the milestones)") + 2 :]
    assert [line.split()[0] for line in listing] == [inc1, inc2, inc3, still_open]
    assert listing[0].split()[1] == "SEV-2" and listing[0].endswith("5m       2m       30m      1h 10m")
    assert listing[1].split()[1] == "SEV-1"  # raised after declaring at SEV-3

    everything = json.loads(run_warroom("stats", "--since", "all", "--json").stdout)
    assert everything["incidents"] == 5 and everything["since"] is None


def test_stats_says_so_when_there_is_nothing_to_measure(run_warroom):
    empty = run_warroom("stats")
    assert empty.returncode == 0 and "no incidents yet: nothing to measure" in empty.stdout
    assert json.loads(run_warroom("stats", "--json").stdout)["incidents"] == 0

    now = datetime.now(UTC)
    _incident(run_warroom, "Last quarter", "2", now - timedelta(days=100), {"detected": 5, "resolved": 30})
    _incident(run_warroom, "Practice", "1", now - timedelta(hours=2), {"detected": 5}, "--drill")
    none = run_warroom("stats", "--since", "30d")
    assert none.returncode == 0, none.stderr
    assert none.stdout.splitlines()[0].startswith("no incidents started in the last 30d")
    assert "1 drill left out" in none.stdout and "1 older" in none.stdout and "--since all" in none.stdout

    bad = run_warroom("stats", "--since", "a while")
    assert bad.returncode != 0 and bad.stdout == ""
    assert "--since" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_stats_help_defines_each_metric(run_warroom):
    shown = run_warroom("stats", "--help")
    assert shown.returncode == 0
    assert "MTTD  time to detect: started (impact began) -> detected" in shown.stdout
    assert "MTTA  time to acknowledge: detected -> acknowledged" in shown.stdout
    assert "MTTR  time to resolve: started -> resolved" in shown.stdout
