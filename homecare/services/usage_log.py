"""Writing the usage log: who used whose data, for what, and how it ended. Never any health content."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from homecare.domain.usage import UsageOutcome
from homecare.models import UsageLogEntry
from homecare.models.columns import utc_now


class UsageAction:
    """The actions the log knows; one name per use, so the log page can translate them."""

    LOGIN = "login"
    LOGIN_REFUSED = "login_refused"
    LOGOUT = "logout"
    SESSION_ENDED_BY_PERSON = "session_ended_by_person"
    TERMS_ACCEPTED = "terms_accepted"


def record_use(
    session: Session,
    *,
    action: str,
    actor_id: int | None,
    subject_id: int | None,
    outcome: UsageOutcome = UsageOutcome.OK,
    detail: str | None = None,
    at: datetime | None = None,
) -> None:
    """Add one entry; it is committed with the change it describes."""
    session.add(
        UsageLogEntry(
            at=at or utc_now(),
            actor_id=actor_id,
            subject_id=subject_id,
            action=action,
            outcome=outcome,
            detail=detail[:200] if detail else None,
        )
    )
