"""Alembic environment: the tables come from homecare.models, the URL from the settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import AutoString

import homecare.models
from homecare.db import make_engine
from homecare.models.columns import UtcDateTime
from homecare.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = homecare.models.SQLModel.metadata


def _render_item(kind: str, item: object, autogen_context: object) -> str | bool:
    """Spell the project's own column types so that a migration imports what it uses."""
    if kind != "type":
        return False
    if isinstance(item, UtcDateTime):
        return "homecare.models.columns.UtcDateTime()"
    if isinstance(item, AutoString):
        return f"sqlmodel.sql.sqltypes.AutoString(length={item.length})"
    return False


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        render_item=_render_item,
    )


def run_offline() -> None:
    _configure(url=get_settings().database_url)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
