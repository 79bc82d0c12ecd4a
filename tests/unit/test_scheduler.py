"""`warroom record`'s loop is the screen's: a failing source backs off the same way in both."""

from __future__ import annotations

from pathlib import Path

from warroom.config.model import CommandConfig, Config
from warroom.recorder import SourceHub, run_headless
from warroom.scheduler import backoff_delay


async def test_the_headless_loop_backs_off_a_failing_source_and_not_a_healthy_one(tmp_path: Path) -> None:
    config = Config(
        commands=(
            CommandConfig("missing", (str(tmp_path / "no-such-command"),), interval=0.05),
            CommandConfig("fine", ("true",), interval=0.05),
        )
    )
    hub = SourceHub(config)
    polls: dict[str, list[str | None]] = {"command:missing": [], "command:fine": []}
    try:
        await run_headless(hub, duration=1.2, on_outcome=lambda s, o: polls[s.key].append(o.snapshot.error))
    finally:
        await hub.aclose()
    failing, healthy = polls["command:missing"], polls["command:fine"]
    assert failing and all(e and "not found" in e for e in failing), failing
    # Backing off: 0.05, 0.05, 0.1, 0.2, 0.4, 0.8 s between tries: at most 6 in 1.2 s.
    assert 3 <= len(failing) <= 6, len(failing)
    assert len(healthy) >= 6 and not any(healthy), "a healthy source keeps its interval"
    assert backoff_delay(0.05, 5) == 0.8
