"""Kari and Ingrid write to the home care service and read its answers."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select, update

from homecare.models import Message
from homecare.services.demo_cast import INGRID, KARI
from tests.e2e.conftest import assert_accessible
from tests.e2e.scenes import ensure_grant, give_consent, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def the_reply_is_unread(portal_database: Engine) -> Iterator[None]:
    ensure_grant(portal_database, KARI, INGRID)
    for member in (KARI, INGRID):
        give_consent(portal_database, member)
    with Session(portal_database) as session:
        session.execute(update(Message).where(Message.from_service).values(read_at=None, read_by_id=None))
        session.commit()
    yield


def messages_link(page: Page):
    return page.get_by_role("navigation").get_by_role("link", name=re.compile("^Meldinger"))


def test_kari_reads_the_unread_reply_and_the_badge_goes(page: Page) -> None:
    log_in(page, KARI)
    expect(messages_link(page)).to_contain_text("1 ulest")
    messages_link(page).click()
    expect(page.get_by_role("heading", level=1, name="Meldinger")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Question about medication").click()
    expect(page.get_by_text("Hjemmesykepleien Bergenhus, nurse Line Hansen")).to_be_visible()
    expect(page.get_by_text("Ingrid Nordmann Berg på vegne av Kari Nordmann")).to_be_visible()
    expect(messages_link(page)).not_to_contain_text("ulest")
    expect(page.get_by_text(re.compile("Du kan vente svar innen"))).to_be_visible()
    assert_accessible(page)


def test_ingrid_replies_for_kari_and_the_thread_says_so(page: Page, portal_database: Engine) -> None:
    log_in(page, INGRID)
    page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
    page.get_by_role("button", name="Velg Kari Nordmann").click()
    expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()
    messages_link(page).click()
    page.get_by_role("link", name="Question about medication").click()
    text = f"Takk! Vi er hjemme på fredag. ({secrets.token_hex(4)})"
    page.get_by_label("Melding", exact=True).fill(text)
    page.get_by_role("button", name="Send").dblclick()
    expect(page.get_by_text("Meldingen er sendt.")).to_be_visible()
    expect(page.get_by_text("Ingrid Nordmann Berg på vegne av Kari Nordmann").last).to_be_visible()
    expect(page.get_by_text(text)).to_have_count(1)
    with Session(portal_database) as session:
        sent = session.exec(select(Message).where(Message.body == text)).all()
        assert len(sent) == 1, "a double click sends once"


def test_an_over_long_message_is_not_sent(page: Page, portal_database: Engine) -> None:
    log_in(page, KARI)
    messages_link(page).click()
    page.get_by_role("link", name="Skriv ny melding").click()
    expect(page.get_by_role("heading", level=1, name="Ny melding")).to_be_visible()
    page.get_by_label("Emne").fill("For lang")
    page.get_by_label("Melding", exact=True).fill("x" * 4001)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Meldingen kan være høyst 4000 tegn. Gjør den kortere.")).to_be_visible()
    assert_accessible(page)
    with Session(portal_database) as session:
        assert session.exec(select(Message).where(Message.body == "x" * 4001)).all() == []
