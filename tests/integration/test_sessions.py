"""Server-side sessions: new ids, timeouts with a controllable clock, logout, and ending other logins."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from homecare.auth.sessions import (
    EndReason,
    begin_login,
    cookie_value,
    end_other_session,
    end_session,
    live_sessions,
    previous_login_at,
    resolve_session,
    secret_hash,
    start_session,
    take_login_attempt,
)
from homecare.models import LoginSession, Person, TermsConsent, UsageLogEntry
from homecare.services.demo_cast import INGRID, KARI, NORA
from homecare.services.terms import accept
from homecare.settings import get_settings

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
SETTINGS = replace(get_settings(), session_idle_minutes=30, session_absolute_hours=12)


def person_id(db: Session, national_id: str) -> int:
    person = db.exec(select(Person).where(Person.national_id == national_id)).one()
    assert person.id is not None
    return person.id


def log_in(db: Session, national_id: str, at: datetime = NOW, user_agent: str | None = None) -> str:
    return start_session(
        db, SETTINGS, actor_id=person_id(db, national_id), idp_sid="sid-1", id_token_hint="token",
        language="nb", user_agent=user_agent, now=at,
    )  # fmt: skip


def test_each_login_gets_a_new_random_id_and_only_its_hash_is_stored(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        first, second = log_in(db, INGRID.national_id), log_in(db, INGRID.national_id)
        db.commit()
        assert first != second and len(first) >= 43
        stored = {row.token_hash for row in db.exec(select(LoginSession))}
        assert stored == {secret_hash(first), secret_hash(second)}
        assert first not in stored


def test_a_session_is_found_by_its_id_and_a_forged_id_finds_nothing(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        token = log_in(db, INGRID.national_id)
        found = resolve_session(db, SETTINGS, token, NOW + timedelta(minutes=1))
        assert found is not None and found.actor_id == person_id(db, INGRID.national_id)
        assert resolve_session(db, SETTINGS, token + "x", NOW) is None
        assert resolve_session(db, SETTINGS, "", NOW) is None
        assert resolve_session(db, SETTINGS, None, NOW) is None


def test_thirty_idle_minutes_end_the_session_for_good(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        token = log_in(db, INGRID.national_id)
        assert resolve_session(db, SETTINGS, token, NOW + timedelta(minutes=29)) is not None
        assert resolve_session(db, SETTINGS, token, NOW + timedelta(minutes=29 + 30)) is None
        # Coming back within what would have been the idle window again does not revive it.
        assert resolve_session(db, SETTINGS, token, NOW + timedelta(minutes=60)) is None
        row = db.exec(select(LoginSession)).one()
        assert row.end_reason == EndReason.IDLE


def test_being_active_never_stretches_a_session_past_twelve_hours(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        token = log_in(db, INGRID.national_id)
        moment = NOW
        while moment < NOW + timedelta(hours=12) - timedelta(minutes=20):
            moment += timedelta(minutes=20)
            assert resolve_session(db, SETTINGS, token, moment) is not None
        assert resolve_session(db, SETTINGS, token, NOW + timedelta(hours=12)) is None
        assert db.exec(select(LoginSession)).one().end_reason == EndReason.EXPIRED


def test_logout_ends_the_row_and_the_old_cookie_no_longer_works(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        token = log_in(db, INGRID.national_id)
        ended = end_session(db, token, NOW + timedelta(minutes=5))
        assert ended is not None and ended.id_token_hint == "token"
        assert resolve_session(db, SETTINGS, token, NOW + timedelta(minutes=6)) is None
        assert end_session(db, token, NOW + timedelta(minutes=7)) is None
        actions = [entry.action for entry in db.exec(select(UsageLogEntry).order_by(UsageLogEntry.id))]
        assert actions == ["login", "logout"]


def test_a_person_ends_another_of_their_logins_but_not_the_current_one(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        phone = log_in(db, INGRID.national_id, user_agent="phone")
        laptop = log_in(db, INGRID.national_id, NOW + timedelta(minutes=1), user_agent="laptop")
        current = resolve_session(db, SETTINGS, laptop, NOW + timedelta(minutes=2))
        other = resolve_session(db, SETTINGS, phone, NOW + timedelta(minutes=2))
        assert current and other
        ingrid = person_id(db, INGRID.national_id)
        assert {s.user_agent for s in live_sessions(db, SETTINGS, ingrid, NOW + timedelta(minutes=3))} == {
            "phone",
            "laptop",
        }
        assert not end_other_session(
            db, actor_id=ingrid, session_id=current.id, current_session_id=current.id, now=NOW
        )
        assert end_other_session(
            db, actor_id=ingrid, session_id=other.id, current_session_id=current.id, now=NOW
        )
        assert resolve_session(db, SETTINGS, phone, NOW + timedelta(minutes=4)) is None
        assert resolve_session(db, SETTINGS, laptop, NOW + timedelta(minutes=4)) is not None


def test_nobody_can_end_another_persons_login(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        karis = log_in(db, KARI.national_id)
        ingrids = log_in(db, INGRID.national_id)
        kari_session = resolve_session(db, SETTINGS, karis, NOW)
        ingrid_session = resolve_session(db, SETTINGS, ingrids, NOW)
        assert kari_session and ingrid_session
        assert not end_other_session(
            db,
            actor_id=ingrid_session.actor_id,
            session_id=kari_session.id,
            current_session_id=ingrid_session.id,
            now=NOW,
        )
        assert resolve_session(db, SETTINGS, karis, NOW + timedelta(minutes=1)) is not None


def test_the_previous_login_is_remembered(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        log_in(db, INGRID.national_id, NOW - timedelta(days=2))
        token = log_in(db, INGRID.national_id)
        current = resolve_session(db, SETTINGS, token, NOW)
        assert current is not None
        log_in(db, INGRID.national_id, NOW + timedelta(hours=1))  # later, on another device
        assert previous_login_at(db, current) == NOW - timedelta(days=2)


def test_a_pending_login_can_be_taken_once_and_only_while_fresh(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        state = begin_login(db, nonce="n", code_verifier="v" * 64, language="en", now=NOW)
        stale = begin_login(db, nonce="n", code_verifier="v" * 64, language="nb", now=NOW)
        attempt = take_login_attempt(db, state, NOW + timedelta(minutes=1))
        assert attempt is not None and attempt.language == "en"
        assert take_login_attempt(db, state, NOW + timedelta(minutes=1)) is None
        assert take_login_attempt(db, stale, NOW + timedelta(minutes=11)) is None
        assert take_login_attempt(db, "made-up", NOW) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("hc_session=abc; other=1", "abc"),
        ("other=1", None),
        ("", None),
        (None, None),
        ("a=b c; hc_session=abc", "abc"),
        ("x[0]=1; hc_session=abc", "abc"),
        ("bare; hc_session=abc", "abc"),
        ("hc_session=", None),
    ],
)
def test_the_session_cookie_is_read_from_the_cookie_header(header: str | None, expected: str | None) -> None:
    assert cookie_value(header, "hc_session") == expected


def test_accepting_the_terms_is_recorded_with_version_and_time_once(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        nora = person_id(db, NORA.national_id)
        accept(db, nora, "2027-1", NOW)
        accept(db, nora, "2027-1", NOW + timedelta(minutes=1))
        db.commit()
        consents = db.exec(select(TermsConsent).where(TermsConsent.person_id == nora)).all()
        assert [(c.terms_version, c.accepted_at) for c in consents] == [("2027-1", NOW)]
        entries = db.exec(select(UsageLogEntry).where(UsageLogEntry.action == "terms_accepted")).all()
        assert [(e.actor_id, e.subject_id) for e in entries] == [(nora, nora)]
