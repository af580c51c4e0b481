"""Metrics for Prometheus: the outbox by status, notices sent by result, logins, HTTP requests."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

import homecare.metrics
from homecare import routes
from homecare.auth.relying_party import RelyingParty
from homecare.auth.routes import LoginRoutes
from homecare.domain.login import LoginProblem
from homecare.domain.notifications import Channel
from homecare.logs import RequestIds
from homecare.metrics import REGISTRY, metrics_routes
from homecare.models import OutboxItem
from homecare.notify.development import DevelopmentSender
from homecare.notify.dispatcher import Dispatcher
from homecare.settings import get_settings

NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def outbox_of(cast_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setattr(homecare.metrics._OUTBOX, "engine", cast_engine)
    with Session(cast_engine) as db:
        for number in range(3):
            db.add(
                OutboxItem(
                    channel=Channel.EMAIL, address=f"p{number}@example.no", kind="new_message", body="Hei",
                    due_at=NOON, dedupe_key=f"metrics:{number}",
                )
            )  # fmt: skip
        db.commit()
    yield cast_engine


def scrape(token: str | None = None, **settings: object) -> str:
    app = RequestIds(Starlette(routes=metrics_routes(dataclasses.replace(get_settings(), **settings))))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = TestClient(app).get(routes.METRICS, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.text


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_outbox_and_the_sends_are_counted(outbox_of: Engine) -> None:
    assert 'homecare_outbox{status="pending"} 3.0' in scrape()
    sent_before = sample("homecare_notifications_sent_total", {"channel": "email", "result": "sent"})
    senders = {channel: DevelopmentSender(channel) for channel in Channel}
    Dispatcher(senders=senders, settings=get_settings(), engine=outbox_of, clock=lambda: NOON).run_once()
    text = scrape()
    assert 'homecare_outbox{status="sent"} 3.0' in text
    assert (
        sample("homecare_notifications_sent_total", {"channel": "email", "result": "sent"}) == sent_before + 3
    )


def test_http_requests_are_timed_by_method_and_status(outbox_of: Engine) -> None:
    before = sample("homecare_http_request_seconds_count", {"method": "GET", "status": "200"})
    scrape()
    assert sample("homecare_http_request_seconds_count", {"method": "GET", "status": "200"}) == before + 1


def test_with_a_token_set_the_metrics_want_it(outbox_of: Engine) -> None:
    app = Starlette(routes=metrics_routes(dataclasses.replace(get_settings(), metrics_token="s3cret")))
    assert TestClient(app).get(routes.METRICS).status_code == 401
    assert TestClient(app).get(routes.METRICS, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert "homecare_outbox" in scrape("s3cret", metrics_token="s3cret")


def test_logins_are_counted_by_outcome() -> None:
    before = sample("homecare_logins_total", {"outcome": "bad_state"})
    LoginRoutes(get_settings(), RelyingParty(get_settings()))._failed(LoginProblem.BAD_STATE)
    assert sample("homecare_logins_total", {"outcome": "bad_state"}) == before + 1


def test_handlers_are_named_by_their_state_and_handler() -> None:
    full = "reflex___state____state.homecare___state___messages____inbox_state.load"
    assert homecare.metrics.handler_label(full) == "inbox_state.load"
    assert homecare.metrics.handler_label("reflex___state____state.hydrate") == "state.hydrate"


def test_events_are_timed_by_handler_and_outcome() -> None:
    middleware = homecare.metrics.EventMetrics()
    name = "reflex___state____state.homecare___state___session____session_state.dismiss_notice"
    labels = {"handler": "session_state.dismiss_notice"}

    async def event(fails: bool) -> None:
        await middleware.preprocess(app=None, state=None, event=SimpleNamespace(name=name))  # type: ignore[arg-type]
        if fails:
            raise RuntimeError("the handler failed")

    async def both() -> None:
        await asyncio.create_task(event(fails=False))
        with pytest.raises(RuntimeError):
            await asyncio.create_task(event(fails=True))

    ok_before = sample("homecare_event_seconds_count", labels | {"outcome": "ok"})
    error_before = sample("homecare_event_seconds_count", labels | {"outcome": "error"})
    asyncio.run(both())
    assert sample("homecare_event_seconds_count", labels | {"outcome": "ok"}) == ok_before + 1
    assert sample("homecare_event_seconds_count", labels | {"outcome": "error"}) == error_before + 1


_COUNT_A_LOGIN = """
from homecare.metrics import LOGINS
LOGINS.labels("ok").inc()
"""
_SCRAPE = """
from prometheus_client import generate_latest
from homecare.metrics import _exposed
print(generate_latest(_exposed()).decode())
"""


def test_several_workers_are_summed_by_whichever_is_scraped(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _worker in range(2):
        subprocess.run([sys.executable, "-c", _COUNT_A_LOGIN], env=env, check=True, timeout=60)
    scraped = subprocess.run(
        [sys.executable, "-c", _SCRAPE], env=env, check=True, timeout=60, capture_output=True, text=True
    ).stdout
    assert 'homecare_logins_total{outcome="ok"} 2.0' in scraped
