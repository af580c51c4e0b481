"""Writing the usage log: who used whose data, for what, and how it ended. Never any health content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, func, select

from homecare.domain.usage import UsageOutcome
from homecare.models import Person, UsageLogEntry
from homecare.models.columns import utc_now


class UsageAction(StrEnum):
    """The actions the log knows; one name per use, so the log page can say each in the reader's language."""

    LOGIN = "login"
    LOGIN_REFUSED = "login_refused"
    LOGOUT = "logout"
    SESSION_ENDED_BY_PERSON = "session_ended_by_person"
    TERMS_ACCEPTED = "terms_accepted"
    ACCESS = "access"
    SWITCHED_TO = "switched_to"
    READ_START_PAGE = "read_start_page"
    READ_USAGE_LOG = "read_usage_log"
    POA_GRANTED = "poa_granted"
    POA_GRANT_REFUSED = "poa_grant_refused"
    POA_CHANGED = "poa_changed"
    POA_ENDED = "poa_ended"
    READ_MESSAGES = "read_messages"
    MESSAGE_SENT = "message_sent"
    ATTACHMENT_OPENED = "attachment_opened"
    READ_APPOINTMENTS = "read_appointments"
    VISIT_CANCELLED = "visit_cancelled"
    NEW_TIME_REQUESTED = "new_time_requested"
    CALENDAR_DOWNLOADED = "calendar_downloaded"
    DATA_EXPORTED = "data_exported"
    NOTIFICATIONS_CHANGED = "notifications_changed"
    CONTACT_CHANGED = "contact_changed"
    API_REFUSED = "api_refused"


def record_use(
    session: Session,
    *,
    action: UsageAction,
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


@dataclass(frozen=True)
class UsageLogLine:
    """One entry as the log page shows it: who (a name, or the municipality's system), what, when, outcome."""

    at: datetime
    actor_name: str | None
    action: str
    outcome: UsageOutcome


def newest_entry_id(session: Session, subject_id: int) -> int:
    """Where a reading of the log starts: later entries (the reading itself, say) do not shift its pages."""
    newest = session.exec(
        select(func.max(UsageLogEntry.id)).where(UsageLogEntry.subject_id == subject_id)
    ).one()
    return newest or 0


def usage_log_page(
    session: Session, subject_id: int, *, up_to_id: int, page: int, page_size: int
) -> tuple[list[UsageLogLine], int]:
    """One page of the subject's log up to entry `up_to_id`, newest first, and how many entries that is."""
    mine = (UsageLogEntry.subject_id == subject_id, col(UsageLogEntry.id) <= up_to_id)
    newest_first = (col(UsageLogEntry.at).desc(), col(UsageLogEntry.id).desc())
    total = session.exec(select(func.count()).select_from(UsageLogEntry).where(*mine)).one()
    # The page's entries are picked from the index alone; only those are read and joined to their actors, so a
    # deep page of a long log costs little more than the first.
    on_page = (
        select(UsageLogEntry.id)
        .where(*mine)
        .order_by(*newest_first)
        .offset(max(page, 0) * page_size)
        .limit(page_size)
        .subquery()
    )
    rows = session.exec(
        select(UsageLogEntry, Person)
        .join(on_page, col(UsageLogEntry.id) == on_page.c.id)
        .join(Person, col(Person.id) == UsageLogEntry.actor_id, isouter=True)
        .order_by(*newest_first)
    ).all()
    lines = [
        UsageLogLine(
            at=entry.at,
            actor_name=actor.full_name if actor else None,
            action=entry.action,
            outcome=entry.outcome,
        )
        for entry, actor in rows
    ]
    return lines, total
