"""Setting the scene for browser tests: logging in as one of the cast, and arranging their data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from homecare import routes
from homecare.domain.power_of_attorney import ServiceArea
from homecare.domain.visits import ServiceType
from homecare.models import HomeVisit, Person, PowerOfAttorney, PowerOfAttorneyArea, TermsConsent
from homecare.models.columns import utc_now
from homecare.services.demo_cast import CastMember
from homecare.settings import get_settings


def person(session: Session, member: CastMember) -> Person:
    return session.exec(select(Person).where(Person.national_id == member.national_id)).one()


def log_in(page: Page, member: CastMember) -> None:
    """From the front page, through the provider's login page, as one of the cast."""
    page.goto(routes.HOME)
    page.get_by_role("main").get_by_role("link", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Utviklingsinnlogging")).to_be_visible()
    page.get_by_role("button", name=member.full_name).click()


def withdraw_consent(database: Engine, member: CastMember) -> None:
    """The person has not accepted the terms (yet)."""
    with Session(database) as session:
        session.execute(delete(TermsConsent).where(col(TermsConsent.person_id) == person(session, member).id))
        session.commit()


def give_consent(database: Engine, member: CastMember) -> None:
    with Session(database) as session:
        someone = person(session, member)
        version = get_settings().terms_version
        found = session.exec(
            select(TermsConsent).where(
                TermsConsent.person_id == someone.id, TermsConsent.terms_version == version
            )
        ).first()
        if found is None:
            session.add(TermsConsent(person_id=someone.id or 0, terms_version=version))
            session.commit()


def end_grants(database: Engine, grantor: CastMember, grantee: CastMember) -> None:
    """No grant from `grantor` to `grantee` is in force."""
    with Session(database) as session:
        rows = session.exec(
            select(PowerOfAttorney).where(
                PowerOfAttorney.grantor_id == person(session, grantor).id,
                PowerOfAttorney.grantee_id == person(session, grantee).id,
                col(PowerOfAttorney.ended_at).is_(None),
            )
        ).all()
        for row in rows:
            row.ended_at = utc_now()
            session.add(row)
        session.commit()


def ensure_grant(database: Engine, grantor: CastMember, grantee: CastMember) -> None:
    """A grant covering digital healthcare services, without end date, is in force."""
    end_grants(database, grantor, grantee)
    with Session(database) as session:
        row = PowerOfAttorney(
            grantor_id=person(session, grantor).id or 0, grantee_id=person(session, grantee).id or 0
        )
        session.add(row)
        session.flush()
        session.add(
            PowerOfAttorneyArea(power_of_attorney_id=row.id or 0, area=ServiceArea.DIGITAL_HEALTHCARE)
        )
        session.commit()


@contextmanager
def visit_for(
    database: Engine, member: CastMember, starts_at: datetime, minutes: int, service: ServiceType, staff: str
) -> Iterator[HomeVisit]:
    """A planned visit of the member's for the length of a test, removed afterwards."""
    with Session(database) as session:
        someone = person(session, member)
        visit = HomeVisit(
            subject_id=someone.id or 0, service_unit_id=someone.service_unit_id or 0, starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes), service_type=service, staff_name=staff,
        )  # fmt: skip
        session.add(visit)
        session.commit()
        session.refresh(visit)
    try:
        yield visit
    finally:
        with Session(database) as session:
            session.execute(delete(HomeVisit).where(col(HomeVisit.id) == visit.id))
            session.commit()
