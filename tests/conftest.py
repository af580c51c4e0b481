"""Shared fixtures: a migrated database of the test's own, with or without the demo cast."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session

from homecare.db import make_engine
from homecare.services.demo_cast import seed_demo_cast
from homecare.settings import PROJECT_ROOT

SEED_DAY = date(2026, 12, 4)  # a Friday


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the database at `url`, going through the project's env.py."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    config.attributes["database_url"] = url
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`, as the run command does."""
    command.upgrade(alembic_config(url), revision)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'homecare.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
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
