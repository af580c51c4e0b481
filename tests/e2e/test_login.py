"""People log in through the development provider, accept the terms, see their page and log out."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from homecare import routes
from homecare.auth.sessions import SESSION_COOKIE
from homecare.services.demo_cast import ASLAK, INGRID, NORA
from tests.e2e.conftest import assert_accessible, norwegian_page
from tests.e2e.scenes import give_consent, log_in, withdraw_consent

pytestmark = pytest.mark.e2e


def test_ingrid_logs_in_sees_her_name_and_logs_out(page: Page) -> None:
    log_in(page, INGRID)
    expect(page.get_by_role("heading", level=1, name="Hei, Ingrid Nordmann Berg")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/min-side/?$"))
    expect(page.get_by_role("banner").get_by_text("Ingrid Nordmann Berg")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Min side")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Se hvor du er logget inn").click()
    expect(page.get_by_role("heading", level=1, name="Aktive innlogginger")).to_be_visible()
    expect(page.get_by_text("Denne enheten")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("banner").get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("heading", level=1, name="Kommunale hjemmetjenester")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Logg inn")).to_be_visible()
    assert not [cookie for cookie in page.context.cookies() if cookie["name"] == SESSION_COOKIE]

    page.goto(routes.MY_PAGE)
    expect(page.get_by_role("main").get_by_role("link", name="Logg inn")).to_be_visible()


def test_nora_sees_only_the_terms_until_she_accepts_them(page: Page, portal_database: Engine) -> None:
    withdraw_consent(portal_database, NORA)
    log_in(page, NORA)
    expect(page.get_by_role("heading", level=1, name="Vilkår for bruk")).to_be_visible()
    assert_accessible(page)

    page.goto(routes.MY_PAGE)
    expect(page.get_by_role("heading", level=1, name="Vilkår for bruk")).to_be_visible()

    page.get_by_role("button", name="Ikke nå").click()
    expect(page.get_by_role("main").get_by_role("link", name="Logg inn")).to_be_visible()
    expect(page.get_by_role("banner").get_by_text("Nora Lind")).to_have_count(0)

    log_in(page, NORA)
    expect(page.get_by_role("heading", level=1, name="Vilkår for bruk")).to_be_visible()
    page.get_by_role("button", name="Godta").click()
    expect(page.get_by_role("heading", level=1, name="Hei, Nora Lind")).to_be_visible()
    expect(page.get_by_text("Velkommen! Dette er første gang du logger inn.")).to_have_count(0)


def test_aslak_is_told_that_his_municipality_is_not_taking_part(page: Page, portal_database: Engine) -> None:
    withdraw_consent(portal_database, ASLAK)
    log_in(page, ASLAK)
    page.get_by_role("button", name="Godta").click()
    expect(page.get_by_role("heading", level=1, name="Hei, Aslak Hætta")).to_be_visible()
    expect(page.get_by_role("heading", name="Tromsø er ikke med ennå")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="23 32 70 00")).to_be_visible()
    assert_accessible(page)


def test_a_made_up_session_cookie_gets_the_login_page(page: Page, portal_url: str) -> None:
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": "made-up-session-id", "url": portal_url}])
    page.goto(routes.MY_PAGE)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("main").get_by_role("link", name="Logg inn")).to_be_visible()


def test_the_provider_speaks_the_language_chosen_in_the_portal(page: Page) -> None:
    page.goto(routes.HOME)
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Development login")).to_be_visible()
    page.get_by_role("button", name=INGRID.full_name).click()
    expect(page.get_by_role("heading", level=1, name="Hello, Ingrid Nordmann Berg")).to_be_visible()


def test_logging_out_another_login_ends_it_at_once(browser: Browser, portal_url: str) -> None:
    phone = norwegian_page(browser, portal_url, "phone")
    laptop = norwegian_page(browser, portal_url, "desktop")
    try:
        log_in(phone, INGRID)
        expect(phone.get_by_role("heading", level=1, name="Hei, Ingrid Nordmann Berg")).to_be_visible()
        log_in(laptop, INGRID)
        laptop.goto(routes.SESSIONS)
        expect(laptop.get_by_role("heading", level=1, name="Aktive innlogginger")).to_be_visible()
        others = laptop.get_by_role("button", name="Logg ut denne")
        expect(others.first).to_be_visible()
        while (left := others.count()) > 0:
            others.first.click()
            expect(others).to_have_count(left - 1)
        # The row and its button are gone: the focus is on what happened, not back at the top of the page.
        expect(laptop.get_by_text("Innloggingen er logget ut.")).to_be_focused()

        phone.goto(routes.MY_PAGE)
        expect(phone.get_by_role("main").get_by_role("link", name="Logg inn")).to_be_visible()
    finally:
        phone.context.close()
        laptop.context.close()


def test_aslak_downloads_his_own_data_from_his_page(page: Page, portal_database: Engine) -> None:
    give_consent(portal_database, ASLAK)
    log_in(page, ASLAK)
    link = page.get_by_role("link", name=re.compile("Last ned dataene dine"))
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "mine-data.zip"
    archive = zipfile.ZipFile(download.value.path())
    assert "messages.json" in archive.namelist()
    assert json.loads(archive.read("person.json"))["name"] == ASLAK.full_name
