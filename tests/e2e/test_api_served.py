"""The running portal as operators see it: the integration API and its docs, and its workers on Redis."""

from __future__ import annotations

import os
import re
import time

import httpx
import pytest
import redis
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from homecare.models.columns import utc_now
from homecare.services.demo_cast import KARI
from homecare.services.municipal import create_client
from tests.e2e.scenes import log_in

pytestmark = pytest.mark.e2e


def test_the_running_portal_answers_the_api_and_its_docs(portal_url: str, portal_database: Engine) -> None:
    with Session(portal_database) as session:
        _client, key = create_client(session, "4601", "EPJ Bergen", utc_now())
        session.commit()
    api = f"{portal_url}/api/v1"
    document = httpx.get(f"{api}/openapi.json")
    assert document.json()["info"]["title"].startswith("Kommunale hjemmetjenester")
    assert len(document.headers["x-request-id"]) == 16, "every answer names its request, as the logs do"
    assert "homecare_http_request_seconds_count" in httpx.get(f"{portal_url}/metrics").text
    assert "swagger-ui-bundle.js" in httpx.get(f"{api}/docs").text
    units = httpx.get(f"{api}/service-units", headers={"Authorization": f"Bearer {key}"})
    assert [unit["name"] for unit in units.json()] == ["Hjemmesykepleien Bergenhus"]
    refused = httpx.get(f"{api}/service-units")
    assert refused.status_code == 401 and refused.headers["content-type"].startswith(
        "application/problem+json"
    )


def test_the_metrics_count_the_browsers_events(page: Page, portal_url: str) -> None:
    def identified() -> float:
        text = httpx.get(f"{portal_url}/metrics").text
        labels = r'\{handler="session_state.identify",outcome="ok"\}'
        found = re.search(rf"homecare_event_seconds_count{labels} (\S+)", text)
        return float(found.group(1)) if found else 0.0

    before = identified()
    page.goto(portal_url)
    expect(page.get_by_role("main").get_by_role("link", name="Logg inn")).to_be_visible()
    # The page's events met one worker; the scrape, of either, sums what every worker counted.
    deadline = time.monotonic() + 10
    while identified() < before + 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert identified() >= before + 1


@pytest.mark.skipif(not os.environ.get("HOMECARE_TEST_REDIS_URL"), reason="scripts/test gives it Redis")
def test_the_portal_runs_two_workers_that_keep_their_state_in_redis(page: Page, portal_url: str) -> None:
    ready = httpx.get(f"{portal_url}/readyz").json()
    assert (ready["status"], ready["redis"]) == ("ready", "ok")
    server = redis.Redis.from_url(os.environ["HOMECARE_TEST_REDIS_URL"])
    before = server.info("stats")["total_commands_processed"]
    log_in(page, KARI)
    expect(page.get_by_role("banner").get_by_text("Kari Nordmann")).to_be_visible()
    # The workers lock and keep the pages' state in Redis (writing it back lazily), so either may serve.
    assert server.info("stats")["total_commands_processed"] > before + 10
