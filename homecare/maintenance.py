"""Keeping no data longer than it is needed: what has run out is deleted, in small batches, every hour.

- login sessions a week after they ended (they all end by `expires_at`; the usage log keeps the logins);
- logins that never came back from the provider, after their ten minutes;
- the integration API's remembered answers, after a day (a retry comes within minutes);
- notices sent (and so the addresses in them) after HOMECARE_OUTBOX_RETENTION_DAYS; failed ones stay for
  the operators, and the development outbox is the same table;
- the usage log after HOMECARE_USAGE_LOG_RETENTION_DAYS.

It runs as a task in each backend worker (deleting what another worker deleted already is no error), or once
with `python -m homecare.maintenance` (from cron, for instance).
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from homecare.auth.sessions import LOGIN_ATTEMPT_LIFETIME
from homecare.db import get_engine
from homecare.logs import configure_logging
from homecare.models import IdempotentResponse, LoginAttempt, LoginSession, OutboxItem, UsageLogEntry
from homecare.models.columns import utc_now
from homecare.models.notifications import OutboxStatus
from homecare.settings import Settings, get_settings

log = logging.getLogger(__name__)

SESSION_RETENTION = timedelta(days=7)
IDEMPOTENT_ANSWER_RETENTION = timedelta(days=1)
INTERVAL_SECONDS = 3600
BATCH = 5000


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind were deleted."""

    sessions: int
    login_attempts: int
    api_answers: int
    sent_notices: int
    usage_log: int


def _deleted(db: Session, statement: object) -> int:
    return db.execute(statement).rowcount or 0  # type: ignore[call-overload]


def _purge_usage_log(engine: Engine, before: datetime) -> int:
    """Oldest first, by id (the log only grows, so ids follow time): no index on the time is needed, and
    each batch is a short transaction of its own."""
    total = 0
    while True:
        with Session(engine) as db:
            batch = db.exec(
                select(UsageLogEntry.id, UsageLogEntry.at).order_by(col(UsageLogEntry.id)).limit(BATCH)
            ).all()
            old = [entry_id for entry_id, at in batch if at < before]
            if old:
                total += _deleted(db, delete(UsageLogEntry).where(col(UsageLogEntry.id).in_(old)))
                db.commit()
        if len(old) < BATCH:
            return total


def purge_once(settings: Settings, now: datetime, engine: Engine | None = None) -> Purged:
    """Delete what has run out as of `now`."""
    engine = engine or get_engine()
    with Session(engine) as db:
        sessions = _deleted(
            db, delete(LoginSession).where(col(LoginSession.expires_at) < now - SESSION_RETENTION)
        )
        attempts = _deleted(
            db, delete(LoginAttempt).where(col(LoginAttempt.created_at) < now - LOGIN_ATTEMPT_LIFETIME)
        )
        answers = _deleted(
            db,
            delete(IdempotentResponse).where(
                col(IdempotentResponse.created_at) < now - IDEMPOTENT_ANSWER_RETENTION
            ),
        )
        notices = _deleted(
            db,
            delete(OutboxItem).where(
                col(OutboxItem.status) == OutboxStatus.SENT,
                col(OutboxItem.due_at) < now - timedelta(days=settings.outbox_retention_days),
            ),
        )
        db.commit()
    usage = _purge_usage_log(engine, now - timedelta(days=settings.usage_log_retention_days))
    purged = Purged(sessions, attempts, answers, notices, usage)
    log.info("maintenance: deleted %s", purged)
    return purged


async def run_in_app() -> None:
    """Every hour in each worker, starting at a random minute so that the workers do not all go at once."""
    settings = get_settings()
    await asyncio.sleep(random.uniform(60, 600))
    while True:
        try:
            await asyncio.to_thread(purge_once, settings, utc_now())
        except Exception:
            # A database away for a moment: the rows wait for the next hour.
            log.exception("maintenance could not run this time")
        await asyncio.sleep(INTERVAL_SECONDS)


def main() -> int:
    configure_logging(json_lines=get_settings().json_logs)
    purge_once(get_settings(), utc_now())
    return 0


if __name__ == "__main__":
    sys.exit(main())
