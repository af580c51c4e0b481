"""Message threads between a person (the subject) and their home care service unit."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.models.columns import UtcDateTime, utc_now


class MessageThread(SQLModel, table=True):
    """A conversation about one topic; always about the subject, whoever wrote in it."""

    __table_args__ = (sa.Index("ix_messagethread_subject_latest", "subject_id", "last_message_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # The thread's name in addresses: random, so that no one can count or guess other people's threads.
    public_id: str = Field(default_factory=lambda: secrets.token_urlsafe(12), max_length=32, unique=True)
    subject_id: int = Field(foreign_key="person.id")
    service_unit_id: int = Field(foreign_key="serviceunit.id", index=True)
    topic: str = Field(max_length=100)
    external_id: str | None = Field(default=None, max_length=100)
    # A thread the portal keeps for one purpose (requests for a new time), found again by it.
    purpose: str | None = Field(default=None, max_length=30)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    last_message_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class Message(SQLModel, table=True):
    """One message: from the service (staff name) or from a person, maybe on the subject's behalf."""

    __table_args__ = (
        sa.Index("ix_message_thread_created", "thread_id", "created_at"),
        sa.Index("ix_message_thread_unread", "thread_id", "from_service", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="messagethread.id")
    from_service: bool
    author_person_id: int | None = Field(default=None, foreign_key="person.id")
    on_behalf_of_id: int | None = Field(default=None, foreign_key="person.id")
    staff_name: str | None = Field(default=None, max_length=150)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    read_by_id: int | None = Field(default=None, foreign_key="person.id")
