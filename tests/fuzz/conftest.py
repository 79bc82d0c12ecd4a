"""Hypothesis settings for the fuzz tests: reproducible (derandomized), no per-example deadline
(two shared cores make timings noisy), and a budget that keeps the whole folder under a minute.
`HYPOTHESIS_PROFILE=deep` runs many more examples by hand."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=120,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("deep", max_examples=2000, deadline=None, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
