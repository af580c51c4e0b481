"""Alembic environment: the tables come from homecare.models, the URL from the settings."""

from __future__ import annotations

from logging.config import fileConfig

import sqlalchemy as sa
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
# Tests name their own database; everything else uses the configured one.
database_url: str = config.attributes.get("database_url") or get_settings().database_url


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
    _configure(url=database_url)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch mode copies a table and drops the original: with foreign keys enforced, dropping a table
            # that other rows point to fails. Switch them off for the migration, then check them all.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # the pragma began a transaction; the migration must run in its own
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
            if broken:
                raise RuntimeError(f"the migration left broken foreign keys: {broken[:5]}")
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
