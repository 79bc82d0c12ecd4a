"""Helpers for the config tests: validate TOML text exactly as `warroom config check` would."""

from __future__ import annotations

from pathlib import Path

from warroom.config.loader import parse_config

#: The example config shipped in the package (`warroom config example` prints it).
EXAMPLE = Path(__file__).resolve().parents[3] / "src" / "warroom" / "data" / "warroom.example.toml"
EXAMPLE_ENV = {"CHECKOUT_TOKEN": "t0ken-for-tests", "SLACK_INCIDENT_WEBHOOK": "https://hooks.example/T/B/x"}


def messages(text: str, env: dict[str, str] | None = None) -> list[str]:
    """Every problem in `text` as `warroom config check` prints it (file named warroom.toml)."""
    _, problems = parse_config(text, "warroom.toml", env or {})
    return [str(p) for p in problems]
