"""Next of kin act for the people who granted them a power of attorney; grants are given, used and ended."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from homecare import routes
from homecare.services.demo_cast import INGRID, KARI, NORA, OLA
from tests.e2e.conftest import assert_accessible, norwegian_page
from tests.e2e.scenes import end_grants, ensure_grant, give_consent, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def the_cast_as_seeded(portal_database: Engine) -> Iterator[None]:
    """Each story starts from the cast's own grants: Kari to Ingrid in force, nothing from Kari to Nora."""
    ensure_grant(portal_database, KARI, INGRID)
    end_grants(portal_database, KARI, NORA)
    for member in (KARI, INGRID, NORA):
        give_consent(portal_database, member)
    yield


def act_for(page: Page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
    expect(page.get_by_role("heading", level=1, name="Velg hvem du vil se informasjon om")).to_be_visible()
    page.get_by_role("button", name=f"Velg {name}").click()
    expect(page.get_by_text(f"Du bruker tjenesten på vegne av {name}")).to_be_visible()


def test_ingrid_acts_for_kari_and_sees_the_banner_on_every_page(page: Page) -> None:
    log_in(page, INGRID)
    expect(page.get_by_role("heading", level=1, name="Hei, Ingrid Nordmann Berg")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
    expect(page.get_by_role("button", name="Velg Kari Nordmann")).to_be_visible()
    expect(page.get_by_role("button", name="Velg Per Nordmann")).to_be_visible()
    expect(page.get_by_text("Født 140338 *****")).to_be_visible()
    expect(page.get_by_text("14833810058")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Velg Kari Nordmann").click()
    expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()
    expect(page.get_by_text("Tjenestene til Kari Nordmann")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation").get_by_role("link", name="Hjelp og brukerstøtte").click()
    expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()

    page.get_by_role("button", name="Tilbake til deg selv").click()
    expect(page.get_by_role("heading", level=1, name="Hei, Ingrid Nordmann Berg")).to_be_visible()
    expect(page.get_by_text("Du bruker tjenesten på vegne av")).to_have_count(0)


def test_nora_cannot_choose_kari(page: Page) -> None:
    log_in(page, NORA)
    expect(page.get_by_role("heading", level=1, name="Hei, Nora Lind")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Bytt person")).to_have_count(0)
    page.goto(routes.CHOOSE_PERSON)
    expect(page.get_by_text("Ingen har gitt deg fullmakt til digitale helsetjenester.")).to_be_visible()
    expect(page.get_by_role("button", name="Velg Kari Nordmann")).to_have_count(0)


def grant_form(page: Page, member_number: str, surname: str) -> None:
    page.get_by_label("Fødselsnummeret til den som skal få fullmakt").fill(member_number)
    page.get_by_label("Etternavnet til den som skal få fullmakt").fill(surname)
    page.get_by_role("button", name="Gi fullmakt").click()


def test_granting_ola_who_is_fourteen_fails_with_a_clear_message(page: Page) -> None:
    log_in(page, KARI)
    page.get_by_role("navigation").get_by_role("link", name="Fullmakter").click()
    expect(page.get_by_role("heading", level=1, name="Fullmakter")).to_be_visible()
    expect(page.get_by_text("Ingrid Nordmann Berg").first).to_be_visible()
    assert_accessible(page)

    grant_form(page, OLA.national_id, "Berg")
    expect(page.get_by_text("Den som får fullmakt, må være minst 18 år.")).to_be_visible()
    assert_accessible(page)

    grant_form(page, "12345", "Berg")
    expect(page.get_by_text("Fødselsnummeret må ha 11 siffer.")).to_be_visible()


def test_kari_grants_nora_who_can_then_choose_kari(page: Page, browser: Browser, portal_url: str) -> None:
    log_in(page, KARI)
    page.goto(routes.POWERS_OF_ATTORNEY)
    expect(page.get_by_role("heading", level=1, name="Fullmakter")).to_be_visible()
    grant_form(page, NORA.national_id, "lind")
    expect(page.get_by_text("Fullmakten er gitt.")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Nora Lind", exact=True).first).to_be_visible()

    nora = norwegian_page(browser, portal_url, "phone")
    try:
        log_in(nora, NORA)
        act_for(nora, "Kari Nordmann")
    finally:
        nora.context.close()


def test_kari_ends_ingrids_grant_while_ingrid_has_her_open(browser: Browser, portal_url: str) -> None:
    ingrid = norwegian_page(browser, portal_url, "desktop")
    kari = norwegian_page(browser, portal_url, "phone")
    try:
        log_in(ingrid, INGRID)
        act_for(ingrid, "Kari Nordmann")

        log_in(kari, KARI)
        kari.goto(routes.POWERS_OF_ATTORNEY)
        given = kari.get_by_role("main").get_by_role("listitem").filter(has_text="Ingrid Nordmann Berg")
        given.get_by_role("button", name="Avslutt").click()
        expect(kari.get_by_text("Vil du avslutte fullmakten for Ingrid Nordmann Berg?")).to_be_visible()
        assert_accessible(kari)
        kari.get_by_role("button", name="Ja, avslutt fullmakten").click()
        expect(kari.get_by_text("Fullmakten er avsluttet.")).to_be_visible()

        # Ingrid's very next action, in the tab she already has open.
        ingrid.get_by_role("navigation").get_by_role("link", name="Logg over bruk").click()
        expect(
            ingrid.get_by_text("Du kan ikke lenger bruke tjenesten på vegne av Kari Nordmann.")
        ).to_be_visible()
        expect(ingrid.get_by_role("heading", level=1, name="Hei, Ingrid Nordmann Berg")).to_be_visible()
        expect(ingrid.get_by_text("Du bruker tjenesten på vegne av")).to_have_count(0)
    finally:
        ingrid.context.close()
        kari.context.close()


def test_karis_usage_log_shows_what_ingrid_did_on_her_behalf(
    page: Page, browser: Browser, portal_url: str
) -> None:
    ingrid = norwegian_page(browser, portal_url, "desktop")
    try:
        log_in(ingrid, INGRID)
        act_for(ingrid, "Kari Nordmann")
    finally:
        ingrid.context.close()

    log_in(page, KARI)
    page.get_by_role("navigation").get_by_role("link", name="Logg over bruk").click()
    expect(page.get_by_role("heading", level=1, name="Logg over bruk")).to_be_visible()
    # Ingrid's entries name her in the "who" column.
    expect(page.get_by_role("cell", name=re.compile("Ingrid Nordmann Berg")).first).to_be_visible()
    expect(page.get_by_text("Valgte å bruke tjenesten på vegne av deg").first).to_be_visible()
    expect(page.get_by_text("Så startsiden din").first).to_be_visible()
    assert_accessible(page)
