"""Pytest hooks that keep the suite from passing by running less.

- A test that skips for a reason not listed in tests/allowed_skips.py fails instead, and so does
  an xfail: a skipped test is a test that did not check anything.
- `@pytest.mark.requires("tmux", "git")` fails the test when a tool is not on PATH, naming it, so a
  machine without the tool fails CI rather than silently running fewer tests.

tests/conftest.py imports these hooks; a pytest run elsewhere can load them with
`-p tests.support.skip_guard`.
"""

from __future__ import annotations

import shutil

import pytest

from tests.allowed_skips import allowed_skip

NOT_LISTED = "skipped for a reason not listed in tests/allowed_skips.py: {reason!r}"


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The reason a skipped report gives, without pytest's "Skipped: " prefix."""
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ")


def _refuse_unlisted_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not report.skipped:
        return
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail is not None:
        report.outcome = "failed"
        report.longrepr = f"an xfail hides a failure; fix the test or the code instead ({wasxfail!r})"
        return
    reason = skip_reason(report)
    if allowed_skip(reason) is None:
        report.outcome = "failed"
        report.longrepr = NOT_LISTED.format(reason=reason)


def pytest_configure(config: pytest.Config) -> None:
    """Register the `requires` marker."""
    config.addinivalue_line(
        "markers", "requires(*tools): the test fails (never skips) when one of these commands is not on PATH"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail, naming the tool, when a `requires` tool is missing."""
    for marker in item.iter_markers("requires"):
        missing = [tool for tool in marker.args if shutil.which(tool) is None]
        if missing:
            pytest.fail(
                f"{', '.join(missing)} required by this test and not on PATH (.ci/run installs it)", pytrace=False
            )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Turn a skip whose reason is not listed into a failure."""
    outcome = yield
    _refuse_unlisted_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """The same for a whole module skipped at import (`pytest.skip(allow_module_level=True)`,
    `pytest.importorskip`)."""
    outcome = yield
    _refuse_unlisted_skip(outcome.get_result())
