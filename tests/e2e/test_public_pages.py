"""A visitor reads the public pages, searches for a municipality and switches language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserType, Locator, Page, expect

from homecare import routes
from tests.chromium import CHROMIUM_PATH, chromium_args
from tests.e2e.conftest import assert_accessible, norwegian_page, policy_refusals

pytestmark = pytest.mark.e2e


def municipality_cell(page: Page, name: str) -> Locator:
    """The name cell of a municipality; on a phone the cell's name starts with the column's label."""
    return page.get_by_role("cell", name=re.compile(rf"(^|\s){name}$"))


def open_page(page: Page, route: str, heading: str) -> None:
    page.goto(route)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def test_the_front_page_says_what_the_service_is(page: Page) -> None:
    open_page(page, routes.HOME, "Kommunale hjemmetjenester")
    expect(page.get_by_text("Se timeavtaler for hjemmebesøk og avbestille timer")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Hjelp og brukerstøtte")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Se hvilke kommuner som er med").click()
    expect(page.get_by_role("heading", level=1, name="Hvilke kommuner er med?")).to_be_visible()
    assert_accessible(page)


def test_the_municipalities_page_lists_bergen_and_finds_trondheim(page: Page) -> None:
    open_page(page, routes.MUNICIPALITIES, "Hvilke kommuner er med?")
    expect(page.get_by_text("Viser 7 av 7 kommuner")).to_be_visible()
    expect(municipality_cell(page, "Bergen")).to_be_visible()
    expect(page.get_by_text("Er med siden 1. september 2020")).to_be_visible()
    expect(page.get_by_text("Bydel Frogner: er med siden 15. mars 2021")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Søk etter kommune").press_sequentially("trondheim")
    expect(page.get_by_text("Viser 1 av 7 kommuner")).to_be_visible()
    expect(municipality_cell(page, "Trondheim")).to_be_visible()
    expect(municipality_cell(page, "Bergen")).to_have_count(0)

    page.get_by_label("Søk etter kommune").fill("bodo")
    expect(municipality_cell(page, "Bodø")).to_be_visible()

    page.get_by_label("Søk etter kommune").fill("Frogner")
    # Oslo takes part by district: its cell names the districts too.
    expect(page.get_by_role("cell", name=re.compile(r"Oslo.*Bydel Frogner"))).to_be_visible()
    expect(page.get_by_text("Viser 1 av 7 kommuner")).to_be_visible()

    page.get_by_label("Søk etter kommune").fill("5001")
    expect(municipality_cell(page, "Trondheim")).to_be_visible()

    page.get_by_label("Søk etter kommune").fill("Paris")
    expect(page.get_by_text("Ingen kommuner passer med søket «Paris».")).to_be_visible()
    assert_accessible(page)


def test_the_help_page_gives_the_helpline_and_the_emergency_numbers(page: Page) -> None:
    open_page(page, routes.HELP, "Hjelp og brukerstøtte")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="23 32 70 00")).to_have_attribute("href", "tel:+4723327000")
    expect(main.get_by_text("Hverdager 08:00\u201315:30")).to_be_visible()
    expect(main.get_by_role("link", name="113")).to_have_attribute("href", "tel:113")
    expect(main.get_by_role("link", name="116 117")).to_have_attribute("href", "tel:116117")
    expect(main.get_by_text("ta kontakt med kommunen din")).to_be_visible()
    assert_accessible(page)


def test_the_language_switch_changes_the_page_to_english_and_back(page: Page) -> None:
    open_page(page, routes.MUNICIPALITIES, "Hvilke kommuner er med?")
    page.get_by_label("Språk").select_option("en")
    expect(page.get_by_role("heading", level=1, name="Which municipalities are taking part?")).to_be_visible()
    expect(page.get_by_text("Taking part since 1 September 2020")).to_be_visible()
    expect(page.get_by_role("link", name="Help and user support")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(re.compile("^Which municipalities are taking part\\?"))
    assert_accessible(page)

    page.get_by_role("link", name="Help and user support").click()
    expect(page.get_by_role("heading", level=1, name="Help and user support")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", level=1, name="Help and user support")).to_be_visible()

    page.get_by_label("Language").select_option("nb")
    expect(page.get_by_role("heading", level=1, name="Hjelp og brukerstøtte")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_the_language_switch_offers_nynorsk_and_northern_saami(page: Page) -> None:
    open_page(page, routes.MUNICIPALITIES, "Hvilke kommuner er med?")
    expect(page.get_by_label("Språk").locator("option")).to_have_text(
        ["Norsk (bokmål)", "Norsk (nynorsk)", "Davvisámegiella", "English"]
    )

    page.get_by_label("Språk").select_option("nn")
    expect(page.get_by_role("heading", level=1, name="Kva kommunar er med?")).to_be_visible()
    expect(page.get_by_text("Er med sidan 1. september 2020")).to_be_visible()
    expect(page.get_by_role("link", name="Hjelp og brukarstøtte")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page).to_have_title(re.compile("^Kva kommunar er med\\?"))
    assert_accessible(page)

    page.get_by_label("Språk").select_option("se")
    expect(page.get_by_role("heading", level=1, name="Makkár suohkanat leat mielde?")).to_be_visible()
    expect(page.get_by_text("Mielde čakčamánu 1. b. 2020 rájes")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "se")
    expect(page.get_by_role("main")).to_have_attribute("lang", "se")
    assert_accessible(page)

    # What Sámi does not have yet is shown in Bokmål, never as a key, and marked as Bokmål for screen
    # readers; the header and the navigation around it are in Sámi.
    page.get_by_role("link", name="Veahkki ja geavaheaddjidoarja").click()
    expect(page.get_by_role("heading", level=1, name="Veahkki ja geavaheaddjidoarja")).to_be_visible()
    expect(page.get_by_text("Meldinger er ikke for det som haster.")).to_be_visible()
    expect(page.get_by_role("main")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1).locator("[lang]")).to_have_attribute("lang", "se")
    expect(page.locator("html")).to_have_attribute("lang", "se")
    assert_accessible(page)
    expect(page).to_have_title("Veahkki ja geavaheaddjidoarja \u2013 Suohkana ruovttubálvalusat")

    page.reload()
    expect(page.get_by_role("heading", level=1, name="Veahkki ja geavaheaddjidoarja")).to_be_visible()
    page.get_by_label("Giella").select_option("nb")
    expect(page.get_by_role("heading", level=1, name="Hjelp og brukerstøtte")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_a_skip_link_leads_to_the_main_content(page: Page) -> None:
    open_page(page, routes.HELP, "Hjelp og brukerstøtte")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnhold")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_an_unknown_address_says_the_page_was_not_found(page: Page) -> None:
    page.goto("/finnes-ikke")
    expect(page.get_by_role("heading", level=1, name="Fant ikke siden")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("route", [routes.HOME, routes.MUNICIPALITIES, routes.HELP, routes.ACCESSIBILITY])
def test_no_page_scrolls_sideways(page: Page, route: str) -> None:
    page.goto(route)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("locale", "heading", "lang"),
    [("en-GB", "Help and user support", "en"), ("nn-NO", "Hjelp og brukarstøtte", "nn")],
)
def test_the_first_visit_speaks_the_browsers_language_until_one_is_chosen(
    browser_type: BrowserType, portal_url: str, locale: str, heading: str, lang: str
) -> None:
    browser = browser_type.launch(executable_path=CHROMIUM_PATH, args=chromium_args(locale))
    page = browser.new_context(locale=locale, base_url=portal_url).new_page()
    try:
        page.goto(routes.HELP)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_accessible(page)
        # A choice is kept, whatever the browser says.
        page.locator("#language").select_option("nb")
        expect(page.get_by_role("heading", level=1, name="Hjelp og brukerstøtte")).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", level=1, name="Hjelp og brukerstøtte")).to_be_visible()
    finally:
        browser.close()


def test_every_page_links_to_the_accessibility_statement(page: Page) -> None:
    open_page(page, routes.HELP, "Hjelp og brukerstøtte")
    page.get_by_role("contentinfo").get_by_role("link", name="Tilgjengelighetserklæring").click()
    expect(page.get_by_role("heading", level=1, name="Tilgjengelighetserklæring")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Mangler vi kjenner til")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="23 32 70 00")).to_be_visible()
    expect(page).to_have_title(re.compile("^Tilgjengelighetserklæring"))
    assert_accessible(page)


def test_the_pages_run_no_script_but_their_own(browser: Browser, portal_url: str) -> None:
    page = norwegian_page(browser, portal_url, "desktop")
    refused = policy_refusals(page)
    try:
        answer = page.goto(routes.HELP)
        assert answer is not None and "'unsafe-eval'" not in answer.headers["content-security-policy"]
        expect(page.get_by_role("heading", level=1, name="Hjelp og brukerstøtte")).to_be_visible()
        assert refused == []
        # What an attacker's text would try, had it got into the page as HTML: refused, and reported.
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
            " document.body.append(s); }"
        )
        assert page.evaluate("() => window.injected") is None
        page.wait_for_timeout(200)  # the console message comes after the refusal
        assert any("inline script" in text or "script-src" in text for text in refused)
    finally:
        page.context.close()


def test_the_pages_fonts_come_as_woff2(page: Page) -> None:
    open_page(page, routes.HELP, "Hjelp og brukerstøtte")
    page.evaluate("() => document.fonts.ready")
    fonts = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\.woff2?$/.test(n))"
    )
    assert fonts, "the page uses the design system's font"
    assert all(name.endswith(".woff2") for name in fonts), fonts
