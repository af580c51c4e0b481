"""Metrics for Prometheus at `/metrics`: logins, notices sent by result, the outbox, HTTP requests and the
browser's events.

Several workers behind one port: when PROMETHEUS_MULTIPROC_DIR names a folder (the start scripts make a fresh
one), every process writes its counts there and a scrape of any worker sums them all; without it a process
counts for itself. The outbox is read from the database when scraped. In production the endpoint wants the
bearer token in HOMECARE_METRICS_TOKEN.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from reflex.middleware import Middleware
from reflex_base.event.context import EventContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from homecare import routes
from homecare.db import get_engine
from homecare.models import OutboxItem
from homecare.settings import Settings

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState, StateUpdate
    from reflex_base.event import Event

log = logging.getLogger(__name__)

# Where the metrics live; a scrape reads the multiprocess folder instead when there is one.
REGISTRY = CollectorRegistry()
LOGINS = Counter(
    "homecare_logins", "Logins that came back from the provider, by outcome", ["outcome"], registry=REGISTRY
)
SENDS = Counter(
    "homecare_notifications_sent",
    "Notices handed to a provider, by channel and result",
    ["channel", "result"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "homecare_http_request_seconds",
    "HTTP requests to the portal, by method and status",
    ["method", "status"],
    registry=REGISTRY,
)
EVENT_SECONDS = Histogram(
    "homecare_event_seconds",
    "Events from the browser, by handler and outcome: from the state's lock to the answer sent",
    ["handler", "outcome"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def handler_label(event_name: str) -> str:
    """`InboxState.load`-like: the state's own name and the handler, without the path of parent states."""
    state_path, _, handler = event_name.rpartition(".")
    return f"{state_path.rpartition('.')[2].rpartition('___')[2].lstrip('_')}.{handler}"


class EventMetrics(Middleware):
    """Reflex middleware that times every event the browser sends and names it in the logs.

    Each event runs in a task of its own; the time is taken when that task ends, so it covers the handler,
    the state saved and the delta sent. The log lines of the event carry `event-<transaction id>`.
    """

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        from homecare.logs import request_id  # the logs time HTTP requests with this module's histogram

        task = asyncio.current_task()
        if task is None:
            return None
        with contextlib.suppress(LookupError):
            request_id.set(f"event-{EventContext.get().txid}")
        started, label = time.perf_counter(), handler_label(event.name)

        def done(finished: asyncio.Task) -> None:
            outcome = "cancelled" if finished.cancelled() else "error" if finished.exception() else "ok"
            EVENT_SECONDS.labels(label, outcome).observe(time.perf_counter() - started)

        task.add_done_callback(done)
        return None


class OutboxCollector(Collector):
    """The outbox by status, read from the database at each scrape."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("homecare_outbox", "Notices in the outbox, by status", labels=["status"])
        try:
            with Session(self.engine or get_engine()) as db:
                rows = db.exec(select(OutboxItem.status, func.count()).group_by(OutboxItem.status)).all()
        except Exception:
            log.exception("metrics: the outbox could not be read")
            return
        for status, count in rows:
            family.add_metric([str(status.value if hasattr(status, "value") else status)], count)
        yield family


_OUTBOX = OutboxCollector()
REGISTRY.register(_OUTBOX)


def _exposed() -> CollectorRegistry:
    """What a scrape sees: this process's registry, or every worker's counts summed, with the outbox."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    everyone = CollectorRegistry()
    MultiProcessCollector(everyone)
    everyone.register(_OUTBOX)
    return everyone


def metrics_routes(settings: Settings) -> list[Route]:
    async def metrics(request: Request) -> Response:
        if settings.metrics_token is not None:
            given = request.headers.get("authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
                return PlainTextResponse(
                    "Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
        body = await run_in_threadpool(lambda: generate_latest(_exposed()))
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return [Route(routes.METRICS, metrics, methods=["GET"])]
