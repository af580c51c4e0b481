"""The demo driver plays the municipalities through the API over HTTP, as it does beside scripts/run."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.applications import Starlette
from starlette.routing import Mount

import homecare.db
from homecare.api.app import PREFIX, create_api
from homecare.demo_driver import main
from homecare.domain.visits import VisitStatus
from homecare.models import HomeVisit, Message, OutboxItem
from homecare.models.columns import utc_now
from homecare.services.demo_cast import KARI, PER
from tests.cast import person


@pytest.fixture
def portal(cast_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The API on a loopback port, on the test's database (which the driver reads too)."""
    monkeypatch.setattr(homecare.db, "get_engine", lambda: cast_engine)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = Starlette(routes=[Mount(PREFIX, app=create_api(engine=cast_engine))])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _wait in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_the_driver_completes_karis_visit_replies_to_her_and_moves_pers_visit(
    portal: str, cast_engine: Engine
) -> None:
    with Session(cast_engine) as db:
        kari, per = person(db, KARI), person(db, PER)
        pers_next = db.exec(
            select(HomeVisit)
            .where(HomeVisit.subject_id == per.id, HomeVisit.starts_at > utc_now())
            .order_by(col(HomeVisit.starts_at))
        ).first()
        assert pers_next is not None
        was = pers_next.starts_at
    # Kari's seeded visits for today may lie ahead or behind. The driver completes the visit that began last:
    # this one begins after any seeded visit that has begun (one that began 08:00 failed this test at 08:05).
    now = utc_now()
    with Session(cast_engine) as db:
        begun = db.exec(
            select(HomeVisit.starts_at).where(HomeVisit.subject_id == kari.id, HomeVisit.starts_at <= now)
        ).all()
        after_them = [moment + timedelta(microseconds=1) for moment in begun]
        starts_at = max([now - timedelta(minutes=10), *after_them])
        db.add(
            HomeVisit(
                subject_id=kari.id or 0, service_unit_id=kari.service_unit_id or 0, external_id="demo-now",
                starts_at=starts_at, ends_at=now + timedelta(minutes=20),
                service_type="home_nursing", staff_name="Line Hansen",
            )  # type: ignore[arg-type]
        )  # fmt: skip
        db.commit()

    assert main(["all", "--portal", portal]) == 0

    with Session(cast_engine) as db:
        now_visit = db.exec(select(HomeVisit).where(HomeVisit.external_id == "demo-now")).one()
        assert now_visit.status is VisitStatus.COMPLETED
        assert db.exec(select(Message).where(col(Message.body).startswith("Thank you! We will bring"))).one()
        moved = db.get(HomeVisit, pers_next.id)
        assert moved is not None and moved.starts_at == was + timedelta(hours=1)
        kinds = {row.kind for row in db.exec(select(OutboxItem))}
        assert {"visit_completed", "new_message"} <= kinds
