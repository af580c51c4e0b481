"""The usage log: who used whose data, for what, when, and how it ended."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.domain.usage import UsageOutcome
from homecare.models.columns import UtcDateTime, enum_type, utc_now


class UsageLogEntry(SQLModel, table=True):
    """One use; `actor_id` is empty when the municipality's system acted."""

    # The log page reads a subject's entries newest first (at, then id) up to an id: with the id in the index,
    # counting them and finding a page's entries need not visit the table, however long the log.
    __table_args__ = (
        sa.Index("ix_usagelogentry_subject_at_id", "subject_id", "at", "id"),
        sa.Index("ix_usagelogentry_actor_at", "actor_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    subject_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=64)
    outcome: UsageOutcome = Field(default=UsageOutcome.OK, sa_type=enum_type(UsageOutcome))
    detail: str | None = Field(default=None, max_length=200)
