"""Kari and Ingrid see the planned visits, cancel one in time, ask for a new time, take the calendar along."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select, update

from homecare.domain.time_zone import OSLO
from homecare.domain.visits import DEFAULT_CANCEL_CUTOFF, ServiceType, VisitStatus
from homecare.i18n.formatting import format_time_window
from homecare.models import CitizenEvent, HomeVisit, Municipality
from homecare.models.columns import utc_now
from homecare.services.demo_cast import INGRID, KARI, PER
from tests.e2e.conftest import assert_accessible
from tests.e2e.scenes import ensure_grant, give_consent, log_in, person, visit_for

pytestmark = pytest.mark.e2e

AFTERNOON = "Ettermiddag (13\u201317)"
# Bergen (Kari) and Oslo (Per).
MUNICIPALITIES = ("4601", "0301")


def set_deadline(database: Engine, cutoff: time, working_days_before: int) -> None:
    with Session(database) as session:
        session.execute(
            update(Municipality)
            .where(col(Municipality.number).in_(MUNICIPALITIES))
            .values(cancel_cutoff=cutoff, cancel_working_days_before=working_days_before)
        )
        session.commit()


@pytest.fixture(autouse=True)
def visits_as_planned(portal_database: Engine) -> Iterator[None]:
    """Every visit cancelled in an earlier test is planned again; the deadlines are the default ones."""
    ensure_grant(portal_database, PER, INGRID)
    for member in (KARI, PER, INGRID):
        give_consent(portal_database, member)
    with Session(portal_database) as session:
        session.execute(delete(CitizenEvent).where(col(CitizenEvent.visit_id).is_not(None)))
        session.execute(
            update(HomeVisit)
            .where(col(HomeVisit.status) == VisitStatus.CANCELLED_BY_CITIZEN)
            .values(
                status=VisitStatus.PLANNED,
                cancelled_at=None,
                cancelled_by_id=None,
                version=HomeVisit.version + 1,
            )
        )
        session.commit()
    set_deadline(portal_database, DEFAULT_CANCEL_CUTOFF, 1)
    yield
    set_deadline(portal_database, DEFAULT_CANCEL_CUTOFF, 1)


@pytest.fixture
def deadline_at_the_visit(portal_database: Engine) -> None:
    """The municipalities let visits be cancelled until they start, so the test does not hang on the clock."""
    set_deadline(portal_database, time(23, 59), 0)


def open_appointments(page: Page, *, visit_today: bool = True) -> None:
    """Open the page and wait for its visits: Kari has one every day; Per only on some weekdays."""
    page.get_by_role("navigation").get_by_role("link", name="Timeavtaler").click()
    expect(page.get_by_role("heading", level=1, name="Timeavtaler")).to_be_visible()
    if visit_today:
        expect(page.get_by_role("heading", name="I dag")).to_be_visible()
    else:
        expect(page.get_by_role("button", name=re.compile("^Avbestill:")).first).to_be_visible()


def day(page: Page, title: str) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name=title, exact=True))


def choose(page: Page, label: str) -> None:
    """Tick a radio button or a checkbox as a person does: by clicking its words."""
    page.get_by_text(label, exact=True).click()
    expect(page.get_by_label(label, exact=True)).to_be_checked()


def cancel_with_reason(page: Page, cancel_button: Locator, reason: str) -> None:
    cancel_button.click()
    expect(page.get_by_role("heading", name="Avbestille besøket")).to_be_visible()
    page.get_by_role("button", name="Gå videre").click()
    expect(page.get_by_text("Velg hvorfor du avbestiller.")).to_be_visible()
    assert_accessible(page)
    choose(page, reason)
    page.get_by_role("button", name="Gå videre").click()
    expect(page.get_by_role("heading", name="Vil du avbestille besøket?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, avbestill besøket").click()
    expect(
        page.get_by_text(re.compile("Besøket er avbestilt, og hjemmetjenesten har fått beskjed"))
    ).to_be_visible()


def test_kari_cancels_tomorrows_visit_with_a_reason_and_sees_it_cancelled_by_her(
    page: Page, portal_database: Engine, deadline_at_the_visit: None
) -> None:
    log_in(page, KARI)
    open_appointments(page)
    assert_accessible(page)
    tomorrow = day(page, "I morgen")
    cancel_with_reason(
        page, tomorrow.get_by_role("button", name=re.compile("^Avbestill:")).first, "Jeg er ikke hjemme"
    )

    expect(day(page, "I morgen").get_by_text("Avbestilt av deg")).to_be_visible()
    assert_accessible(page)
    with Session(portal_database) as session:
        cancelled = session.exec(
            select(HomeVisit).where(HomeVisit.status == VisitStatus.CANCELLED_BY_CITIZEN)
        ).one()
        assert cancelled.subject_id == cancelled.cancelled_by_id == person(session, KARI).id
        assert cancelled.cancel_reason_code == "not_home"
        assert session.exec(select(CitizenEvent).where(CitizenEvent.visit_id == cancelled.id)).one()


def test_ingrid_acting_for_per_cancels_his_visit_and_it_shows_who_cancelled(
    page: Page, portal_database: Engine, deadline_at_the_visit: None
) -> None:
    log_in(page, INGRID)
    page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
    page.get_by_role("button", name="Velg Per Nordmann").click()
    expect(page.get_by_text("Du bruker tjenesten på vegne av Per Nordmann")).to_be_visible()
    # Per's visits are on Mondays, Wednesdays and Fridays: the first may be days ahead.
    open_appointments(page, visit_today=False)
    cancel_with_reason(
        page,
        page.get_by_role("button", name=re.compile("^Avbestill:")).first,
        "Jeg er på sykehus eller institusjon",
    )
    expect(page.get_by_text("Avbestilt av Ingrid Nordmann Berg")).to_be_visible()
    with Session(portal_database) as session:
        cancelled = session.exec(
            select(HomeVisit).where(HomeVisit.status == VisitStatus.CANCELLED_BY_CITIZEN)
        ).one()
        assert cancelled.subject_id == person(session, PER).id
        assert cancelled.cancelled_by_id == person(session, INGRID).id


@pytest.fixture
def visit_in_two_hours(portal_database: Engine) -> Iterator[HomeVisit]:
    starts = (utc_now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    with visit_for(portal_database, KARI, starts, 20, ServiceType.WOUND_CARE, "Jonas Bakke") as visit:
        yield visit


def test_a_visit_after_the_deadline_offers_the_phone_number_instead(
    page: Page, visit_in_two_hours: HomeVisit
) -> None:
    log_in(page, KARI)
    open_appointments(page)
    window = format_time_window(visit_in_two_hours.starts_at, visit_in_two_hours.ends_at, "nb")
    card = page.locator("li", has=page.get_by_text(window, exact=True))
    expect(card.get_by_text(re.compile("^Fristen for å avbestille her var"))).to_be_visible()
    phone = card.get_by_role("link", name="55 00 00 01")
    expect(phone).to_have_attribute("href", "tel:+4755000001")
    expect(card.get_by_role("button", name=re.compile("^Avbestill"))).to_have_count(0)
    assert_accessible(page)


def test_kari_asks_for_a_new_time_and_finds_the_request_among_her_messages(page: Page) -> None:
    log_in(page, KARI)
    open_appointments(page)
    page.get_by_role("button", name=re.compile("^Be om ny tid:")).first.click()
    expect(page.get_by_role("heading", name="Be om ny tid")).to_be_visible()
    page.get_by_role("button", name="Send ønsket").click()
    expect(page.get_by_role("alert")).to_contain_text("Velg dager eller tid på dagen som passer")
    assert_accessible(page)
    choose(page, "tirsdag")
    choose(page, AFTERNOON)
    note = f"Datteren min kan være med. ({secrets.token_hex(3)})"
    page.get_by_label("Noe mer hjemmetjenesten bør vite? (valgfritt)").fill(note)
    page.get_by_role("button", name="Send ønsket").dblclick()
    expect(page.get_by_text("Ønsket er sendt.", exact=False)).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name=re.compile("^Meldinger")).click()
    page.get_by_role("link", name="Ønske om ny tid").first.click()
    request = page.get_by_text(note)
    expect(request).to_have_count(1)  # a double click sends once
    expect(request).to_contain_text("Dager som passer: tirsdag.")
    expect(request).to_contain_text(f"Tid på dagen som passer: {AFTERNOON}.")


def test_the_calendar_file_holds_the_upcoming_visits(page: Page, portal_database: Engine) -> None:
    log_in(page, KARI)
    open_appointments(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned kalenderfil").click()
    assert download.value.suggested_filename == "timeavtaler.ics"
    content = Path(download.value.path()).read_bytes()
    events = list(icalendar.Calendar.from_ical(content).walk("VEVENT"))
    now = utc_now()
    with Session(portal_database) as session:
        planned = session.exec(
            select(HomeVisit).where(
                HomeVisit.subject_id == person(session, KARI).id,
                col(HomeVisit.status).in_([VisitStatus.PLANNED, VisitStatus.CANCELLED_BY_SERVICE]),
                HomeVisit.starts_at >= now,
                HomeVisit.starts_at < now + timedelta(days=90),
            )
        ).all()
    assert len(events) == len(planned) > 0
    assert {str(event["SUMMARY"]) for event in events} <= {"Hjelp med medisiner", "Sårstell"}
    assert all(event["DTSTART"].dt.tzinfo is not None for event in events)
    assert {event["DTSTART"].dt.astimezone(OSLO).hour for event in events} <= {8, 14}
    assert b"Line Hansen" not in content and b"Kari" not in content


def test_past_visits_show_who_came(page: Page) -> None:
    log_in(page, KARI)
    open_appointments(page)
    page.get_by_role("button", name="Tidligere besøk").click()
    expect(page.get_by_text("Utført").first).to_be_visible()
    expect(page.get_by_text(re.compile("^Besøk av ")).first).to_be_visible()
    assert_accessible(page)
