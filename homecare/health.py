"""Health for operators: `/healthz` (the process answers) and `/readyz` (it can serve: database, Redis).

Readiness also reports the outbox backlog: notices overdue by more than ten minutes mean the providers or the
dispatchers are in trouble. The backlog does not make the app unready, since the pages work without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from homecare import routes
from homecare.db import get_engine
from homecare.models import OutboxItem, OutboxStatus
from homecare.models.columns import utc_now
from homecare.settings import Settings

log = logging.getLogger(__name__)

OVERDUE = timedelta(minutes=10)
_NO_STORE = {"Cache-Control": "no-store"}


@dataclass
class HealthRoutes:
    settings: Settings
    engine: Engine | None = None
    clock: Callable[[], datetime] = utc_now

    def routes(self) -> list[Route]:
        return [
            Route(routes.HEALTH, self.health, methods=["GET"]),
            Route(routes.READY, self.ready, methods=["GET"]),
        ]

    async def health(self, _request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"}, headers=_NO_STORE)

    async def ready(self, _request: Request) -> JSONResponse:
        checks = await run_in_threadpool(self._checks)
        ready = checks["database"] == "ok" and checks.get("redis", "ok") == "ok"
        body = {"status": "ready" if ready else "not ready", **checks}
        return JSONResponse(body, status_code=200 if ready else 503, headers=_NO_STORE)

    def _checks(self) -> dict[str, object]:
        checks: dict[str, object] = {}
        try:
            with Session(self.engine or get_engine()) as db:
                db.exec(text("SELECT 1"))  # type: ignore[call-overload]
                checks["database"] = "ok"
                checks["outbox_overdue"] = db.exec(
                    select(func.count())
                    .select_from(OutboxItem)
                    .where(
                        col(OutboxItem.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                        col(OutboxItem.due_at) < self.clock() - OVERDUE,
                    )
                ).one()
        except Exception:
            log.exception("readiness: the database does not answer")
            checks["database"] = "unavailable"
        if self.settings.redis_url:
            try:
                redis.Redis.from_url(self.settings.redis_url, socket_timeout=2).ping()
                checks["redis"] = "ok"
            except Exception:
                log.exception("readiness: Redis does not answer")
                checks["redis"] = "unavailable"
        return checks
