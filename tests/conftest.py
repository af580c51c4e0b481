"""Shared fixtures: a migrated database of the test's own, with or without the demo cast."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

import homecare.db
from homecare.auth.sessions import start_session
from homecare.db import make_engine
from homecare.migrations import migrate
from homecare.models.columns import utc_now
from homecare.services.demo_cast import KARI, seed_demo_cast
from homecare.settings import get_settings
from tests.cast import person

SEED_DAY = date(2026, 12, 4)  # a Friday

# Files that tests attach go to a folder of the test run's own, never into the project's data folder.
os.environ.setdefault("HOMECARE_ATTACHMENTS_DIR", tempfile.mkdtemp(prefix="homecare-attachments-"))


POSTGRES_URL = os.environ.get("HOMECARE_TEST_POSTGRES_URL")
# Every test that uses the database runs on SQLite, and on PostgreSQL when scripts/test has started one.
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
_TEMPLATE = "homecare_template"


def _postgres_url(database: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine | None]:
    """A connection to the test server that may create and drop databases (None without PostgreSQL)."""
    if POSTGRES_URL is None:
        yield None
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{_TEMPLATE}"'))
    # Migrated once; each test copies it, which takes a fraction of migrating.
    migrate(_postgres_url(_TEMPLATE))
    yield admin
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_admin: Engine | None
) -> Iterator[str]:
    """An empty database of the test's own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'homecare.db'}"
        return
    assert postgres_admin is not None
    name = f"test_{uuid.uuid4().hex[:16]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield _postgres_url(name)
    with postgres_admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(database_url: str, postgres_admin: Engine | None) -> Iterator[Engine]:
    """The test's database, migrated to the newest schema."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql" and postgres_admin is not None:
        with postgres_admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{_TEMPLATE}"'))
    else:
        migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def cast_engine(engine: Engine) -> Engine:
    """A database with the demo cast, seeded on SEED_DAY."""
    with Session(engine) as session:
        seed_demo_cast(session, SEED_DAY)
        session.commit()
    return engine


@pytest.fixture
def kari_logged_in(cast_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Kari's session cookie; the pages' states (tests/state_events.py) use the cast's database."""
    monkeypatch.setattr(homecare.db, "get_engine", lambda: cast_engine)
    with Session(cast_engine) as db:
        token = start_session(
            db, get_settings(), actor_id=person(db, KARI).id or 0, idp_sid=None, id_token_hint=None,
            language="nb", user_agent=None, now=utc_now(),
        )  # fmt: skip
        db.commit()
    yield token
