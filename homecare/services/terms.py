"""Acceptance of the terms of use, by version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from homecare.models import TermsConsent
from homecare.services.usage_log import UsageAction, record_use


def has_accepted(session: Session, person_id: int, version: str) -> bool:
    found = session.exec(
        select(TermsConsent.id).where(
            TermsConsent.person_id == person_id, TermsConsent.terms_version == version
        )
    ).first()
    return found is not None


def accept(session: Session, person_id: int, version: str, now: datetime) -> None:
    """Record that the person accepted `version`; accepting again (even in two tabs at once) is a no-op."""
    if has_accepted(session, person_id, version):
        return
    try:
        with session.begin_nested():
            session.add(TermsConsent(person_id=person_id, terms_version=version, accepted_at=now))
    except IntegrityError:
        return  # the other tab was first
    record_use(
        session,
        action=UsageAction.TERMS_ACCEPTED,
        actor_id=person_id,
        subject_id=person_id,
        detail=f"version {version}",
        at=now,
    )
