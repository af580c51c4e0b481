"""Dark mode: the dark counterpart of every colour the design system and the portal's stylesheet use.

The design system has no dark theme, and its stylesheets hold colours as fixed hex values. At build time a
small PostCSS plugin (written by `theme.DesignSystemPlugin`) rewrites each colour listed in `LIGHT_COLOURS`
into `var(--hc-<hex>, <hex>)`: in light mode nothing changes, since no such variable is set then.
`assets/homecare.css` sets the variables to the dark counterparts below when the browser asks for a dark
colour scheme.

Each dark counterpart keeps the light colour's hue and has the lightness that keeps its contrast: white
becomes the dark surface, and any colour has the same contrast ratio with that surface as it had with white.
WCAG's ratio is a quotient of (luminance + 0.05), and the mapping turns each such term into a constant divided
by it: any two colours have the same contrast in dark mode as in light mode, so text that was readable on its
background stays readable, and a focus ring or a border keeps its 3:1. Black is the exception, since the
surface is not black: it becomes white, 18.7:1 on the surface instead of 21:1 on white, and a pair with black
keeps 89 % of its contrast.

The design system's scripts colour icons with attributes (fill="#126F87"), which no stylesheet holds: the
dark-mode rules override those for the palette's colours too.

`python -m homecare.components.dark_mode` writes the rules into `assets/homecare.css`, between the markers;
a unit test checks that they are still the ones this module computes.
"""

from __future__ import annotations

import math

from homecare.settings import PROJECT_ROOT

STYLESHEET = PROJECT_ROOT / "assets" / "homecare.css"
START_MARKER = "/* dark_mode.py: start */"
END_MARKER = "/* dark_mode.py: end */"

# The dark surface that white turns into. Not pure black: white text on pure black blurs for many people
# with astigmatism (halation), and 18.7:1 is still far above any need.
DARK_SURFACE = "#121212"

# The design system's palette (scss/_palette.scss and lib/theme/palette.js, 15.5.1): its stylesheets use
# these colours, and its scripts give them to icons as fill and stroke attributes.
PALETTE: dict[str, str] = {
    "#000000": "black",
    "#ffffff": "white",
    "#fdf8df": "banana50",
    "#fcf2bf": "banana100",
    "#f9ea9f": "banana200",
    "#f5e080": "banana300",
    "#ebc840": "banana400",
    "#ddab06": "banana500",
    "#c59302": "banana600",
    "#ab7c00": "banana700",
    "#916500": "banana800",
    "#764f00": "banana900",
    "#e4f7f9": "blueberry50",
    "#cae7ed": "blueberry100",
    "#afdae3": "blueberry200",
    "#7abecc": "blueberry300",
    "#58aabb": "blueberry400",
    "#188097": "blueberry500",
    "#126f87": "blueberry600",
    "#08667c": "blueberry700",
    "#06596c": "blueberry800",
    "#084350": "blueberry900",
    "#fff2ea": "cherry50",
    "#f7e1d2": "cherry100",
    "#eec0a5": "cherry200",
    "#e39376": "cherry300",
    "#d56147": "cherry400",
    "#c83521": "cherry500",
    "#b62e1c": "cherry600",
    "#a31f0e": "cherry700",
    "#912112": "cherry800",
    "#7e1c0e": "cherry900",
    "#e6f8ee": "kiwi50",
    "#c2edd6": "kiwi100",
    "#9de2bf": "kiwi200",
    "#79d6aa": "kiwi300",
    "#56ca96": "kiwi400",
    "#33be84": "kiwi500",
    "#10b172": "kiwi600",
    "#0ca161": "kiwi700",
    "#099150": "kiwi800",
    "#078141": "kiwi900",
    "#f5f3f3": "neutral50",
    "#eae7e7": "neutral100",
    "#d6d4d3": "neutral200",
    "#bdbab9": "neutral300",
    "#aaa8a6": "neutral400",
    "#989693": "neutral500",
    "#7d7c79": "neutral600",
    "#62625f": "neutral700",
    "#474745": "neutral800",
    "#2b2c2b": "neutral900",
    "#efe4fd": "plum50",
    "#d7bdf9": "plum100",
    "#bf98f3": "plum200",
    "#a875eb": "plum300",
    "#9153e2": "plum400",
    "#7a33d7": "plum500",
    "#6a2abf": "plum600",
    "#5b22a6": "plum700",
    "#4c1b8c": "plum800",
    "#3c1471": "plum900",
}

# Every other opaque colour in the compiled stylesheets, with where it comes from. Colours with transparency
# (hover tints, shadows, the page mask) are left as they are: they take their look from what is under them.
OTHER_COLOURS: dict[str, str] = {
    # The design tokens (scss/supernova/styles/colors.css) that are not in the palette.
    "#f4ecfe": "token plum 50",
    "#e5d5fb": "token plum 100",
    "#cfb1f6": "token plum 200",
    "#b388ec": "token plum 300",
    "#9862df": "token plum 400",
    "#7c3fcb": "token plum 500",
    "#6c36b3": "token plum 600",
    "#5c27a1": "token plum 700",
    "#e0ecef": "token hover on light, opaque",
    "#d7e7eb": "token hover on light selected, opaque",
    # The portal's own stylesheet (assets/homecare.css).
    "#c5c5c5": "homecare: borders",
    "#f2f8f9": "homecare: navigation and login box",
    "#b9dbe3": "homecare: login box border",
    "#03404f": "homecare: button hover",
    "#f5f5f5": "homecare: footer",
    "#fafafa": "homecare: cancelled visit",
    "#0b6b2d": "homecare: yes status",
    "#a51a1a": "homecare: attachment errors",
    "#fff4cc": "homecare: banner",
    "#b38600": "homecare: banner border",
    "#8a6d00": "homecare: cancelled visit border",
}

LIGHT_COLOURS: dict[str, str] = PALETTE | OTHER_COLOURS


def normalise_hex(colour: str) -> str:
    """'#FFF' -> '#ffffff'."""
    digits = colour.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    if len(digits) != 6 or any(digit not in "0123456789abcdef" for digit in digits):
        raise ValueError(f"not an opaque hex colour: {colour!r}")
    return "#" + digits


def _channels(colour: str) -> tuple[float, float, float]:
    digits = normalise_hex(colour)[1:]
    red, green, blue = (int(digits[index : index + 2], 16) / 255 for index in (0, 2, 4))
    return red, green, blue


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour."""
    red, green, blue = (_linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio, 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _to_oklch(colour: str) -> tuple[float, float, float]:
    red, green, blue = (_linear(channel) for channel in _channels(colour))
    long = math.cbrt(0.4122214708 * red + 0.5363325363 * green + 0.0514459929 * blue)
    medium = math.cbrt(0.2119034982 * red + 0.6806995451 * green + 0.1073969566 * blue)
    short = math.cbrt(0.0883024619 * red + 0.2817188376 * green + 0.6299787005 * blue)
    lightness = 0.2104542553 * long + 0.7936177850 * medium - 0.0040720468 * short
    a = 1.9779984951 * long - 2.4285922050 * medium + 0.4505937099 * short
    b = 0.0259040371 * long + 0.7827717662 * medium - 0.8086757660 * short
    return lightness, math.hypot(a, b), math.atan2(b, a)


def _from_oklch(lightness: float, chroma: float, hue: float) -> tuple[float, float, float] | None:
    """Linear sRGB channels, or None when the colour is outside sRGB."""
    a, b = chroma * math.cos(hue), chroma * math.sin(hue)
    long = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    medium = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    short = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    channels = (
        4.0767416621 * long - 3.3077115913 * medium + 0.2309699292 * short,
        -1.2684380046 * long + 2.6097574011 * medium - 0.3413193965 * short,
        -0.0041960863 * long - 0.7034186147 * medium + 1.7076147010 * short,
    )
    if any(channel < -1e-6 or channel > 1 + 1e-6 for channel in channels):
        return None
    return channels  # type: ignore[return-value]


def _hex(linear_channels: tuple[float, float, float]) -> str:
    return "#" + "".join(
        f"{round(min(1.0, max(0.0, _gamma(channel))) * 255):02x}" for channel in linear_channels
    )


def _with_luminance(colour: str, target: float) -> str:
    """The colour of the same hue with the given relative luminance, as much of its chroma as sRGB has."""
    _, chroma, hue = _to_oklch(colour)
    low, high = 0.0, 1.0
    found = "#000000"
    for _ in range(40):
        lightness = (low + high) / 2
        channels = None
        # Less chroma until the colour fits in sRGB: very light or very dark colours cannot be saturated.
        for step in range(41):
            channels = _from_oklch(lightness, chroma * (1 - step / 40), hue)
            if channels is not None:
                break
        assert channels is not None
        found = _hex(channels)
        if relative_luminance(found) < target:
            low = lightness
        else:
            high = lightness
    return found


def dark_counterpart(colour: str) -> str:
    """The colour's dark-mode value: its contrast with the dark surface is its contrast with white."""
    colour = normalise_hex(colour)
    if colour == "#ffffff":
        return DARK_SURFACE
    surface = relative_luminance(DARK_SURFACE)
    ratio_with_white = 1.05 / (relative_luminance(colour) + 0.05)
    target = ratio_with_white * (surface + 0.05) - 0.05
    if target >= 1:
        return "#ffffff"
    return _with_luminance(colour, target)


def variable_name(colour: str) -> str:
    """The custom property that holds a light colour's value in the current colour scheme."""
    return f"--hc-{normalise_hex(colour)[1:]}"


def _icon_colour(name: str) -> bool:
    """Whether the design system's scripts may give an icon this palette colour.

    In 15.5.1 they give icons black, white or a shade from the darker half of a hue (500 to 900: blueberry600
    for a select's arrow, banana800 for a warning, white for a checkbox's tick); the lighter shades only on
    dark backgrounds, which the portal does not use. Fewer rules, fewer bytes on every page.
    """
    shade = name.lstrip("abcdefghijklmnopqrstuvwxyz")
    return name in ("black", "white") or int(shade) >= 500


def dark_mode_rules() -> str:
    """The rules that `assets/homecare.css` holds in its dark-mode block, between the markers.

    The variables for the stylesheets' colours, and rules for the icons: the design system's scripts set an
    icon's colour as an attribute (fill="#126F87", stroke="#ffffff", fill="black"), which CSS overrides.
    """
    variables = "\n".join(
        f"    {variable_name(light)}: {dark_counterpart(light)}; /* {source} */"
        for light, source in LIGHT_COLOURS.items()
    )
    icons = []
    for light, name in PALETTE.items():
        if not _icon_colour(name):
            continue
        for attribute in ("fill", "stroke"):
            selectors = [f'[{attribute}="{light}" i]']
            if name in ("black", "white"):
                selectors.append(f'[{attribute}="{name}" i]')
            icons.append(f"  {', '.join(selectors)} {{ {attribute}: var({variable_name(light)}); }}")
    return f"  :root {{\n{variables}\n  }}\n\n" + "\n".join(icons)


def with_dark_mode_rules(stylesheet: str) -> str:
    """The stylesheet with the part between its markers replaced by `dark_mode_rules()`."""
    start = stylesheet.index(START_MARKER) + len(START_MARKER)
    end = stylesheet.index(END_MARKER)
    return stylesheet[:start] + "\n" + dark_mode_rules() + "\n  " + stylesheet[end:]


if __name__ == "__main__":
    STYLESHEET.write_text(with_dark_mode_rules(STYLESHEET.read_text()))
    print(f"{STYLESHEET}: dark mode's colours written")
