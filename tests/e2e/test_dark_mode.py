"""Dark mode: a browser that asks for a dark colour scheme gets dark pages that keep their contrast."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.engine import Engine

from homecare import routes
from homecare.components.dark_mode import contrast, normalise_hex, relative_luminance
from homecare.services.demo_cast import KARI
from homecare.settings import PROJECT_ROOT
from tests.e2e.conftest import VIEWPORTS, assert_accessible, watched_page
from tests.e2e.scenes import give_consent, log_in

pytestmark = pytest.mark.e2e

# WCAG's relative luminance: the dark surface is #121212 (0.006); light text is near white.
DARK_BACKGROUND_AT_MOST = 0.02
LIGHT_TEXT_AT_LEAST = 0.7
# In the built stylesheets: what dark mode takes care of (the light colours inside the variables, the dark
# values themselves, the icons' attribute selectors) and fonts' names ("Source Sans Pro Black"); then the
# colours that would be left.
HANDLED = re.compile(
    r"var\(--hc-[0-9a-f]{6},[^)]*\)|--hc-[0-9a-f]{6}:[^;}]*|\[(fill|stroke)=[^\]]*\]|local\([^)]*\)"
)
OPAQUE_HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
NAMED_COLOUR = re.compile(r"[:\s,](white|black)[;}!\s]", re.I)


def _hex(css_colour: str) -> str:
    """'rgb(18, 18, 18)' -> '#121212' (an opaque computed colour)."""
    channels = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, 1)?\)", css_colour)
    assert channels, f"not an opaque colour: {css_colour}"
    return "#" + "".join(f"{int(channel):02x}" for channel in channels.groups())


def _luminance(css_colour: str) -> float:
    return relative_luminance(_hex(css_colour))


def computed(locator: Locator, property_name: str) -> str:
    return locator.evaluate(
        "(element, name) => getComputedStyle(element).getPropertyValue(name)", property_name
    )


def assert_dark(page: Page) -> None:
    """The page's background is dark, and the main text and the main heading are light."""
    body = page.locator("body")
    assert _luminance(computed(body, "background-color")) <= DARK_BACKGROUND_AT_MOST
    assert _luminance(computed(page.get_by_role("main"), "color")) >= LIGHT_TEXT_AT_LEAST
    heading = page.get_by_role("heading", level=1)
    assert _luminance(computed(heading, "color")) >= LIGHT_TEXT_AT_LEAST


def open_page(page: Page, route: str, heading: str) -> None:
    page.goto(route)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def dark_page(browser: Browser, request: pytest.FixtureRequest, portal_url: str) -> Iterator[Page]:
    """A fresh browser whose system asks for a dark colour scheme, at phone or desktop size."""
    yield from watched_page(browser, portal_url, request.param, color_scheme="dark")


@pytest.fixture
def kari_has_accepted_the_terms(portal_database: Engine) -> None:
    give_consent(portal_database, KARI)


def test_the_public_pages_are_dark_and_readable(dark_page: Page) -> None:
    page = dark_page
    open_page(page, routes.HOME, "Kommunale hjemmetjenester")
    assert_dark(page)
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Se hvilke kommuner som er med").click()
    expect(page.get_by_role("heading", level=1, name="Hvilke kommuner er med?")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(r"(^|\s)Bergen$"))).to_be_visible()
    assert_dark(page)
    assert_accessible(page)

    page.get_by_label("Søk etter kommune").fill("Paris")
    expect(page.get_by_text("Ingen kommuner passer med søket «Paris».")).to_be_visible()
    assert_accessible(page)


def test_karis_pages_are_dark_and_readable(dark_page: Page, kari_has_accepted_the_terms: None) -> None:
    page = dark_page
    log_in(page, KARI)
    page.get_by_role("navigation").get_by_role("link", name=re.compile("^Meldinger")).click()
    expect(page.get_by_role("heading", level=1, name="Meldinger")).to_be_visible()
    expect(page.get_by_role("link", name="Question about medication")).to_be_visible()
    assert_dark(page)
    assert_accessible(page)

    page.get_by_role("link", name="Question about medication").click()
    expect(page.get_by_text("Hjemmesykepleien Bergenhus, nurse Line Hansen")).to_be_visible()
    assert_dark(page)
    assert_accessible(page)

    page.get_by_role("navigation").get_by_role("link", name="Timeavtaler").click()
    expect(page.get_by_role("heading", level=1, name="Timeavtaler")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Avbestill:")).first).to_be_visible()
    assert_dark(page)
    assert_accessible(page)

    page.get_by_role("banner").get_by_text("Kari Nordmann", exact=True).click()
    page.get_by_role("link", name="Kontaktinformasjon og varseloppsett").click()
    expect(page.get_by_role("heading", level=1, name="Kontaktinformasjon og varseloppsett")).to_be_visible()
    assert_dark(page)
    assert_accessible(page)


def test_the_focus_ring_stands_out_on_the_dark_background(dark_page: Page) -> None:
    page = dark_page
    open_page(page, routes.HELP, "Hjelp og brukerstøtte")
    assert_dark(page)
    background = _hex(computed(page.locator("body"), "background-color"))
    for _ in range(3):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_count(1)
        assert computed(focused, "outline-style") != "none"
        # WCAG 2.1's 1.4.11: a focus indicator needs 3:1 against what is around it.
        assert contrast(_hex(computed(focused, "outline-color")), background) >= 3


def test_every_opaque_colour_in_the_built_stylesheets_has_a_dark_counterpart(portal_url: str) -> None:
    """The design system's and the portal's stylesheets as the build left them (portal_url has built them):
    a colour that a new version of the design system brings in would otherwise stay light in dark mode."""
    stylesheets = [path.read_text() for path in (PROJECT_ROOT / ".web/build/client/assets").glob("*.css")]
    assert any("var(--hc-188097," in css for css in stylesheets), "the build rewrites the colours"
    left: set[str] = set()
    for css in stylesheets:
        rest = HANDLED.sub("", css)
        left |= {normalise_hex(colour) for colour in OPAQUE_HEX.findall(rest)}
        left |= {name.lower() for name in NAMED_COLOUR.findall(rest)}
    assert left == set(), "colours without a dark counterpart (dark_mode.OTHER_COLOURS)"


def test_in_light_mode_the_pages_stay_light(browser: Browser, portal_url: str) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], locale="nb-NO", base_url=portal_url, color_scheme="light"
    )
    try:
        page = context.new_page()
        open_page(page, routes.HOME, "Kommunale hjemmetjenester")
        assert computed(page.locator("body"), "background-color") == "rgb(255, 255, 255)"
        assert computed(page.get_by_role("main"), "color") == "rgb(0, 0, 0)"
        # The portal's own colours too, which the build has turned into variables: #06596c and white.
        log_in_link = page.get_by_role("main").get_by_role("link", name="Logg inn")
        assert computed(log_in_link, "background-color") == "rgb(6, 89, 108)"
        assert computed(log_in_link, "color") == "rgb(255, 255, 255)"
    finally:
        context.close()
