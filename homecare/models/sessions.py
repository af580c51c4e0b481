"""Server-side login sessions and pending logins; the browser holds only random ids whose hashes are here."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, utc_now


class LoginSession(SQLModel, table=True):
    """One login: who is logged in, whom they act for now, and when it ends."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    actor_id: int = Field(foreign_key="person.id", index=True)
    subject_id: int = Field(foreign_key="person.id")
    idp_sid: str | None = Field(default=None, max_length=200, index=True)
    # The provider's end-session endpoint wants the ID token back as a hint when the person logs out.
    id_token_hint: str | None = Field(default=None, sa_type=sa.Text)
    language: str = Field(default="nb", max_length=5)
    user_agent: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    last_seen_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime, index=True)
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    end_reason: str | None = Field(default=None, max_length=32)


class LoginAttempt(SQLModel, table=True):
    """A login sent to the identity provider and not yet back: what the callback must check."""

    state_hash: str = Field(max_length=64, primary_key=True)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    language: str = Field(default="nb", max_length=5)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
