"""People known to the portal, and their acceptance of the terms of use."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, utc_now


class Person(SQLModel, table=True):
    """Someone who can log in, receive services, or both; found by national identity number."""

    id: int | None = Field(default=None, primary_key=True)
    national_id: str = Field(max_length=11, unique=True, index=True)
    given_name: str = Field(max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    family_name: str = Field(max_length=100)
    birth_date: date
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id")
    service_unit_id: int | None = Field(default=None, foreign_key="serviceunit.id", index=True)
    mobile: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.middle_name, self.family_name) if part)


class TermsConsent(SQLModel, table=True):
    """A person's acceptance of one version of the terms of use."""

    __table_args__ = (sa.UniqueConstraint("person_id", "terms_version"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    terms_version: str = Field(max_length=20)
    accepted_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
