"""Powers of attorney from a grantor to a grantee, and the service areas each covers."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.domain.power_of_attorney import ServiceArea
from homecare.models.columns import UtcDateTime, enum_type, utc_now


class PowerOfAttorney(SQLModel, table=True):
    """A grant; ended or expired grants stay as history, a change ends one and creates another."""

    __table_args__ = (
        sa.Index("ix_powerofattorney_grantee_active", "grantee_id", "ended_at"),
        sa.Index("ix_powerofattorney_grantor_active", "grantor_id", "ended_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    grantor_id: int = Field(foreign_key="person.id")
    grantee_id: int = Field(foreign_key="person.id")
    valid_from: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    valid_to: date | None = None
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    ended_by_id: int | None = Field(default=None, foreign_key="person.id")
    replaces_id: int | None = Field(default=None, foreign_key="powerofattorney.id")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class PowerOfAttorneyArea(SQLModel, table=True):
    """One service area covered by a power of attorney."""

    power_of_attorney_id: int = Field(foreign_key="powerofattorney.id", primary_key=True)
    area: ServiceArea = Field(sa_type=enum_type(ServiceArea), primary_key=True)
