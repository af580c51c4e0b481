"""Home visit appointments planned by the municipality."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.domain.visits import ServiceType, VisitStatus
from homecare.models.columns import UtcDateTime, enum_type, utc_now


class HomeVisit(SQLModel, table=True):
    """A visit; `version` guards against overwriting a change the service made meanwhile."""

    __table_args__ = (
        sa.Index("ix_homevisit_subject_starts", "subject_id", "starts_at"),
        sa.UniqueConstraint("service_unit_id", "external_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The visit's name towards the browser: random, so that no one can count or guess other people's visits.
    public_id: str = Field(default_factory=lambda: secrets.token_urlsafe(12), max_length=32, unique=True)
    subject_id: int = Field(foreign_key="person.id")
    service_unit_id: int = Field(foreign_key="serviceunit.id")
    external_id: str | None = Field(default=None, max_length=100)
    starts_at: datetime = Field(sa_type=UtcDateTime)
    ends_at: datetime = Field(sa_type=UtcDateTime)
    service_type: ServiceType = Field(sa_type=enum_type(ServiceType))
    staff_name: str | None = Field(default=None, max_length=150)
    status: VisitStatus = Field(default=VisitStatus.PLANNED, sa_type=enum_type(VisitStatus))
    completed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    cancelled_by_id: int | None = Field(default=None, foreign_key="person.id")
    cancel_reason_code: str | None = Field(default=None, max_length=30)
    cancel_reason: str | None = Field(default=None, max_length=500)
    version: int = 1
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
