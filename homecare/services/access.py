"""The one access check: who is logged in, whom they act for, and whether they still may.

Every state event and every route that touches a person's data calls `check_access`. It reads the session
and the power of attorney from the database every time, so a logout, an expiry or a withdrawn power of
attorney counts from the very next event, also in a tab that is already open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from homecare.auth.sessions import ActiveSession, live_session, secret_hash
from homecare.domain.usage import UsageOutcome
from homecare.models import LoginSession, Person, TermsConsent
from homecare.services.power_of_attorney import may_represent
from homecare.services.unread import unread_messages
from homecare.services.usage_log import UsageAction, record_use
from homecare.settings import Settings


class AccessProblem(StrEnum):
    """Why an event may not go on."""

    NOT_LOGGED_IN = "not_logged_in"
    TERMS_NOT_ACCEPTED = "terms_not_accepted"
    # The power of attorney ended, expired or lost the area while the representative had the person open.
    REPRESENTATION_ENDED = "representation_ended"
    # Another tab of the same login changed whom it acts for.
    SUBJECT_CHANGED_ELSEWHERE = "subject_changed_elsewhere"


class AccessDenied(Exception):
    """The event must stop; nothing of the subject's data may be sent."""

    def __init__(self, problem: AccessProblem, former_subject_name: str | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.former_subject_name = former_subject_name


@dataclass(frozen=True)
class Access:
    """A checked right to use `subject`'s data, for one event."""

    session: ActiveSession
    actor: Person
    subject: Person
    terms_accepted: bool
    # The service's messages to the subject that nobody has read yet (the header shows the count).
    unread_messages: int

    @property
    def actor_id(self) -> int:
        assert self.actor.id is not None
        return self.actor.id

    @property
    def subject_id(self) -> int:
        assert self.subject.id is not None
        return self.subject.id

    @property
    def on_behalf(self) -> bool:
        return self.actor_id != self.subject_id


def check_access(
    db: Session,
    settings: Settings,
    token: str | None,
    now: datetime,
    *,
    action: str | None = None,
    require_terms: bool = True,
) -> Access:
    """The checked access of the session with this cookie id; raises AccessDenied.

    With `action`, a use by a representative is written to the subject's usage log (a person's own uses of
    their own data are not: the log is about others).
    """
    row, actor, consent_id, other, unread = _login_and_people(db, token, settings.terms_version)
    active = live_session(db, settings, row, now)
    if active is None or actor is None or actor.id is None:
        raise AccessDenied(AccessProblem.NOT_LOGGED_IN)
    terms_accepted = consent_id is not None
    if require_terms and not terms_accepted:
        raise AccessDenied(AccessProblem.TERMS_NOT_ACCEPTED)
    subject = actor
    if active.subject_id != actor.id:
        subject = other
        if subject is None or not may_represent(db, actor_id=actor.id, subject_id=active.subject_id, now=now):
            _return_to_self(db, active.id, actor.id)
            record_use(
                db, action=action or UsageAction.ACCESS, actor_id=actor.id, subject_id=active.subject_id,
                outcome=UsageOutcome.DENIED, detail="no power of attorney in force", at=now,
            )  # fmt: skip
            raise AccessDenied(AccessProblem.REPRESENTATION_ENDED, subject.full_name if subject else None)
        if action:
            record_use(db, action=action, actor_id=actor.id, subject_id=subject.id, at=now)
    return Access(
        session=active, actor=actor, subject=subject, terms_accepted=terms_accepted, unread_messages=unread
    )


_Subject = aliased(Person)


# Built once: this runs before every event, and building a statement costs more than running it. The
# engine's cache finds its compiled form by the statement's key, which is worked out once per object.
_LOGIN_AND_PEOPLE = (
    select(LoginSession, Person, TermsConsent.id, _Subject, unread_messages(col(LoginSession.subject_id)))
    .join(Person, col(Person.id) == LoginSession.actor_id)
    .outerjoin(
        TermsConsent,
        and_(
            col(TermsConsent.person_id) == LoginSession.actor_id,
            col(TermsConsent.terms_version) == bindparam("terms_version"),
        ),
    )
    .outerjoin(
        _Subject,
        and_(
            col(_Subject.id) == LoginSession.subject_id,
            col(LoginSession.subject_id) != LoginSession.actor_id,
        ),
    )
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def _login_and_people(
    db: Session, token: str | None, terms_version: str
) -> tuple[LoginSession | None, Person | None, int | None, Person | None, int]:
    """The login with this cookie id, its actor, the actor's consent to these terms, the person acted for
    when that is someone else, and the count of the service's messages to the person acted for that nobody
    has read: one statement, as this runs before every event."""
    if not token:
        return None, None, None, None, 0
    found = db.exec(
        _LOGIN_AND_PEOPLE, params={"token_hash": secret_hash(token), "terms_version": terms_version}
    ).first()
    if found is None:
        return None, None, None, None, 0
    row, actor, consent_id, subject, unread = found
    return row, actor, consent_id, subject, unread


def _return_to_self(db: Session, session_id: int, actor_id: int) -> None:
    row = db.get(LoginSession, session_id)
    if row is not None:
        row.subject_id = actor_id
        db.add(row)


def switch_subject(db: Session, access: Access, subject_id: int, now: datetime) -> bool:
    """Act for `subject_id` from now on (or for oneself again); refused without a grant in force."""
    if not may_represent(db, actor_id=access.actor_id, subject_id=subject_id, now=now):
        record_use(
            db, action=UsageAction.SWITCHED_TO, actor_id=access.actor_id, subject_id=subject_id,
            outcome=UsageOutcome.DENIED, at=now,
        )  # fmt: skip
        return False
    row = db.get(LoginSession, access.session.id)
    if row is None:
        return False
    row.subject_id = subject_id
    db.add(row)
    if subject_id != access.actor_id:
        record_use(
            db, action=UsageAction.SWITCHED_TO, actor_id=access.actor_id, subject_id=subject_id, at=now
        )
    return True
