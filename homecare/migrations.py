"""Alembic, driven from Python: for the tests and the benchmarks that make databases of their own."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from homecare.settings import PROJECT_ROOT


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
