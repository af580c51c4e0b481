"""How many of the service's messages to a person nobody has read yet, as a part of a statement.

The header shows the count on every page, so the access check reads it in its own statement
(`services/access.py`); `services/messages.unread_count` asks for it alone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, ScalarSelect
from sqlmodel import col, func, select

from homecare.models import Message, MessageThread


def unread_messages(subject_id: ColumnElement[int] | int) -> ScalarSelect[int]:
    """The count for the subject: a number, or a column of the statement it is part of."""
    return (
        select(func.count())
        .select_from(Message)
        .join(MessageThread, col(MessageThread.id) == Message.thread_id)
        .where(MessageThread.subject_id == subject_id, Message.from_service, col(Message.read_at).is_(None))
        .scalar_subquery()
    )
