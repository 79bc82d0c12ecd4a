"""`warroom export` and `warroom import` through the installed command, between real SQLite files:
the JSONL round trip is byte-identical, importing twice changes nothing, a bad line names the file
and line and imports nothing, and no export (md, json, jsonl) carries a secret."""

from __future__ import annotations

import json
import os
import pwd
import stat
from datetime import UTC, datetime, timedelta

#: Who really wrote the events (the test runs `warroom` as this OS login on this host).
WHERE = f"{pwd.getpwuid(os.getuid()).pw_name}@{os.uname().nodename}"


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result


def _incident_with_history(run_warroom) -> None:
    """INC-1 (a decoy, its events interleaved) and INC-2, the one exported, with a full history."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    _ok(run_warroom("declare", "Decoy", "--sev", "4"))
    _ok(
        run_warroom(
            "declare",
            "Checkout returns 500",
            "--sev",
            "2",
            "--impact",
            "EU card payments fail",
            "--started-at",
            _iso(start),
            "--detected-at",
            _iso(start + timedelta(minutes=4)),
        )
    )
    _ok(run_warroom("note", "decoy note", "--incident", "INC-1"))
    _ok(run_warroom("role", "ic", "alice", "--incident", "INC-2"))
    _ok(run_warroom("ack", "--incident", "INC-2", "--at", _iso(start + timedelta(minutes=6))))
    _ok(run_warroom("note", "error rate x40 on api", "--incident", "2", "--as", "bob"))
    _ok(run_warroom("sev", "1", "--incident", "2", "--reason", "all regions"))
    _ok(run_warroom("mitigated", "rolled back a1b2c3d", "--incident", "2", "--at", _iso(start + timedelta(minutes=30))))
    _ok(
        run_warroom(
            "resolve",
            "error rate at baseline",
            "--incident",
            "2",
            "--as",
            "alice",
            "--at",
            _iso(start + timedelta(minutes=75)),
        )
    )


def test_jsonl_round_trip_is_identical_and_importing_twice_changes_nothing(run_warroom, tmp_path):
    _incident_with_history(run_warroom)
    exported = _ok(run_warroom("export", "INC-2", "--format", "jsonl"))
    lines = exported.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["kind"] for r in records][:2] == ["incident.declared", "role.assigned"]
    assert all(r["incident_id"] == 2 for r in records) and len(records) == 7
    for line, rec in zip(lines, records):
        assert list(rec) == sorted(rec)  # stable key order: diffable
        assert line == json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert set(rec) == {
            "id",
            "incident_id",
            "at",
            "recorded_at",
            "kind",
            "actor",
            "payload",
            "origin",
            "dedupe_key",
        }
        assert rec["origin"]["host"] == os.uname().nodename and rec["origin"]["user"] and rec["origin"]["pid"]
    assert records[3]["actor"] == "bob" and records[3]["payload"] == {"text": "error rate x40 on api"}

    export_file = tmp_path / "inc2.jsonl"
    written = _ok(run_warroom("export", "2", "--format", "jsonl", "-o", str(export_file)))
    assert "INC-2 exported as jsonl" in written.stdout
    assert export_file.read_text() == exported.stdout
    assert stat.S_IMODE(export_file.stat().st_mode) == 0o600

    fresh = tmp_path / "laptop" / "review.db"
    fresh.parent.mkdir()
    imported = _ok(run_warroom("import", str(export_file), "--db", str(fresh)))
    assert imported.stdout.strip() == "INC-2 imported: 7 events"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    again = _ok(run_warroom("export", "INC-2", "--format", "jsonl", "--db", str(fresh)))
    assert again.stdout == exported.stdout  # byte-identical, ids and incident number kept

    twice = _ok(run_warroom("import", str(export_file), "--db", str(fresh)))
    assert twice.stdout.strip() == "INC-2 was already here with every event: nothing changed"
    assert _ok(run_warroom("export", "2", "--format", "jsonl", "--db", str(fresh))).stdout == exported.stdout
    listed = json.loads(_ok(run_warroom("list", "--json", "--db", str(fresh))).stdout)
    assert [(r["id"], r["title"], r["severity"]) for r in listed] == [("INC-2", "Checkout returns 500", "SEV-1")]
    document = json.loads(_ok(run_warroom("export", "INC-2", "--format", "json", "--db", str(fresh))).stdout)
    assert document["format"] == "warroom-incident" and document["incident"]["id"] == "INC-2"
    assert document["incident"]["severity"] == "SEV-1" and document["incident"]["metrics"]["mttm"] == 30 * 60
    assert [e["id"] for e in document["events"]] == [r["id"] for r in records]
    assert document["events"][-1]["text"] == "incident resolved: error rate at baseline"
    assert document["samples"] == []
    original = json.loads(_ok(run_warroom("show", "INC-2", "--json")).stdout)
    copy = json.loads(_ok(run_warroom("show", "INC-2", "--json", "--db", str(fresh))).stdout)
    assert copy["milestones"] == original["milestones"] and copy["metrics"] == original["metrics"]


def test_import_adds_only_missing_events_and_renumbers_when_the_number_is_taken(run_warroom, tmp_path):
    _incident_with_history(run_warroom)
    early = tmp_path / "early.jsonl"
    _ok(run_warroom("export", "INC-2", "--format", "jsonl", "-o", str(early)))
    _ok(run_warroom("note", "postmortem scheduled", "--incident", "INC-2"))
    later = tmp_path / "later.jsonl"
    _ok(run_warroom("export", "INC-2", "--format", "jsonl", "-o", str(later)))

    other = str(tmp_path / "other.db")
    for title in ("Their first", "Their second"):  # this database's own INC-1 and INC-2
        _ok(run_warroom("declare", title, "--sev", "3", "--db", other))
    first = _ok(run_warroom("import", str(early), "--db", other))
    assert first.stdout.strip() == "INC-3 (INC-2 in the file) imported: 7 events"
    _ok(run_warroom("note", "reviewed on the laptop", "--incident", "INC-3", "--db", other))
    merged = _ok(run_warroom("import", str(later), "--db", other))
    assert merged.stdout.strip() == "INC-3 (INC-2 in the file) was already here: 1 missing events added"
    again = _ok(run_warroom("import", str(later), "--db", other))
    assert "nothing changed" in again.stdout

    timeline = json.loads(_ok(run_warroom("show", "INC-3", "--json", "--db", other)).stdout)["timeline"]
    notes = [e["payload"]["text"] for e in timeline if e["kind"] == "note"]
    assert sorted(notes) == ["error rate x40 on api", "postmortem scheduled", "reviewed on the laptop"]
    titles = [r["title"] for r in json.loads(_ok(run_warroom("list", "--json", "--db", other)).stdout)]
    assert titles == ["Their first", "Their second", "Checkout returns 500"]


def test_a_malformed_line_names_file_and_line_and_imports_nothing(run_warroom, tmp_path):
    _incident_with_history(run_warroom)
    lines = _ok(run_warroom("export", "INC-2", "--format", "jsonl")).stdout.splitlines()
    target = str(tmp_path / "target.db")
    _ok(run_warroom("declare", "Already here", "--sev", "3", "--db", target))

    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:4], '{"kind": "note", "at": ', *lines[4:]]) + "\n")
    refused = run_warroom("import", str(broken), "--db", target)
    assert refused.returncode != 0 and refused.stdout == ""
    assert f"{broken} line 5: not JSON" in refused.stderr and "nothing was imported" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr

    bad_time = tmp_path / "bad_time.jsonl"
    record = json.loads(lines[2]) | {"at": "yesterday"}
    bad_time.write_text("\n".join([lines[0], lines[1], json.dumps(record), *lines[3:]]) + "\n")
    refused = run_warroom("import", str(bad_time), "--db", target)
    assert refused.returncode != 0 and f"{bad_time} line 3: 'at' is not a time" in refused.stderr

    headless = tmp_path / "headless.jsonl"
    headless.write_text("\n".join(lines[1:]) + "\n")
    refused = run_warroom("import", str(headless), "--db", target)
    assert refused.returncode != 0 and "INC-2 has no incident.declared line" in refused.stderr

    document = tmp_path / "inc2.json"
    _ok(run_warroom("export", "INC-2", "--format", "json", "-o", str(document)))
    refused = run_warroom("import", str(document), "--db", target)
    assert refused.returncode != 0 and "looks like a `--format json` document" in refused.stderr

    listed = json.loads(_ok(run_warroom("list", "--json", "--db", target)).stdout)
    assert [r["title"] for r in listed] == ["Already here"]  # nothing half-imported
    assert not (tmp_path / "never.db").exists()
    assert run_warroom("import", str(broken), "--db", str(tmp_path / "never.db")).returncode != 0
    assert not (tmp_path / "never.db").exists()  # checked before any database is touched


def test_secrets_are_redacted_in_every_export(run_warroom, tmp_path):
    (tmp_path / "warroom.toml").write_text(
        '[[probe]]\nname = "api"\nurl = "https://api.example.com/health"\nheaders = { X-Check = "${CHECK_VALUE}" }\n'
    )
    env = {"CHECK_VALUE": "plainvalue42"}
    _ok(run_warroom("declare", "Token leak plainvalue42", "--sev", "2", "--impact", "see plainvalue42", env=env))
    _ok(run_warroom("note", "the check value is plainvalue42", env=env))
    _ok(
        run_warroom(
            "note",
            "curl https://deploy:hunter2hunter2@api.example.com/v1?token=abcdef123456 "
            "-H 'Authorization: Bearer sk_live_51Habcdefghijkl'",
        )
    )
    secrets = ("plainvalue42", "hunter2hunter2", "abcdef123456", "sk_live_51Habcdefghijkl")
    for fmt in ("md", "json", "jsonl"):
        out = _ok(run_warroom("export", "INC-1", "--format", fmt, env=env)).stdout
        assert not [s for s in secrets if s in out], (fmt, out)
        assert "***" in out and "api.example.com" in out
    md = _ok(run_warroom("export", "INC-1", "--format", "md", env=env)).stdout
    assert md.startswith("# INC-1: Token leak ***\n")
    assert "- **Severity:** SEV-2 (highest reached)" in md and "## Timeline (UTC)" in md
    assert any(line.endswith(f" — the check value is *** (tester · {WHERE})") for line in md.splitlines()), md
    jsonl = tmp_path / "leak.jsonl"
    _ok(run_warroom("export", "1", "--format", "jsonl", "-o", str(jsonl), env=env))
    copy = str(tmp_path / "copy.db")
    _ok(run_warroom("import", str(jsonl), "--db", copy))
    shown = _ok(run_warroom("show", "INC-1", "--json", "--db", copy)).stdout
    assert not [s for s in secrets if s in shown]


def test_markdown_record_has_header_milestones_and_the_timeline_in_catalogue_words(run_warroom):
    _incident_with_history(run_warroom)
    md = _ok(run_warroom("export", "INC-2")).stdout  # md is the default
    lines = md.splitlines()
    assert lines[0] == "# INC-2: Checkout returns 500"
    assert "- **Impact:** EU card payments fail" in lines
    assert "- **Duration:** " in md and "(75 minutes)" in md
    assert any(
        line.startswith("- **Severity:** SEV-1 (highest reached); declared SEV-2, then SEV-2 → SEV-1") for line in lines
    )
    assert "- **Roles:** Incident Commander: alice" in lines
    assert "- MTTD 4m · MTTA 2m · MTTM 30m · MTTR 1h 15m" in lines
    timeline = lines[lines.index("## Timeline (UTC)") + 2 :]
    assert all(line.startswith("- ") and " — " in line for line in timeline)
    assert any(line.endswith(f"— mitigation applied: rolled back a1b2c3d (tester · {WHERE})") for line in timeline)
    assert any(f" — incident acknowledged (tester · {WHERE})" in line for line in timeline)
    assert "decoy" not in md.lower()
    assert "## Action items" not in md and "## Root cause" not in md  # a record, not the postmortem


def _state(run_warroom, incident: str, db: str | None = None) -> dict:
    """`show --json` as a state: what the fold made, without the numbers a copy may change."""
    shown = json.loads(_ok(run_warroom("show", incident, "--json", *(["--db", db] if db else []))).stdout)
    for key in ("id", "number"):
        shown.pop(key)
    shown["timeline"] = [(e["at"], e["kind"], e["actor"], e["text"]) for e in shown["timeline"]]
    return shown


def test_a_partial_and_a_full_export_imported_in_either_order_fold_to_the_source_state(run_warroom, tmp_path):
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    _ok(run_warroom("declare", "Decoy", "--sev", "4"))
    _ok(
        run_warroom(
            "declare", "Checkout returns 500", "--sev", "3", "--started-at", _iso(start), "--detected-at", _iso(start)
        )
    )
    _ok(run_warroom("role", "ic", "alice", "--incident", "2"))
    _ok(run_warroom("note", "decoy note", "--incident", "INC-1"))
    _ok(run_warroom("sev", "1", "--incident", "2", "--reason", "all regions"))
    partial = tmp_path / "partial.jsonl"  # exported while the incident was still going on
    _ok(run_warroom("export", "INC-2", "--format", "jsonl", "-o", str(partial)))
    _ok(run_warroom("note", "decoy again", "--incident", "INC-1"))
    _ok(
        run_warroom(
            "sev", "2", "--incident", "2", "--reason", "one region", "--at", _iso(start + timedelta(minutes=90))
        )
    )
    _ok(run_warroom("role", "ic", "bob", "--incident", "2"))
    _ok(run_warroom("note", "back-dated note", "--incident", "2", "--at", _iso(start + timedelta(minutes=10))))
    _ok(
        run_warroom(
            "resolve", "fixed for good", "--incident", "2", "--yes", "--at", _iso(start + timedelta(minutes=120))
        )
    )
    full = tmp_path / "full.jsonl"
    _ok(run_warroom("export", "INC-2", "--format", "jsonl", "-o", str(full)))
    source = _state(run_warroom, "INC-2")
    assert source["severity"] == "SEV-2" and source["roles"]["Incident Commander"]["person"] == "bob"

    for order in ((partial, full), (full, partial)):
        for their_own in (False, True):
            db = str(tmp_path / f"copy-{order[0].stem}-{their_own}.db")
            if their_own:  # a database with its own incidents (the number is taken), written to between imports
                for title in ("Theirs", "Theirs too"):
                    _ok(run_warroom("declare", title, "--sev", "3", "--db", db))
            for i, file in enumerate(order):
                imported = _ok(run_warroom("import", str(file), "--db", db))
                assert imported.stderr == ""
                if their_own and i == 0:
                    _ok(run_warroom("note", "their note", "--incident", "INC-1", "--db", db))
            number = "INC-3" if their_own else "INC-2"
            assert _state(run_warroom, number, db) == source, (order, their_own)


def test_hand_picked_lines_merged_before_the_rest_say_the_state_may_differ(run_warroom, tmp_path):
    _incident_with_history(run_warroom)
    full = tmp_path / "full.jsonl"
    _ok(run_warroom("export", "INC-2", "--format", "jsonl", "-o", str(full)))
    lines = full.read_text().splitlines()
    picked = tmp_path / "picked.jsonl"  # the declaration and the resolution only
    picked.write_text("\n".join([lines[0], lines[-1]]) + "\n")
    db = str(tmp_path / "copy.db")
    _ok(run_warroom("import", str(picked), "--db", db))
    merged = _ok(run_warroom("import", str(full), "--db", db))
    assert merged.stdout.strip() == "INC-2 was already here: 5 missing events added"
    assert merged.stderr.strip() == (
        f"warroom: INC-2: 5 of the added events come before events already here in {full}, yet fold after "
        "them (events fold in the order they were added): its state may differ from the file's; import the "
        "whole file into a fresh database to keep its order"
    )
    again = _ok(run_warroom("import", str(full), "--db", db))
    assert "nothing changed" in again.stdout and again.stderr == ""
