"""Municipalities, their districts (bydeler) and the home care service units that serve them."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Municipality(SQLModel, table=True):
    """A municipality; where it has districts, participation may be decided per district."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=4, unique=True, index=True)
    name: str = Field(max_length=100, index=True)
    takes_part: bool = False
    taking_part_since: date | None = None
    # The deadline for cancelling a visit here: `cancel_cutoff` o'clock, so many working days before it.
    cancel_cutoff: time = Field(default=time(15, 0), sa_column_kwargs={"server_default": "15:00:00"})
    cancel_working_days_before: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class District(SQLModel, table=True):
    """A district (bydel) of a municipality that can take part on its own."""

    __table_args__ = (sa.UniqueConstraint("municipality_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=100)
    takes_part: bool = False
    taking_part_since: date | None = None


class ServiceUnit(SQLModel, table=True):
    """A home care service unit, e.g. "Hjemmesykepleien Bergenhus"; messages go to and from it."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=150)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    phone: str | None = Field(default=None, max_length=20)
