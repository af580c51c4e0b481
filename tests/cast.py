"""The demo cast in tests: a member's row, and a checked access as the one access check hands it out."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from homecare.auth.sessions import ActiveSession
from homecare.domain.national_id import is_valid_national_id
from homecare.models import Person
from homecare.services.access import Access
from homecare.services.demo_cast import CAST, CastMember

_SESSION_STARTED = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def person(db: Session, member: CastMember) -> Person:
    return db.exec(select(Person).where(Person.national_id == member.national_id)).one()


def access(db: Session, actor: CastMember, subject: CastMember | None = None) -> Access:
    """The actor acting for the subject (themself without one); the check itself is tested elsewhere."""
    acting, about = person(db, actor), person(db, subject or actor)
    session = ActiveSession(1, acting.id or 0, about.id or 0, _SESSION_STARTED, _SESSION_STARTED, "nb", None)
    return Access(session=session, actor=acting, subject=about, terms_accepted=True, unread_messages=0)


def unknown_synthetic_number() -> str:
    """A valid synthetic test number that belongs to no one in the cast."""
    cast = {member.national_id for member in CAST}
    for individual in range(100, 500):
        for check in range(100):
            number = f"018150{individual:03d}{check:02d}"
            if number not in cast and is_valid_national_id(number):
                return number
    raise AssertionError("no number found")
