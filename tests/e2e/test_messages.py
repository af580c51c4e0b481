"""Kari and Ingrid write to the home care service and read its answers."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select, update

from homecare.domain.attachments import MAX_ATTACHMENT_BYTES
from homecare.models import Attachment, Message
from homecare.services.demo_cast import INGRID, KARI
from tests.e2e.conftest import assert_accessible
from tests.e2e.scenes import ensure_grant, give_consent, log_in
from tests.sample_files import EXE, PDF, padded, png

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
    expect(page.get_by_text("Ingrid Nordmann Berg på vegne av Kari Nordmann").first).to_be_visible()
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

    # Shortened, the same form sends; and the thread it opens takes a reply at once.
    first, reply = f"Kortere nå ({secrets.token_hex(3)})", f"Og et svar ({secrets.token_hex(3)})"
    page.get_by_label("Melding", exact=True).fill(first)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1, name="For lang")).to_be_visible()
    expect(page.get_by_text(first)).to_be_visible()
    page.get_by_label("Melding", exact=True).fill(reply)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Meldingen er sendt.")).to_be_visible()
    expect(page.get_by_text(reply)).to_have_count(1)


def attach(page: Page, file: Path) -> None:
    """Choose a file as a person does: the button opens the file picker."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Legg ved fil").click()
    chooser.value.set_files(file)


def test_kari_sends_a_pdf_and_downloads_it_again(page: Page, tmp_path: Path) -> None:
    pdf = tmp_path / "Medisinliste.pdf"
    pdf.write_bytes(PDF)
    topic = f"Ny medisinliste {secrets.token_hex(3)}"
    log_in(page, KARI)
    messages_link(page).click()
    page.get_by_role("link", name="Skriv ny melding").click()
    page.get_by_label("Emne").fill(topic)
    page.get_by_label("Melding", exact=True).fill("Her er den nye medisinlisten fra legen.")
    attach(page, pdf)
    expect(page.get_by_text("Lagt ved: Medisinliste.pdf.")).to_be_visible()
    expect(page.get_by_role("button", name="Fjern vedlegget Medisinliste.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1, name=topic)).to_be_visible()
    download_link = page.get_by_role("link", name=re.compile(r"^Last ned Medisinliste\.pdf"))
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "Medisinliste.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    assert_accessible(page)


def test_a_renamed_program_is_refused_and_a_picture_is_shown_in_the_thread(
    page: Page, tmp_path: Path, portal_database: Engine
) -> None:
    program = tmp_path / "brev.pdf"
    program.write_bytes(EXE)
    large = tmp_path / "skann.pdf"
    large.write_bytes(padded(PDF, MAX_ATTACHMENT_BYTES + 1))
    picture = tmp_path / f"saret-{secrets.token_hex(3)}.png"
    picture.write_bytes(png(40, 30))
    log_in(page, KARI)
    messages_link(page).click()
    page.get_by_role("link", name="Question about medication").click()

    attach(page, program)
    expect(page.get_by_role("alert")).to_contain_text(
        "«brev.pdf» ble ikke lagt ved: bare PDF, JPEG og PNG kan legges ved."
    )
    # Too large: the browser says so at once, before sending a byte.
    attach(page, large)
    expect(page.get_by_role("alert")).to_contain_text(
        "«skann.pdf» ble ikke lagt ved: filen er større enn 10 MB."
    )
    assert_accessible(page)
    attach(page, picture)
    expect(page.get_by_text(f"Lagt ved: {picture.name}.")).to_be_visible()
    page.get_by_label("Melding", exact=True).fill("Slik ser såret ut i dag.")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_text("Meldingen er sendt.")).to_be_visible()
    preview = page.get_by_role("img", name=picture.name)
    expect(preview).to_be_visible()
    # The picture came through the access-checked route and is really shown.
    page.wait_for_function("img => img.complete && img.naturalWidth === 40", arg=preview.element_handle())
    with Session(portal_database) as session:
        names = session.exec(select(Attachment.file_name)).all()
        assert "brev.pdf" not in names and "skann.pdf" not in names
        assert picture.name in names


def test_a_reply_being_written_survives_a_lost_connection_and_a_reload_until_it_is_sent(page: Page) -> None:
    log_in(page, INGRID)
    page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
    page.get_by_role("button", name="Velg Kari Nordmann").click()
    expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()
    messages_link(page).click()
    page.get_by_role("link", name="Question about medication").click()
    text = f"Kan dere ringe meg før dere kommer? ({secrets.token_hex(4)})"
    page.get_by_label("Melding", exact=True).fill(text)

    # The connection goes (a phone in a tunnel, the server restarting): the page connects again by itself.
    page.context.set_offline(True)
    page.wait_for_timeout(1500)
    page.context.set_offline(False)
    expect(page.get_by_label("Melding", exact=True)).to_have_value(text)
    # The page is loaded again (the person reloads it, or the browser does): the text is back, and Ingrid
    # is still logged in and still acting for Kari.
    page.reload()
    expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()
    expect(page.get_by_label("Melding", exact=True)).to_have_value(text)

    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Meldingen er sendt.")).to_be_visible()
    expect(page.get_by_text(text)).to_have_count(1)
    # Once sent, the text is not offered again.
    page.reload()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_label("Melding", exact=True)).to_have_value("")
