"""Themes are data: every file loads from the one copy in themes/, text is readable, the
colour-blind theme never leans on red against green."""

from __future__ import annotations

import colorsys
from pathlib import Path

import pytest
from textual.color import Color

from warroom.errors import UserError
from warroom.config.themes import (
    PACKAGE_THEMES,
    REPO_THEMES,
    THEME_VARIABLES,
    load_theme_specs,
    parse_theme_file,
    resolve_theme_name,
)
from warroom.ui.textual_themes import to_textual_theme

EXPECTED = {"warroom-dark", "warroom-light", "warroom-high-contrast", "warroom-colorblind"}


def contrast(a: str, b: str) -> float:
    def lum(c: Color) -> float:
        def ch(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)

    la, lb = sorted((lum(Color.parse(a)), lum(Color.parse(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_four_themes_exist_once_in_git_and_load_from_the_source_tree():
    specs = load_theme_specs()
    assert EXPECTED <= set(specs)
    assert next(iter(specs)) == "warroom-dark", "the default comes first"
    assert {spec.path.parent for spec in specs.values()} == {REPO_THEMES}, "a checkout reads themes/"
    assert not PACKAGE_THEMES.exists(), "themes/ is the one copy in git; the build copies it into the package"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_theme_defines_every_variable_and_is_readable(name: str):
    spec = load_theme_specs()[name]
    assert set(THEME_VARIABLES) <= set(spec.variables), "each theme sets every war-room colour itself"
    fg, bg = spec.fields["foreground"], spec.fields["background"]
    assert contrast(fg, bg) >= (15 if name == "warroom-high-contrast" else 7), "body text"
    for level in ("sev1", "sev2", "sev3", "sev4", "alarm", "drill"):
        ratio = contrast(spec.variables[f"wr-{level}"], spec.variables[f"wr-{level}-text"])
        assert ratio >= 3.0, f"{level} badge text ({ratio:.1f}:1)"
    for key in ("wr-vacant", "wr-good", "wr-actor", "wr-kind"):
        assert contrast(spec.variables[key], spec.fields["surface"]) >= 3.0, key
    to_textual_theme(spec)


def _hue(colour: str) -> float:
    c = Color.parse(colour)
    return colorsys.rgb_to_hls(c.r / 255, c.g / 255, c.b / 255)[0] * 360


def test_colorblind_theme_is_blue_for_good_and_orange_for_bad():
    spec = load_theme_specs()["warroom-colorblind"]
    for key in (spec.fields["success"], spec.variables["wr-good"]):
        assert 180 <= _hue(key) <= 260, "good is blue"
    for key in (spec.fields["error"], spec.fields["warning"], spec.variables["wr-alarm"], spec.variables["wr-vacant"]):
        assert 15 <= _hue(key) <= 50, "bad is orange/vermillion"


def test_names_resolve_with_or_without_prefix_and_bad_ones_are_clear():
    assert resolve_theme_name("light") == "warroom-light"
    assert resolve_theme_name("warroom-colorblind") == "warroom-colorblind"
    assert resolve_theme_name(None) == "warroom-dark"
    with pytest.raises(UserError, match="unknown theme 'neon'.*warroom-dark"):
        resolve_theme_name("neon")


def test_a_broken_theme_file_is_named_in_the_error(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nprimary = "#fff"\nsparkle = true\n')
    with pytest.raises(UserError, match=r"bad\.toml.*sparkle"):
        parse_theme_file(bad)
    bad.write_text("name = \n")
    with pytest.raises(UserError, match=r"bad\.toml"):
        parse_theme_file(bad)


def _as_256(colour: str) -> str:
    """The colour a 256-colour terminal (tmux with TERM=screen-256color) shows for `colour`."""
    from rich.color import Color as RichColor, ColorSystem

    c = Color.parse(colour)
    rgb = RichColor.from_rgb(c.r, c.g, c.b).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return f"#{rgb.red:02x}{rgb.green:02x}{rgb.blue:02x}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_readable_without_true_colour(name: str):
    """Downgraded to the 256-colour palette, text and badges keep their contrast."""
    spec = load_theme_specs()[name]
    fg, bg, panel = (spec.fields[k] for k in ("foreground", "background", "panel"))
    assert contrast(_as_256(fg), _as_256(bg)) >= 7
    assert contrast(_as_256(fg), _as_256(panel)) >= 4.5, "header and command line text"
    for level in ("sev1", "sev2", "sev3", "sev4", "alarm", "drill"):
        pair = (_as_256(spec.variables[f"wr-{level}"]), _as_256(spec.variables[f"wr-{level}-text"]))
        assert contrast(*pair) >= 3.0, f"{level} badge in 256 colours"
    sev = {_as_256(spec.variables[f"wr-sev{n}"]) for n in (1, 2, 3, 4)}
    assert len(sev) == 4, "the four SEV badges stay four different colours"


async def test_switching_theme_repaints_the_header_badge_in_the_new_colours(tmp_path: Path):
    """The header draws its spans from theme variables: `t` must not leave the old theme's
    SEV badge behind."""
    from warroom.ui.screenshots import fixture_app
    from warroom.ui.widgets.header import HeaderLine

    from tests.ui.warroom_helpers import settle

    app = fixture_app(tmp_path / "w.db", theme="warroom-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        title = app.screen.query_one("#incident-title", HeaderLine)

        def badge_background() -> str:
            segment = next(s for s in title.render_line(0) if "SEV-1" in s.text)
            return segment.style.bgcolor.triplet.hex

        specs = load_theme_specs()
        assert badge_background() == Color.parse(specs["warroom-dark"].variables["wr-sev1"]).hex.lower()
        await pilot.press("escape", "t")  # the next theme
        await pilot.pause()
        assert app.theme != "warroom-dark"
        now = specs[app.theme].variables["wr-sev1"]
        assert Color.parse(now) != Color.parse(specs["warroom-dark"].variables["wr-sev1"])
        assert badge_background() == Color.parse(now).hex.lower()
