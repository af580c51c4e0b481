"""What citizens did that the municipality's system must hear about: a queue it reads by cursor."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, enum_type, utc_now


class CitizenEventKind(StrEnum):
    MESSAGE_SENT = "message_sent"
    VISIT_CANCELLED = "visit_cancelled"
    NEW_TIME_REQUESTED = "new_time_requested"


class CitizenEvent(SQLModel, table=True):
    """One thing to tell a service unit; the id is the cursor, `dedup_key` keeps each thing in it once."""

    __table_args__ = (sa.Index("ix_citizenevent_unit_cursor", "service_unit_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    service_unit_id: int = Field(foreign_key="serviceunit.id")
    kind: CitizenEventKind = Field(sa_type=enum_type(CitizenEventKind))
    dedup_key: str = Field(max_length=80, unique=True)
    subject_id: int = Field(foreign_key="person.id")
    visit_id: int | None = Field(default=None, foreign_key="homevisit.id")
    message_id: int | None = Field(default=None, foreign_key="message.id")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
