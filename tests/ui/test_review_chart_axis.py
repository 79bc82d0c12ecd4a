"""The review chart's time axis: its left label never runs into the first time."""

from __future__ import annotations

from warroom.ui.widgets.review_chart import LABEL_WIDTH, peak_label


def test_the_peak_label_always_leaves_a_space_before_the_first_time():
    assert peak_label(0) == "UTC" and peak_label(87) == "peak 87"
    assert peak_label(1023) == "1023/min", "'peak 1023' filled the label and ran into 13:35"
    assert peak_label(12_345) == "12k/min"
    for peak in (1, 99, 999, 1_000, 99_999, 999_499, 12_345_678, 1e15):
        assert len(peak_label(peak)) < LABEL_WIDTH, peak
