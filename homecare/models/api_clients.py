"""The municipalities' systems that use the integration API, and the answers kept for idempotent retries."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, utc_now


class ApiClient(SQLModel, table=True):
    """One system of one municipality, with the hash of its API key (the key itself is shown once)."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=100)
    # The key is "<key_id>.<secret>": the id finds the row, the secret is checked against its hash.
    key_id: str = Field(max_length=32, unique=True)
    secret_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class IdempotentResponse(SQLModel, table=True):
    """The answer to a POST sent with an Idempotency-Key: the same request again gets the same answer."""

    __table_args__ = (sa.UniqueConstraint("client_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="apiclient.id")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
