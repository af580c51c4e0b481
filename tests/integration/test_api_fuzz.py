"""The integration API fuzzed from its own OpenAPI document: whatever is sent, no 5xx, and every answer
matches the document."""

from __future__ import annotations

import dataclasses
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.routing import Mount

from homecare.api.app import PREFIX, create_api
from homecare.db import make_engine
from homecare.models.columns import utc_now
from homecare.services.demo_cast import seed_demo_cast
from homecare.services.municipal import create_client
from homecare.settings import get_settings
from tests.conftest import SEED_DAY, migrate

# One database with the demo cast for the whole module: the fuzzing only adds to it.
_FOLDER = Path(tempfile.mkdtemp(prefix="homecare-fuzz-"))
_URL = f"sqlite:///{_FOLDER / 'homecare.db'}"
migrate(_URL)
_ENGINE = make_engine(_URL)
with Session(_ENGINE) as _db:
    seed_demo_cast(_db, SEED_DAY)
    _client, KEY = create_client(_db, "4601", "EPJ Bergen", utc_now())
    _db.commit()
_SETTINGS = dataclasses.replace(
    get_settings(), attachments_dir=_FOLDER / "files", api_requests_per_minute=10**6
)
# Mounted where the portal mounts it: the document's server URL is /api/v1.
_APP = Starlette(routes=[Mount(PREFIX, app=create_api(_SETTINGS, engine=_ENGINE))])
SCHEMA = schemathesis.openapi.from_asgi(f"{PREFIX}/openapi.json", _APP)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_request_makes_the_api_fail_or_answer_outside_its_document(
    operation: schemathesis.APIOperation,
) -> None:
    statuses: Counter[int] = Counter()

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)
        statuses[response.status_code] += 1

    run()
    assert 401 not in statuses, "the fuzzing gets past the key"
    if operation.label in ANSWERED_FOR_ANY_INPUT:
        assert statuses[200] > 0, statuses


# Operations that must succeed for some generated input (the others mostly name things that do not exist).
ANSWERED_FOR_ANY_INPUT = {
    "GET /service-units",
    "GET /participation",
    "GET /events",
    "POST /events/acknowledge",
}


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) == 14
    assert {operation.label for operation in OPERATIONS} >= ANSWERED_FOR_ANY_INPUT
