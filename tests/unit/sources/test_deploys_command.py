"""Deploys from a command whose output lines are deploys (format in sources/deploys.py)."""

import sys
from datetime import UTC, datetime, timedelta

from warroom.config.model import DeploysConfig
from warroom.domain.deploy_rules import DeployTracker
from warroom.sources.deploys import DeploysSource, parse_deploy_lines

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

OUTPUT = "\n".join(
    [
        "2026-11-26T11:50:00Z v1.42.0 Bump pool size",
        "2026-11-26T02:40:00-09:00\tv1.41.9\talice\tHotfix [bold]cache[/bold]\thelm rollback api 41 --namespace 'pay ments'",
        "1795690800 build-77",  # Unix seconds: 2026-11-26T11:00:00Z, no subject
        "NAME  REVISION  STATUS",  # a header: not a deploy, shown as-is
        "",
        "\x1b[31mgarbage\x1b[0m line",
    ]
)


def printing(text: str) -> tuple[str, ...]:
    return (sys.executable, "-c", f"import sys; sys.stdout.write({text!r})")


def source(argv):
    return DeploysSource(DeploysConfig(name="releases", kind="command", argv=tuple(argv)))


async def test_lines_become_deploys_newest_first_and_the_rest_is_kept_as_is():
    snap = await source(printing(OUTPUT)).collect(NOW)
    assert snap.error is None
    assert [d.ident for d in snap.deploys] == ["v1.42.0", "v1.41.9", "build-77"]  # by time, any zone
    bump, hotfix, build = snap.deploys
    assert hotfix.at == datetime(2026, 11, 26, 11, 40, tzinfo=UTC)
    assert (hotfix.author, hotfix.subject) == ("alice", "Hotfix [bold]cache[/bold]")
    assert hotfix.rollback_argv == ("helm", "rollback", "api", "41", "--namespace", "pay ments")
    assert hotfix.rollback_command == "helm rollback api 41 --namespace 'pay ments'"
    assert (bump.subject, bump.rollback_argv, bump.rollback_command) == ("Bump pool size", (), "")
    assert build.at == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
    assert snap.unparsed == ("NAME  REVISION  STATUS", "garbage line")
    text = snap.as_text()
    assert text.endswith("NAME  REVISION  STATUS\ngarbage line")
    assert "    rollback: helm rollback api 41 --namespace 'pay ments'" in text


async def test_new_line_is_a_new_deploy_event():
    tracker = DeployTracker()
    tracker.observe((await source(printing(OUTPUT)).collect(NOW)).deploys, NOW)
    later = NOW + timedelta(minutes=2)
    more = OUTPUT + "\n2026-11-26T12:01:00Z v1.43.0 Raise timeout\n"
    events = tracker.observe((await source(printing(more)).collect(later)).deploys, later)
    assert [(e.text, e.dedupe_key) for e in events] == [
        ("deploy releases v1.43.0: Raise timeout", "deploy:releases:v1.43.0")
    ]


async def test_failing_command_names_itself_but_keeps_what_it_printed():
    argv = (
        sys.executable,
        "-c",
        "print('2026-11-26T11:00:00Z r1 ok'); import sys; sys.stderr.write('boom\\n'); sys.exit(2)",
    )
    snap = await source(argv).collect(NOW)
    assert [d.ident for d in snap.deploys] == ["r1"]
    assert snap.error.endswith(": exit 2: boom")
    assert snap.error.startswith(sys.executable)


async def test_missing_binary_and_empty_argv():
    snap = await source(["no-such-deploy-lister"]).collect(NOW)
    assert snap.error == "no-such-deploy-lister: command not found: no-such-deploy-lister"
    snap = await source([]).collect(NOW)
    assert "needs argv" in snap.error


def test_unparseable_rollback_leaves_no_rollback():
    deploys, unparsed = parse_deploy_lines("x", "2026-11-26T11:00:00Z\tr2\tbob\tsubj\thelm rollback 'unclosed\n")
    assert [(d.ident, d.rollback_argv) for d in deploys] == [("r2", ())]
    assert unparsed == []
