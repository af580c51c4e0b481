"""Ingrid sets up her notifications and hears of Kari's completed visit; Nora hears nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from homecare.domain.notifications import NotificationLevel
from homecare.domain.visits import ServiceType
from homecare.models import HomeVisit, NotificationPreference, OutboxItem
from homecare.models.columns import utc_now
from homecare.services.demo_cast import INGRID, KARI, NORA
from homecare.services.visits import complete_visit_by_service
from tests.e2e.conftest import assert_accessible
from tests.e2e.scenes import ensure_grant, give_consent, log_in, person, visit_for

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def ingrid_has_set_nothing_up(portal_database: Engine) -> Iterator[None]:
    ensure_grant(portal_database, KARI, INGRID)
    for member in (KARI, INGRID):
        give_consent(portal_database, member)
    with Session(portal_database) as session:
        ingrid = person(session, INGRID)
        session.execute(
            delete(NotificationPreference).where(col(NotificationPreference.person_id) == ingrid.id)
        )
        ingrid.mobile, ingrid.email = "+4791234567", "ingrid.berg@example.no"
        session.add(ingrid)
        session.commit()
    yield


def open_setup(page: Page) -> None:
    page.get_by_role("banner").get_by_text("Ingrid Nordmann Berg", exact=True).click()
    page.get_by_role("link", name="Kontaktinformasjon og varseloppsett").click()
    expect(page.get_by_role("heading", level=1, name="Kontaktinformasjon og varseloppsett")).to_be_visible()


def tick(page: Page, label: str) -> None:
    page.get_by_text(label, exact=True).click()
    expect(page.get_by_label(label, exact=True).first).to_be_checked()


@pytest.fixture
def karis_visit_an_hour_ago(portal_database: Engine) -> Iterator[HomeVisit]:
    starts = utc_now() - timedelta(hours=1)
    with visit_for(portal_database, KARI, starts, 30, ServiceType.HOME_NURSING, "Line Hansen") as visit:
        yield visit


def test_ingrid_sets_up_all_notifications_and_hears_of_karis_completed_visit(
    page: Page, portal_database: Engine, karis_visit_an_hour_ago: HomeVisit
) -> None:
    log_in(page, INGRID)
    open_setup(page)
    assert_accessible(page)
    page.get_by_text("Alle varsler", exact=True).first.click()  # the radio button's words, before the list
    tick(page, "SMS")
    tick(page, "E-post")
    page.get_by_text("Ja, send meg de samme varslene om dem jeg har fullmakt for").click()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Lagret: Alle varsler, på SMS og E-post.")).to_be_visible()
    assert_accessible(page)
    with Session(portal_database) as session:
        saved = session.exec(
            select(NotificationPreference).where(
                NotificationPreference.person_id == person(session, INGRID).id
            )
        ).one()
        assert (saved.level, saved.by_sms, saved.by_email, saved.same_for_represented) == (
            NotificationLevel.ALL, True, True, True,
        )  # fmt: skip

    # The municipality records the visit as made (the function the integration API calls).
    with Session(portal_database) as session:
        complete_visit_by_service(
            session,
            karis_visit_an_hour_ago.id or 0,
            completed_at=utc_now(),
            staff_name="Line Hansen",
            now=utc_now(),
        )
        session.commit()
    page.goto("/utvikling/utboks")
    expect(page.get_by_role("heading", level=1, name="Utviklingsutboks")).to_be_visible()
    notice = page.locator("li", has=page.get_by_text("+4791234567")).filter(
        has_text="Hjemmetjenesten har vært på besøk hos Kari Nordmann"
    )
    expect(notice.first).to_be_visible()
    expect(
        page.locator("li", has=page.get_by_text("ingrid.berg@example.no"))
        .filter(has_text="Kari Nordmann")
        .first
    ).to_be_visible()
    assert_accessible(page)
    with Session(portal_database) as session:
        nora = person(session, NORA)
        # Nora no longer holds a power of attorney from Kari: nothing about Kari's visits reaches her.
        about_kari = select(OutboxItem).where(
            OutboxItem.recipient_person_id == nora.id, OutboxItem.kind == "visit_completed"
        )
        assert session.exec(about_kari).all() == []
        about_visit = session.exec(
            select(OutboxItem).where(
                OutboxItem.kind == "visit_completed",
                OutboxItem.recipient_person_id == person(session, INGRID).id,
            )
        ).all()
        assert {row.channel.value for row in about_visit} >= {"sms", "email"}
        assert all("Line Hansen" not in row.body for row in about_visit)


def test_a_landline_number_is_refused_with_a_clear_message_and_nothing_changes(
    page: Page, portal_database: Engine
) -> None:
    log_in(page, INGRID)
    open_setup(page)
    tick(page, "SMS")
    page.get_by_label("Mobilnummer").fill("55 12 34 56")
    page.get_by_label("E-postadresse").fill("ikke en adresse")
    page.get_by_role("button", name="Lagre").click()
    expect(
        page.get_by_text("Dette er ikke et mobilnummer, så det kan ikke få SMS.", exact=False)
    ).to_be_visible()
    expect(page.get_by_text("Skriv en gyldig e-postadresse", exact=False)).to_be_visible()
    assert_accessible(page)
    with Session(portal_database) as session:
        ingrid = person(session, INGRID)
        assert (ingrid.mobile, ingrid.email) == ("+4791234567", "ingrid.berg@example.no")
        assert (
            session.exec(
                select(NotificationPreference).where(NotificationPreference.person_id == ingrid.id)
            ).all()
            == []
        )


def test_acting_for_kari_ingrid_sets_up_what_she_hears_about_kari(
    page: Page, portal_database: Engine
) -> None:
    log_in(page, INGRID)
    page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
    page.get_by_role("button", name="Velg Kari Nordmann").click()
    open_setup(page)
    expect(page.get_by_text(re.compile("hvilke varsler du får om Kari Nordmann"))).to_be_visible()
    expect(page.get_by_text("Vil du ha samme varsler for andre du representerer?")).to_have_count(0)
    page.get_by_text("Standard", exact=True).first.click()
    tick(page, "E-post")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Lagret: Standard, på E-post.")).to_be_visible()
    with Session(portal_database) as session:
        about_kari = session.exec(
            select(NotificationPreference).where(
                NotificationPreference.person_id == person(session, INGRID).id,
                NotificationPreference.about_person_id == person(session, KARI).id,
            )
        ).one()
        assert (about_kari.level, about_kari.by_sms, about_kari.by_email) == (
            NotificationLevel.STANDARD,
            False,
            True,
        )
