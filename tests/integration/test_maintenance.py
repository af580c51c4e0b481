"""What has run out is deleted, and nothing else: sessions, logins, API answers, sent notices, the log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

import homecare.maintenance
from homecare.auth.sessions import start_session
from homecare.domain.notifications import Channel
from homecare.maintenance import purge_once
from homecare.models import (
    ApiClient,
    IdempotentResponse,
    LoginAttempt,
    LoginSession,
    OutboxItem,
    OutboxStatus,
    UsageLogEntry,
)
from homecare.services.demo_cast import INGRID
from homecare.services.municipal import create_client
from homecare.settings import get_settings
from tests.cast import person

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
SETTINGS = replace(get_settings(), outbox_retention_days=30, usage_log_retention_days=365)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as db:
        return db.exec(select(func.count()).select_from(model)).one()


def test_only_what_has_run_out_is_deleted(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid = person(db, INGRID).id or 0
        for started in (NOW - timedelta(days=30), NOW - timedelta(hours=1)):
            start_session(
                db, get_settings(), actor_id=ingrid, idp_sid=None, id_token_hint=None, language="nb",
                user_agent=None, now=started,
            )  # fmt: skip
        db.add(
            LoginAttempt(
                state_hash="a" * 64, nonce="n", code_verifier="v" * 43, created_at=NOW - timedelta(hours=1)
            )
        )
        db.add(LoginAttempt(state_hash="b" * 64, nonce="n", code_verifier="v" * 43, created_at=NOW))
        client, _key = create_client(db, "4601", "EPJ Bergen", NOW)
        db.flush()
        for key, created in (("old", NOW - timedelta(days=2)), ("new", NOW - timedelta(hours=2))):
            db.add(
                IdempotentResponse(
                    client_id=client.id or 0, key=key, request_hash="h", status_code=201, body="{}",
                    created_at=created,
                )
            )  # fmt: skip
        for number, (status, due) in enumerate(
            [
                (OutboxStatus.SENT, NOW - timedelta(days=40)),
                (OutboxStatus.SENT, NOW - timedelta(days=2)),
                (OutboxStatus.FAILED, NOW - timedelta(days=400)),
                (OutboxStatus.PENDING, NOW - timedelta(days=40)),
            ]
        ):
            db.add(
                OutboxItem(
                    channel=Channel.SMS, address="+4791234567", kind="new_message", body="Hei", status=status,
                    due_at=due, dedupe_key=f"maintenance:{number}",
                )
            )  # fmt: skip
        db.commit()
        for days in (400, 366, 364, 1):
            at = NOW - timedelta(days=days)
            db.add(UsageLogEntry(at=at, actor_id=ingrid, subject_id=ingrid, action=f"{days} days ago"))
        db.commit()

    purged = purge_once(SETTINGS, NOW, cast_engine)

    assert (purged.sessions, purged.login_attempts, purged.api_answers, purged.sent_notices) == (1, 1, 1, 1)
    assert count(cast_engine, LoginSession) == 1
    assert count(cast_engine, LoginAttempt) == 1
    assert count(cast_engine, IdempotentResponse) == 1
    with Session(cast_engine) as db:
        kept = sorted(item.status for item in db.exec(select(OutboxItem)))
        assert kept == sorted([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.PENDING]), (
            "failed notices stay for the operators, owed ones are never dropped"
        )
        old_log = db.exec(select(UsageLogEntry).where(UsageLogEntry.at < NOW - timedelta(days=365))).all()
        assert old_log == []
        kept_log = db.exec(
            select(UsageLogEntry.action).where(UsageLogEntry.action.endswith(" days ago"))
        ).all()
        assert sorted(kept_log) == ["1 days ago", "364 days ago"]
    assert purged.usage_log >= 2
    assert count(cast_engine, ApiClient) == 1, "only what runs out goes"


def test_the_usage_log_goes_in_batches_oldest_first(
    cast_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(homecare.maintenance, "BATCH", 3)
    with Session(cast_engine) as db:
        ingrid = person(db, INGRID).id or 0
        for days in (900, 800, 700, 600, 500, 400, 10):
            db.add(
                UsageLogEntry(at=NOW - timedelta(days=days), actor_id=ingrid, subject_id=ingrid, action="x")
            )
        db.commit()
    purge_once(SETTINGS, NOW, cast_engine)
    with Session(cast_engine) as db:
        assert db.exec(select(UsageLogEntry).where(UsageLogEntry.at < NOW - timedelta(days=365))).all() == []
        assert db.exec(select(UsageLogEntry).where(UsageLogEntry.at == NOW - timedelta(days=10))).one()
