"""The operators' endpoints: the process answers; it is ready when the database (and Redis) answer."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from homecare import routes
from homecare.db import make_engine
from homecare.health import HealthRoutes
from homecare.models import OutboxItem
from homecare.settings import get_settings
from tests.integration.stub_servers import unused_port_url

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def client(engine: Engine, **settings: object) -> TestClient:
    health = HealthRoutes(dataclasses.replace(get_settings(), **settings), engine=engine, clock=lambda: NOW)
    return TestClient(Starlette(routes=health.routes()))


def test_a_running_portal_is_healthy_and_ready_and_tells_the_outbox_backlog(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        for minutes, key in ((30, "old"), (1, "new")):
            db.add(
                OutboxItem(
                    channel="email", address="a@example.no", kind="new_message", body="Hei",
                    due_at=NOW - timedelta(minutes=minutes), dedupe_key=key,
                )  # type: ignore[arg-type]
            )  # fmt: skip
        db.commit()
    portal = client(cast_engine)
    assert portal.get(routes.HEALTH).json() == {"status": "ok"}
    ready = portal.get(routes.READY)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "outbox_overdue": 1}
    assert ready.headers["cache-control"] == "no-store"


def test_without_its_database_the_portal_is_not_ready(tmp_path) -> None:
    gone = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    (tmp_path / "missing").rmdir()
    ready = client(gone).get(routes.READY)
    assert ready.status_code == 503 and ready.json()["database"] == "unavailable"


def test_without_its_redis_the_portal_is_not_ready(engine: Engine) -> None:
    redis_url = unused_port_url().replace("http://", "redis://")
    ready = client(engine, redis_url=redis_url).get(routes.READY)
    assert ready.status_code == 503
    assert (ready.json()["database"], ready.json()["redis"]) == ("ok", "unavailable")


@pytest.mark.skipif(
    not os.environ.get("HOMECARE_TEST_REDIS_URL"), reason="scripts/test starts a Redis server"
)
def test_with_its_redis_answering_the_portal_is_ready(engine: Engine) -> None:
    ready = client(engine, redis_url=os.environ["HOMECARE_TEST_REDIS_URL"]).get(routes.READY)
    assert ready.status_code == 200 and ready.json()["redis"] == "ok"
