"""The health pane against a real local HTTP server: states in words, codes, latency, status pages."""

from __future__ import annotations

from tests.support.http_server import TestHTTPServer, closed_port_url
from tests.ui.test_panes_support import PanesApp, all_rows_shown, pane_text, wait_for
from warroom.config.model import Config, ProbeConfig, Secret, StatusPageConfig
from warroom.ui.widgets.probes import ProbesPane

HOSTILE = "[@click=app.quit]x[/] [link=file:///etc/passwd]pw[/link] \x1b]52;c;aGk=\x07\x1b[2J"


def rows(app: PanesApp) -> list[str]:
    """One row per probe or page (the detail rows under them, indented, left out)."""
    return [r for r in app.query_one(ProbesPane).row_list.texts if not r.startswith(" ")]


def details(app: PanesApp) -> list[str]:
    return [r.strip() for r in app.query_one(ProbesPane).row_list.texts if r.startswith(" ")]


async def test_up_down_and_unreachable_probes_read_in_words() -> None:
    with TestHTTPServer() as srv:
        config = Config(
            probes=(
                ProbeConfig("checkout-api", Secret(srv.url("/ok")), interval=0.05),
                ProbeConfig("search", Secret(srv.url("/health")), interval=0.05),
                ProbeConfig("payments", Secret(closed_port_url("/health")), interval=0.05, timeout=1),
            )
        )
        srv.fail("/health", 503)
        app = PanesApp(config)
        async with app.run_test(size=(120, 30)) as pilot:
            pane = app.query_one(ProbesPane)
            await wait_for(
                pilot, lambda: all(len(pane.history[k].latencies) >= 2 for k in pane.history), "two results each"
            )
            await all_rows_shown(pilot, pane)
            # Detail rows come a frame after the pane's height is shared out.
            await wait_for(pilot, lambda: len(details(app)) == 3, "a detail row under each probe")
            up, down, refused = rows(app)
            assert up.startswith("✔ UP") and "checkout-api" in up and " 200 " in up and "ms" in up
            assert down.startswith("✖ DOWN") and " 503 " in down and "503 (expected 200-399)" in down
            assert refused.startswith("✖ DOWN") and " --- " in refused and "refused" in refused.lower()
            assert any(ch in up for ch in "▁▂▃▄▅▆▇█"), "a latency sparkline"
            # Room to spare: each probe's request under it, a failing one's body too.
            assert details(app)[0] == f"↳ GET {srv.url('/ok')}"
            assert details(app)[1].startswith(f"↳ GET {srv.url('/health')} · body: ")
            # The endpoint comes back: after two successes the probe reads UP again.
            srv.recover("/health")
            await wait_for(pilot, lambda: rows(app)[1].startswith("✔ UP"), "search to recover")


async def test_one_failure_is_flagged_but_not_yet_down() -> None:
    with TestHTTPServer() as srv:
        config = Config(probes=(ProbeConfig("api", Secret(srv.url("/health")), interval=0.3, fail_threshold=2),))
        app = PanesApp(config)
        async with app.run_test(size=(120, 20)) as pilot:
            pane = app.query_one(ProbesPane)
            await wait_for(pilot, lambda: rows(app)[0].startswith("✔ UP"), "UP")
            srv.fail("/health", 500)
            count = len(pane.history["probe:api"].latencies)
            await wait_for(pilot, lambda: len(pane.history["probe:api"].latencies) > count, "the failing result")
            await pilot.pause()
            row = rows(app)[0]
            # The first failure of a streak is not a ✔: it reads as what it is.
            assert row.startswith("▲ UP · 1 failure (500)") and "✔" not in row, row
            assert " 500 " in row and "api" in row
            srv.recover("/health")  # it answered 500 once: the next success reads ✔ UP again
            await wait_for(pilot, lambda: rows(app)[0].startswith("✔ UP "), "UP again")


async def test_a_503_once_reads_up_one_failure_and_counts_on() -> None:
    with TestHTTPServer() as srv:
        config = Config(
            probes=(
                ProbeConfig("checkout", Secret(srv.url("/health")), interval=0.3, fail_threshold=3),
                ProbeConfig("login", Secret(srv.url("/ok")), interval=0.3),
            )
        )
        app = PanesApp(config)
        async with app.run_test(size=(120, 20)) as pilot:
            pane = app.query_one(ProbesPane)
            history = pane.history["probe:checkout"]
            await wait_for(pilot, lambda: rows(app)[0].startswith("✔ UP"), "UP")
            srv.fail("/health", 503)
            count = len(history.latencies)
            await wait_for(pilot, lambda: len(history.latencies) > count, "the 503")
            await pilot.pause()
            first, other = rows(app)
            assert first.startswith("▲ UP · 1 failure (503)") and "✔" not in first, first
            # The columns stay aligned: the healthy probe's name starts where the failing one's does.
            assert other.startswith("✔ UP") and other.index("login") == first.index("checkout")
            await wait_for(pilot, lambda: rows(app)[0].startswith("▲ UP · 2 failures (503)"), "the second 503")
            await wait_for(pilot, lambda: rows(app)[0].startswith("✖ DOWN"), "DOWN at the third")


async def test_status_pages_show_indicator_components_and_hostile_text_literally() -> None:
    with TestHTTPServer() as srv:
        srv.set_status_page("major", description=HOSTILE, components=[("Card API", "major_outage")])
        config = Config(
            statuspages=(
                StatusPageConfig("provider", Secret(srv.url("/api/v2/summary.json")), interval=0.1),
                StatusPageConfig("broken", Secret(srv.url("/500")), interval=0.1),
            )
        )
        app = PanesApp(config)
        async with app.run_test(size=(160, 20)) as pilot:
            pane = app.query_one(ProbesPane)
            await wait_for(pilot, lambda: len(pane.updates) == 2, "both pages")
            await all_rows_shown(pilot, pane)
            await wait_for(pilot, lambda: len(details(app)) == 1, "the component's detail row")
            page, broken = rows(app)
            assert page.startswith("✖ MAJOR") and "Card API: major_outage" in page
            assert "[@click=app.quit]x[/]" in page and "[link=file:///etc/passwd]pw[/link]" in page
            assert "\x1b" not in page and "\x07" not in page
            assert broken.startswith("? ERROR") and "HTTP 500 (expected 2xx)" in broken and "ago" in broken
            assert details(app) == ["↳ Card API: major_outage"], "each degraded component on a row of its own"
            assert app.is_running, "markup in a status page never runs an action"


async def test_no_probes_configured_says_how_to_configure_them() -> None:
    app = PanesApp(Config(commands=()))
    async with app.run_test(size=(120, 40)):
        text = pane_text(app, "pane-health")
        assert "Health · not configured" in text
        assert "[[probe]]" in text and 'url = "https://api.example.com/health"' in text
        assert "[[statuspage]]" in text


async def test_the_80x24_summary_line_says_up_with_one_failure_too() -> None:
    from warroom.ui.widgets.panes import SourceSummary

    with TestHTTPServer() as srv:
        config = Config(probes=(ProbeConfig("checkout", Secret(srv.url("/health")), interval=0.3, fail_threshold=2),))
        app = PanesApp(config, summary=True)
        async with app.run_test(size=(80, 24)) as pilot:
            summary = app.query_one(SourceSummary)
            await wait_for(pilot, lambda: summary.texts and summary.texts[0].startswith("✔ UP"), "UP")
            tracker = summary.trackers["probe:checkout"]
            srv.fail("/health", 503)
            await wait_for(pilot, lambda: tracker.streak == 1 and tracker._streak_ok is False, "the 503")
            await wait_for(pilot, lambda: summary.texts[0].startswith("▲ UP · 1 failure (503)"), "the summary's words")
            assert "✔" not in summary.texts[0] and "checkout" in summary.texts[0]
