"""Files attached to messages: the content is in the attachment folder, the row says where and its sum."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, utc_now


class Attachment(SQLModel, table=True):
    """One file. Before its message is sent it is a draft: only the person who added it can see it."""

    __table_args__ = (sa.Index("ix_attachment_drafts", "message_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # The file's name in addresses: random, so that no one can count or guess other people's files.
    public_id: str = Field(default_factory=lambda: secrets.token_urlsafe(16), max_length=32, unique=True)
    subject_id: int = Field(foreign_key="person.id", index=True)
    uploaded_by_id: int = Field(foreign_key="person.id")
    message_id: int | None = Field(default=None, foreign_key="message.id")
    file_name: str = Field(max_length=100)
    media_type: str = Field(max_length=50)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
