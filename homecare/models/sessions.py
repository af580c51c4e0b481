"""Server-side login sessions; the browser holds only an opaque id whose hash is stored here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, utc_now


class LoginSession(SQLModel, table=True):
    """One login: who is logged in, whom they act for now, and when it ends."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    actor_id: int = Field(foreign_key="person.id", index=True)
    subject_id: int = Field(foreign_key="person.id")
    idp_sid: str | None = Field(default=None, max_length=200, index=True)
    language: str = Field(default="nb", max_length=5)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    last_seen_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime, index=True)
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
