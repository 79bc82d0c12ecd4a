"""80x24: more sources than the summary's eight lines fold the healthy ones, never a failing one."""

from __future__ import annotations

from textual.content import Content

from warroom.ui.widgets.summary import fold_healthy_rows


def rows(*states: str) -> tuple[list[Content], list[str]]:
    names = [f"src{i}" for i in range(len(states))]
    return [Content(f"{state} {name}") for state, name in zip(states, names, strict=True)], names


def test_rows_that_fit_are_left_alone():
    shown, names = rows("✔ UP", "✖ DOWN", "✔ UP")
    assert fold_healthy_rows(shown, names, 8) == shown


def test_too_many_rows_fold_the_last_healthy_ones_into_one_line_naming_them():
    shown, names = rows("✔ UP", "✖ DOWN", "✔ UP", "▲ MINOR", "✔ OK", "● LOG", "✖ CRIT", "✔ EXIT 0", "✔ OK", "✖ ERROR")
    fitted = [row.plain for row in fold_healthy_rows(shown, names, 8)]
    assert len(fitted) == 8
    assert [p for p in fitted if p.startswith(("✖", "▲", "●"))] == [
        "✖ DOWN src1",
        "▲ MINOR src3",
        "● LOG src5",
        "✖ CRIT src6",
        "✖ ERROR src9",
    ]
    assert fitted[-1].startswith("✔ OK") and fitted[-1].endswith("3 more: src4, src7, src8")
    assert "✔ UP src0" in fitted and "✔ UP src2" in fitted


def test_nothing_healthy_to_fold_leaves_the_rows_to_the_screen():
    shown, names = rows(*["✖ DOWN"] * 10)
    assert fold_healthy_rows(shown, names, 8) == shown
