"""Messages between a person (the subject) and their home care service unit.

Every function that reads or writes a person's messages takes a checked Access; the subject is always the one
the messages are about, whoever of the actor and the representatives wrote or reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, func, select, update

from homecare.domain.messages import (
    MessageProblem,
    normalize_text,
    preview,
    text_problems,
    topic_problems,
)
from homecare.domain.public_ids import is_public_id
from homecare.models import CitizenEvent, CitizenEventKind, Message, MessageThread, Person, ServiceUnit
from homecare.services.access import Access
from homecare.services.attachments import AttachmentView, attach, attachments_of, drafts_to_send
from homecare.services.events import ServiceMessagePosted, publish
from homecare.services.people import residence_of
from homecare.services.unread import unread_messages
from homecare.services.usage_log import UsageAction, record_use


@dataclass(frozen=True)
class ThreadSummary:
    """A thread in the inbox."""

    public_id: str
    topic: str
    last_preview: str
    last_message_at: datetime
    unread: int


@dataclass(frozen=True)
class MessageView:
    """One message in a thread, with who wrote it in words."""

    from_service: bool
    author: str
    on_behalf_of: str | None
    body: str
    created_at: datetime
    attachments: tuple[AttachmentView, ...] = ()


@dataclass(frozen=True)
class ThreadView:
    public_id: str
    topic: str
    service_unit: str
    messages: list[MessageView] = field(default_factory=list)


def unread_count(db: Session, subject_id: int) -> int:
    """How many of the service's messages to the subject nobody has read yet."""
    return db.exec(select(unread_messages(subject_id))).one()


def inbox(db: Session, subject_id: int, *, page: int, page_size: int) -> tuple[list[ThreadSummary], int]:
    """One page of the subject's threads, newest activity first, and how many threads there are."""
    total = db.exec(
        select(func.count()).select_from(MessageThread).where(MessageThread.subject_id == subject_id)
    ).one()
    threads = db.exec(
        select(MessageThread)
        .where(MessageThread.subject_id == subject_id)
        .order_by(col(MessageThread.last_message_at).desc(), col(MessageThread.id).desc())
        .offset(max(page, 0) * page_size)
        .limit(page_size)
    ).all()
    ids = [thread.id for thread in threads]
    unread = dict(
        db.exec(
            select(Message.thread_id, func.count())
            .where(col(Message.thread_id).in_(ids), Message.from_service, col(Message.read_at).is_(None))
            .group_by(Message.thread_id)
        ).all()
    )
    newest = (
        select(Message.thread_id, func.max(Message.id).label("newest"))
        .where(col(Message.thread_id).in_(ids))
        .group_by(Message.thread_id)
        .subquery()
    )
    last_bodies = dict(
        db.exec(
            select(Message.thread_id, Message.body).join(newest, col(Message.id) == newest.c.newest)
        ).all()
    )
    summaries = [
        ThreadSummary(
            public_id=thread.public_id,
            topic=thread.topic,
            last_preview=preview(last_bodies.get(thread.id, "")),
            last_message_at=thread.last_message_at,
            unread=unread.get(thread.id, 0),
        )
        for thread in threads
    ]
    return summaries, total


def _find_thread(db: Session, subject_id: int, public_id: str) -> MessageThread | None:
    """The subject's thread with this public id; another person's thread is as good as none."""
    if not is_public_id(public_id):
        return None
    return db.exec(
        select(MessageThread).where(
            MessageThread.public_id == public_id, MessageThread.subject_id == subject_id
        )
    ).first()


def _thread_of(db: Session, access: Access, public_id: str) -> MessageThread | None:
    return _find_thread(db, access.subject_id, public_id)


class ThreadPurpose(StrEnum):
    """A thread the portal keeps for one purpose, found again by it."""

    NEW_TIME_REQUESTS = "new_time_requests"


def thread_for_purpose(db: Session, access: Access, purpose: ThreadPurpose) -> str | None:
    """The public id of the subject's thread for `purpose`, if there is one yet."""
    return db.exec(
        select(MessageThread.public_id)
        .where(MessageThread.subject_id == access.subject_id, MessageThread.purpose == purpose)
        .order_by(col(MessageThread.id))
    ).first()


def _thread_to_write_in(
    db: Session,
    thread: MessageThread | None,
    *,
    subject_id: int,
    unit_id: int,
    topic: str,
    now: datetime,
    purpose: ThreadPurpose | None = None,
) -> MessageThread:
    """The thread a new message goes into (a new one when there is none), with its latest activity now."""
    if thread is None:
        thread = MessageThread(
            subject_id=subject_id,
            service_unit_id=unit_id,
            topic=topic.strip(),
            purpose=purpose,
            created_at=now,
            last_message_at=now,
        )
    thread.last_message_at = now
    db.add(thread)
    db.flush()
    return thread


def open_thread(db: Session, access: Access, public_id: str, now: datetime) -> ThreadView | None:
    """The thread with its messages in order; the service's messages count as read, and by whom."""
    thread = _thread_of(db, access, public_id)
    if thread is None:
        return None
    db.execute(
        update(Message)
        .where(col(Message.thread_id) == thread.id, Message.from_service, col(Message.read_at).is_(None))
        .values(read_at=now, read_by_id=access.actor_id)
    )
    unit = db.get(ServiceUnit, thread.service_unit_id)
    messages = db.exec(
        select(Message)
        .where(Message.thread_id == thread.id)
        .order_by(col(Message.created_at), col(Message.id))
    ).all()
    people_ids = {m.author_person_id for m in messages} | {m.on_behalf_of_id for m in messages}
    people = {p.id: p for p in db.exec(select(Person).where(col(Person.id).in_(people_ids - {None})))}
    unit_name = unit.name if unit else ""
    attachments = attachments_of(db, [message.id for message in messages if message.id is not None])
    return ThreadView(
        public_id=thread.public_id,
        topic=thread.topic,
        service_unit=unit_name,
        messages=[
            _view(message, people, unit_name, tuple(attachments.get(message.id or 0, ())))
            for message in messages
        ],
    )


def _view(
    message: Message,
    people: dict[int | None, Person],
    unit_name: str,
    attachments: tuple[AttachmentView, ...],
) -> MessageView:
    if message.from_service:
        author = ", ".join(part for part in (unit_name, message.staff_name) if part)
        return MessageView(True, author, None, message.body, message.created_at, attachments)
    author_person = people.get(message.author_person_id)
    on_behalf = people.get(message.on_behalf_of_id) if message.on_behalf_of_id else None
    return MessageView(
        False,
        author_person.full_name if author_person else "",
        on_behalf.full_name if on_behalf else None,
        message.body,
        message.created_at,
        attachments,
    )


@dataclass(frozen=True)
class Sent:
    """The outcome of sending: the thread it went to, or what was wrong (then nothing was stored)."""

    thread_public_id: str | None = None
    problems: tuple[MessageProblem, ...] = ()
    not_taking_part: bool = False
    thread_not_found: bool = False
    # An attachment was removed meanwhile (in another tab, or after a day unsent); nothing was sent.
    attachments_gone: bool = False


def send_message(
    db: Session,
    access: Access,
    *,
    text: str,
    now: datetime,
    topic: str = "",
    thread_public_id: str | None = None,
    attachment_ids: Sequence[str] = (),
    purpose: ThreadPurpose | None = None,
    about_visit_id: int | None = None,
) -> Sent:
    """Send a new message (with a topic) or a reply (to a thread of the subject's) to the service unit,
    with the actor's draft attachments. A message `about_visit_id` is a request for a new time for it."""
    thread = _thread_of(db, access, thread_public_id) if thread_public_id else None
    if thread_public_id and thread is None:
        return Sent(thread_not_found=True)
    problems = text_problems(text) + ([] if thread else topic_problems(topic))
    if problems:
        return Sent(problems=tuple(problems))
    unit_id = access.subject.service_unit_id
    if unit_id is None or not residence_of(db, access.subject).takes_part:
        return Sent(not_taking_part=True)
    drafts = drafts_to_send(db, access, attachment_ids)
    if drafts is None:
        return Sent(attachments_gone=True)
    thread = _thread_to_write_in(
        db, thread, subject_id=access.subject_id, unit_id=unit_id, topic=topic, now=now, purpose=purpose
    )
    message = Message(
        thread_id=thread.id or 0,
        from_service=False,
        author_person_id=access.actor_id,
        on_behalf_of_id=access.subject_id if access.on_behalf else None,
        body=normalize_text(text),
        created_at=now,
    )
    db.add(message)
    db.flush()
    attach(db, drafts, message.id or 0)
    kind = CitizenEventKind.NEW_TIME_REQUESTED if about_visit_id else CitizenEventKind.MESSAGE_SENT
    db.add(
        CitizenEvent(
            # The unit the thread is with (a reply in an old thread goes where that thread went).
            service_unit_id=thread.service_unit_id,
            kind=kind,
            dedup_key=f"{kind.value}:{message.id}",
            subject_id=access.subject_id,
            visit_id=about_visit_id,
            message_id=message.id,
            created_at=now,
        )
    )
    action = UsageAction.NEW_TIME_REQUESTED if about_visit_id else UsageAction.MESSAGE_SENT
    record_use(db, action=action, actor_id=access.actor_id, subject_id=access.subject_id, at=now)
    return Sent(thread_public_id=thread.public_id)


def post_service_message(
    db: Session,
    *,
    subject_id: int,
    staff_name: str,
    text: str,
    now: datetime,
    topic: str = "",
    thread_public_id: str | None = None,
) -> Message:
    """The service writes to a person: a reply in one of their threads, or a new thread.

    The integration API calls this; a message breaking the rules raises ValueError (the caller is a system).
    """
    subject = db.get(Person, subject_id)
    if subject is None or subject.service_unit_id is None:
        raise ValueError("the person has no home care service unit")
    thread = _find_thread(db, subject_id, thread_public_id) if thread_public_id else None
    if thread_public_id and thread is None:
        raise ValueError("no such thread for this person")
    problems = text_problems(text) + ([] if thread else topic_problems(topic))
    if problems:
        raise ValueError(", ".join(problems))
    thread = _thread_to_write_in(
        db, thread, subject_id=subject_id, unit_id=subject.service_unit_id, topic=topic, now=now
    )
    message = Message(
        thread_id=thread.id or 0,
        from_service=True,
        staff_name=staff_name[:150],
        body=normalize_text(text),
        created_at=now,
    )
    db.add(message)
    db.flush()
    publish(
        db,
        ServiceMessagePosted(
            subject_id=subject_id, thread_id=thread.id or 0, message_id=message.id or 0, at=now
        ),
    )
    return message
