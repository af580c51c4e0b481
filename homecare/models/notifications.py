"""Notification set-up per person (and per person they represent), and the outbox of what to send."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from homecare.domain.notifications import Channel, NotificationLevel
from homecare.models.columns import UtcDateTime, enum_type, utc_now


class NotificationPreference(SQLModel, table=True):
    """What `person` wants to hear about `about_person` (themself, or someone they represent)."""

    __table_args__ = (sa.UniqueConstraint("person_id", "about_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    about_person_id: int = Field(foreign_key="person.id", index=True)
    level: NotificationLevel = Field(default=NotificationLevel.STANDARD, sa_type=enum_type(NotificationLevel))
    by_sms: bool = False
    by_email: bool = False
    same_for_represented: bool = False
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class OutboxStatus(StrEnum):
    """Where an owed notification stands."""

    PENDING = "pending"
    # Claimed by a dispatcher until `claimed_until`; a dispatcher that dies leaves it to be claimed again.
    SENDING = "sending"
    SENT = "sent"
    # Given up on after the last attempt, or refused for good by the provider: visible, never dropped.
    FAILED = "failed"


class OutboxItem(SQLModel, table=True):
    """A notification owed to someone: the single source of truth for what must be sent.

    Written in the same transaction as the event it tells of; `dedupe_key` (event, recipient, channel) keeps
    each notice in it once.
    """

    __table_args__ = (
        sa.Index("ix_outboxitem_due", "status", "due_at"),
        sa.Index("ix_outboxitem_address", "channel", "address", "status"),
        # The dispatcher reads back what it claimed by the token; only rows being sent hold one.
        sa.Index(
            "ix_outboxitem_claim_token",
            "claim_token",
            postgresql_where=sa.text("claim_token IS NOT NULL"),
            sqlite_where=sa.text("claim_token IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # Whom the notice is about (the recipient themself, or someone they represent).
    about_person_id: int | None = Field(default=None, foreign_key="person.id")
    channel: Channel = Field(sa_type=enum_type(Channel))
    address: str = Field(max_length=254)
    kind: str = Field(max_length=64)
    language: str = Field(default="nb", max_length=8, sa_column_kwargs={"server_default": "nb"})
    title: str | None = Field(default=None, max_length=200)
    body: str = Field(max_length=1000)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=enum_type(OutboxStatus))
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    # When to try next (the first time: now, or after the quiet hours for an SMS).
    due_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    claim_token: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    provider_message_id: str | None = Field(default=None, max_length=200)
    # Notices to one phone within minutes go as one SMS; the others point at the row that carried them.
    bundled_into_id: int | None = Field(default=None, foreign_key="outboxitem.id")
