"""Dark mode: the colours keep their contrast, the stylesheet holds them, the build's plugin uses them."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from homecare.components.dark_mode import (
    DARK_SURFACE,
    LIGHT_COLOURS,
    PALETTE,
    STYLESHEET,
    contrast,
    dark_counterpart,
    normalise_hex,
    with_dark_mode_rules,
)
from homecare.components.theme import COLOUR_VARIABLES_PLUGIN, colour_variables_plugin, patch_postcss_config

# Reflex's postcss.config.js as Reflex 0.10 writes it.
REFLEX_POSTCSS_CONFIG = """const noVendorPrefix = /^(1|true|y|yes)$/i.test(
  process.env.REFLEX_NO_AUTOPREFIXER ?? "",
);

export default {
  plugins: {
    "postcss-import": {},
    autoprefixer: noVendorPrefix ? false : {},
  },
};
"""


def test_the_stylesheet_holds_the_computed_dark_colours() -> None:
    stylesheet = STYLESHEET.read_text()
    assert with_dark_mode_rules(stylesheet) == stylesheet, "run: python -m homecare.components.dark_mode"


def test_every_colour_of_the_stylesheet_has_a_dark_counterpart() -> None:
    """A colour added to assets/homecare.css without one would stay light on the dark page."""
    stylesheet = STYLESHEET.read_text()
    # Leave out the dark-mode values themselves and the icons' attribute selectors.
    rules = re.sub(r"--hc-[0-9a-f]{6}: #[0-9a-f]{6};|\[(fill|stroke)=\"#[0-9a-f]{6}\" i\]", "", stylesheet)
    colours = {normalise_hex(colour) for colour in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", rules)}
    assert colours, "the pattern finds the stylesheet's colours"
    assert colours <= set(LIGHT_COLOURS), sorted(colours - set(LIGHT_COLOURS))


def test_white_becomes_the_dark_surface_and_black_white() -> None:
    assert dark_counterpart("#fff") == DARK_SURFACE
    assert dark_counterpart("#000000") == "#ffffff"
    assert contrast("#ffffff", DARK_SURFACE) > 18


# Black becomes white, the most there is (test_white_becomes_the_dark_surface_and_black_white).
@pytest.mark.parametrize("light", [colour for colour in LIGHT_COLOURS if colour != "#000000"])
def test_each_colour_has_the_contrast_with_the_surface_it_had_with_white(light: str) -> None:
    with_white = contrast(light, "#ffffff")
    assert contrast(dark_counterpart(light), DARK_SURFACE) == pytest.approx(with_white, rel=0.03)


def test_every_pair_of_colours_keeps_its_contrast() -> None:
    """Text on its background, a border beside its fill: whatever was readable in light mode stays so.

    Pairs with black lose what the surface's own light costs (it is #121212, not black): at most 11 %.
    """
    for first, second in itertools.combinations(LIGHT_COLOURS, 2):
        light = contrast(first, second)
        dark = contrast(dark_counterpart(first), dark_counterpart(second))
        kept = 0.88 if "#000000" in (first, second) else 0.97
        assert dark >= light * kept, (first, second, light, dark)


def test_dark_counterparts_keep_the_hue() -> None:
    """Red stays red and blue stays blue: a colour that means something keeps meaning it."""
    for light in ("#c83521", "#188097", "#078141", "#916500"):
        dark = dark_counterpart(light)
        red, green, blue = (int(dark[index : index + 2], 16) for index in (1, 3, 5))
        light_channels = [int(light[index : index + 2], 16) for index in (1, 3, 5)]
        # The strongest channel is the same one.
        assert [red, green, blue].index(max(red, green, blue)) == light_channels.index(max(light_channels))


def test_the_palette_is_the_design_systems() -> None:
    # A few the portal's pages depend on, as the package's scss/_palette.scss has them.
    assert {PALETTE[colour] for colour in ("#188097", "#126f87", "#916500", "#62625f")} == {
        "blueberry500", "blueberry600", "banana800", "neutral700",
    }  # fmt: skip
    assert all(normalise_hex(colour) == colour for colour in LIGHT_COLOURS)


def test_the_colour_plugin_is_added_to_reflexs_postcss_config_once() -> None:
    patched = patch_postcss_config(REFLEX_POSTCSS_CONFIG)
    assert f'    "./{COLOUR_VARIABLES_PLUGIN}": {{}},\n    "postcss-import": {{}},' in patched
    assert patch_postcss_config(patched) == patched
    with pytest.raises(RuntimeError):
        patch_postcss_config("export default { plugins: [] };\n")


def _run_plugin(tmp_path: Path, declarations: list[tuple[str, str]]) -> list[str]:
    """The plugin's values for the declarations, with a stand-in for PostCSS's root (walkDecls)."""
    node = shutil.which("node")
    assert node, "node is needed (scripts/setup.sh installs bun with npm)"
    name, source = colour_variables_plugin()
    (tmp_path / name).write_text(source)
    script = tmp_path / "run.mjs"
    nodes = [{"prop": prop, "value": value} for prop, value in declarations]
    script.write_text(
        f'import plugin from "./{name}";\n'
        f"const declarations = {json.dumps(nodes)};\n"
        "plugin.OnceExit({ walkDecls: (visit) => declarations.forEach(visit) });\n"
        "console.log(JSON.stringify(declarations.map((declaration) => declaration.value)));\n"
    )
    result = subprocess.run([node, str(script)], capture_output=True, text=True, check=True, timeout=30)
    return json.loads(result.stdout)


def test_the_plugin_turns_the_listed_colours_into_variables_and_leaves_the_rest(tmp_path: Path) -> None:
    values = _run_plugin(
        tmp_path,
        [
            ("color", "#188097"),
            ("border", "1px solid #FFF"),
            ("background-color", "white"),
            ("box-shadow", "0 0 0 2px #ffffff, 0 0 0 4px black"),
            # Transparency, a colour not in the list, a function: as they were.
            ("background", "#126f8721"),
            ("color", "#123456"),
            ("color", "rgba(0, 0, 0, 0.15)"),
            # A font's name, a data URI's colour, a string, a name that only contains a colour's.
            ("src", "local('Source Sans Pro Black'), url('black.woff2')"),
            ("content", "url(\"data:image/svg+xml;utf8,<svg fill='%2308667c'/>\")"),
            ("content", '"#fff"'),
            ("white-space", "nowrap"),
            ("color", "var(--color-base-text-white)"),
            # The variables' own values in dark mode, but the portal's other variables are rewritten.
            ("--hc-188097", "#2688a0"),
            ("--hc-border", "#c5c5c5"),
        ],
    )
    assert values == [
        "var(--hc-188097, #188097)",
        "1px solid var(--hc-ffffff, #FFF)",
        "var(--hc-ffffff, white)",
        "0 0 0 2px var(--hc-ffffff, #ffffff), 0 0 0 4px var(--hc-000000, black)",
        "#126f8721",
        "#123456",
        "rgba(0, 0, 0, 0.15)",
        "local('Source Sans Pro Black'), url('black.woff2')",
        "url(\"data:image/svg+xml;utf8,<svg fill='%2308667c'/>\")",
        '"#fff"',
        "nowrap",
        "var(--color-base-text-white)",
        "#2688a0",
        "var(--hc-c5c5c5, #c5c5c5)",
    ]
