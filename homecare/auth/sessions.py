"""Server-side sessions and pending logins.

The browser holds only random ids (in HttpOnly cookies); the database holds their SHA-256 hashes, so a copy
of the database cannot be used to take over a session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, delete, select
from starlette.requests import cookie_parser

from homecare.domain.login import session_is_live
from homecare.models import LoginAttempt, LoginSession
from homecare.services.usage_log import UsageAction, record_use
from homecare.settings import Settings

SESSION_COOKIE = "hc_session"
LOGIN_COOKIE = "hc_login"
LOGIN_ATTEMPT_LIFETIME = timedelta(minutes=10)
# Writing last_seen_at on every event would make every click a write; a minute is precise enough for a
# 30-minute idle limit.
TOUCH_INTERVAL = timedelta(minutes=1)


class EndReason(StrEnum):
    """Why a session ended, as stored on the row."""

    LOGOUT = "logout"
    IDLE = "idle"
    EXPIRED = "expired"
    ENDED_FROM_OTHER_SESSION = "ended_by_person"
    PROVIDER_LOGOUT = "provider_logout"


@dataclass(frozen=True)
class ActiveSession:
    """A live session as the rest of the portal sees it: never the token itself."""

    id: int
    actor_id: int
    subject_id: int
    created_at: datetime
    last_seen_at: datetime
    language: str
    user_agent: str | None


def new_secret() -> str:
    """A random value for a session id, a state or a nonce (256 bits)."""
    return secrets.token_urlsafe(32)


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def cookie_value(cookie_header: str | None, name: str) -> str | None:
    """One cookie from a Cookie header, read as leniently as the HTTP routes read it (Starlette's parser),
    so that a malformed neighbouring cookie cannot hide it from one side only."""
    if not cookie_header:
        return None
    return cookie_parser(cookie_header).get(name) or None


def begin_login(db: Session, *, nonce: str, code_verifier: str, language: str, now: datetime) -> str:
    """Remember a login on its way to the provider; returns the `state` that will come back with it."""
    state = new_secret()
    db.add(
        LoginAttempt(
            state_hash=secret_hash(state),
            nonce=nonce,
            code_verifier=code_verifier,
            language=language,
            created_at=now,
        )
    )
    db.execute(delete(LoginAttempt).where(col(LoginAttempt.created_at) < now - LOGIN_ATTEMPT_LIFETIME))
    return state


def take_login_attempt(db: Session, state: str, now: datetime) -> LoginAttempt | None:
    """The pending login for `state`, removed so that it can be used once; None if unknown or too old."""
    key = secret_hash(state)
    attempt = db.get(LoginAttempt, key)
    if attempt is None:
        return None
    db.expunge(attempt)
    # Deleting by key, and counting, makes two callbacks racing with the same state get one winner.
    taken = db.execute(delete(LoginAttempt).where(col(LoginAttempt.state_hash) == key)).rowcount == 1
    if not taken or now - attempt.created_at > LOGIN_ATTEMPT_LIFETIME:
        return None
    return attempt


def start_session(
    db: Session,
    settings: Settings,
    *,
    actor_id: int,
    idp_sid: str | None,
    id_token_hint: str | None,
    language: str,
    user_agent: str | None,
    now: datetime,
) -> str:
    """A new session with a new random id (never one the browser brought); returns the id for the cookie."""
    token = new_secret()
    db.add(
        LoginSession(
            token_hash=secret_hash(token),
            actor_id=actor_id,
            subject_id=actor_id,
            idp_sid=idp_sid,
            id_token_hint=id_token_hint,
            language=language,
            user_agent=(user_agent or "")[:200] or None,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
        )
    )
    record_use(db, action=UsageAction.LOGIN, actor_id=actor_id, subject_id=actor_id, at=now)
    return token


def _is_live(row: LoginSession, settings: Settings, now: datetime) -> bool:
    return session_is_live(
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        ended_at=row.ended_at,
        now=now,
        idle_limit=timedelta(minutes=settings.session_idle_minutes),
        absolute_limit=timedelta(hours=settings.session_absolute_hours),
    )


def _view(row: LoginSession) -> ActiveSession:
    assert row.id is not None
    return ActiveSession(
        id=row.id,
        actor_id=row.actor_id,
        subject_id=row.subject_id,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        language=row.language,
        user_agent=row.user_agent,
    )


def resolve_session(
    db: Session, settings: Settings, token: str | None, now: datetime
) -> ActiveSession | None:
    """The live session for a cookie's id, marked as used now; None when there is none.

    A session found past its idle or absolute limit is ended here, so that it can never come back.
    """
    if not token:
        return None
    row = db.exec(select(LoginSession).where(LoginSession.token_hash == secret_hash(token))).first()
    return live_session(db, settings, row, now)


def live_session(
    db: Session, settings: Settings, row: LoginSession | None, now: datetime
) -> ActiveSession | None:
    """`resolve_session` for a row already read (the access check reads it together with its people)."""
    if row is None or row.ended_at is not None:
        return None
    if not _is_live(row, settings, now):
        too_old = now - row.created_at >= timedelta(hours=settings.session_absolute_hours)
        _end(db, row, now, EndReason.EXPIRED if too_old else EndReason.IDLE)
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        db.add(row)
    return _view(row)


def _end(db: Session, row: LoginSession, now: datetime, reason: EndReason) -> None:
    # The ID token names the person: it is kept only as long as it is needed for logging out.
    row.ended_at = now
    row.end_reason = reason
    row.id_token_hint = None
    db.add(row)


def end_provider_sessions(db: Session, idp_sid: str, now: datetime) -> list[int]:
    """The provider logged this login out (elsewhere): end every live session of ours it started. Ending
    them again is no error, so a logout token that comes twice changes nothing more. Returns the actors."""
    rows = db.exec(
        select(LoginSession).where(LoginSession.idp_sid == idp_sid, col(LoginSession.ended_at).is_(None))
    ).all()
    for row in rows:
        _end(db, row, now, EndReason.PROVIDER_LOGOUT)
        record_use(
            db, action=UsageAction.LOGOUT, actor_id=row.actor_id, subject_id=row.actor_id, at=now,
            detail="logged out of the national login",
        )  # fmt: skip
    return [row.actor_id for row in rows]


@dataclass(frozen=True)
class EndedSession:
    """What logging out at the provider needs of a session that just ended."""

    actor_id: int
    id_token_hint: str | None


def end_session(db: Session, token: str | None, now: datetime) -> EndedSession | None:
    """Log out: end the session of this cookie's id, if it is live."""
    if not token:
        return None
    row = db.exec(select(LoginSession).where(LoginSession.token_hash == secret_hash(token))).first()
    if row is None or row.ended_at is not None:
        return None
    ended = EndedSession(actor_id=row.actor_id, id_token_hint=row.id_token_hint)
    _end(db, row, now, EndReason.LOGOUT)
    record_use(db, action=UsageAction.LOGOUT, actor_id=row.actor_id, subject_id=row.actor_id, at=now)
    return ended


def live_sessions(db: Session, settings: Settings, actor_id: int, now: datetime) -> list[ActiveSession]:
    """The actor's sessions that are still live, newest first."""
    rows = db.exec(
        select(LoginSession)
        .where(LoginSession.actor_id == actor_id, col(LoginSession.ended_at).is_(None))
        .where(col(LoginSession.expires_at) > now)
        .order_by(col(LoginSession.last_seen_at).desc())
    ).all()
    return [_view(row) for row in rows if _is_live(row, settings, now)]


def end_other_session(
    db: Session, *, actor_id: int, session_id: int, current_session_id: int, now: datetime
) -> bool:
    """End one of the actor's other sessions; refuses another person's session and the current one."""
    row = db.get(LoginSession, session_id)
    if row is None or row.actor_id != actor_id or row.id == current_session_id or row.ended_at is not None:
        return False
    _end(db, row, now, EndReason.ENDED_FROM_OTHER_SESSION)
    record_use(db, action=UsageAction.SESSION_ENDED_BY_PERSON, actor_id=actor_id, subject_id=actor_id, at=now)
    return True


def previous_login_at(db: Session, current: ActiveSession) -> datetime | None:
    """When the actor logged in before the current session, if ever (not counting later logins elsewhere)."""
    return db.exec(
        select(LoginSession.created_at)
        .where(LoginSession.actor_id == current.actor_id, col(LoginSession.created_at) < current.created_at)
        .order_by(col(LoginSession.created_at).desc())
    ).first()
