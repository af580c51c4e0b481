"""Attachments: drafts while a message is written, sent with it, opened only through the access check.

A file that breaks a rule is never written anywhere. A draft belongs to the person who added it, for the
person the message is about; a draft that is never sent is removed after a day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event
from sqlmodel import Session, col, delete, func, select

from homecare.domain.attachments import (
    MAX_ATTACHMENTS,
    MAX_UNSENT_ATTACHMENTS,
    AttachmentProblem,
    AttachmentType,
    attachment_type,
    clean_name,
    display_name,
    file_problem,
)
from homecare.domain.public_ids import is_public_id
from homecare.models import Attachment
from homecare.services.access import Access
from homecare.services.attachment_files import AttachmentFiles, checksum

DRAFTS_KEPT_FOR = timedelta(days=1)
_PURGE_BATCH = 100
# The disk is not part of the database transaction: a file written in a transaction that rolls back is
# removed again, and a file whose row is deleted is removed only once the deletion is committed.
_WRITTEN = "homecare.attachment_files_written"
_DELETED = "homecare.attachment_files_deleted"


def _remember(db: Session, what: str, files: AttachmentFiles, key: str) -> None:
    db.info.setdefault(what, []).append((files, key))


@event.listens_for(Session, "after_commit")
def _remove_deleted_files(db: Session) -> None:
    for files, key in db.info.pop(_DELETED, []):
        files.delete(key)
    db.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written_files(db: Session) -> None:
    for files, key in db.info.pop(_WRITTEN, []):
        files.delete(key)
    db.info.pop(_DELETED, None)


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its name, and its content read to at most one byte past the limit."""

    name: str
    content: bytes
    size: int


@dataclass(frozen=True)
class Refusal:
    """A file that was not attached, and why."""

    name: str
    problem: AttachmentProblem


@dataclass(frozen=True)
class AttachmentView:
    """What a page shows of an attachment."""

    public_id: str
    name: str
    media_type: str
    size: int

    @property
    def is_image(self) -> bool:
        return AttachmentType(self.media_type).is_image


def _view(row: Attachment) -> AttachmentView:
    return AttachmentView(row.public_id, row.file_name, row.media_type, row.size)


def add_drafts(
    db: Session,
    files: AttachmentFiles,
    access: Access,
    uploads: Iterable[Upload],
    *,
    drafts_so_far: int,
    now: datetime,
) -> tuple[list[AttachmentView], list[Refusal]]:
    """Store each acceptable file as a draft of the actor's, for the subject; say why the others were not."""
    purge_abandoned_drafts(db, files, now)
    unsent = _unsent_count(db, access.actor_id)
    added: list[AttachmentView] = []
    refused: list[Refusal] = []
    for upload in uploads:
        problem = file_problem(upload.size, upload.content)
        if problem is None and drafts_so_far + len(added) >= MAX_ATTACHMENTS:
            problem = AttachmentProblem.TOO_MANY
        if problem is None and unsent + len(added) >= MAX_UNSENT_ATTACHMENTS:
            problem = AttachmentProblem.TOO_MANY_UNSENT
        kind = attachment_type(upload.content)
        if problem is not None or kind is None:
            refused.append(Refusal(clean_name(upload.name), problem or AttachmentProblem.WRONG_TYPE))
            continue
        key = files.store(upload.content, now)
        _remember(db, _WRITTEN, files, key)
        row = Attachment(
            subject_id=access.subject_id,
            uploaded_by_id=access.actor_id,
            file_name=display_name(upload.name, kind),
            media_type=kind.value,
            size=len(upload.content),
            sha256=checksum(upload.content),
            storage_key=key,
            created_at=now,
        )
        db.add(row)
        added.append(_view(row))
    db.flush()
    return added, refused


def _unsent_count(db: Session, actor_id: int) -> int:
    return db.exec(
        select(func.count())
        .select_from(Attachment)
        .where(Attachment.uploaded_by_id == actor_id, col(Attachment.message_id).is_(None))
    ).one()


def _delete_draft(db: Session, files: AttachmentFiles, draft: Attachment) -> bool:
    """Delete a draft's row if it is still a draft (not sent meanwhile); its file goes after the commit."""
    deleted = db.execute(
        delete(Attachment)
        .where(col(Attachment.id) == draft.id, col(Attachment.message_id).is_(None))
        .execution_options(synchronize_session=False)
    )
    if deleted.rowcount != 1:  # type: ignore[attr-defined]
        return False
    db.expunge(draft)
    _remember(db, _DELETED, files, draft.storage_key)
    return True


def _drafts(db: Session, access: Access, public_ids: Iterable[str]) -> list[Attachment]:
    """The actor's unsent drafts for the subject among `public_ids`; anyone else's are as good as none."""
    return list(
        db.exec(
            select(Attachment).where(
                col(Attachment.public_id).in_([value for value in public_ids if is_public_id(value)]),
                Attachment.subject_id == access.subject_id,
                Attachment.uploaded_by_id == access.actor_id,
                col(Attachment.message_id).is_(None),
            )
        ).all()
    )


def discard_draft(db: Session, files: AttachmentFiles, access: Access, public_id: str) -> bool:
    """Remove one of the actor's drafts, file and all; False when there is no such draft."""
    return any(_delete_draft(db, files, draft) for draft in _drafts(db, access, [public_id]))


def drafts_to_send(db: Session, access: Access, public_ids: Sequence[str]) -> list[Attachment] | None:
    """The drafts a message will carry, or None when one of them is no longer there to send."""
    wanted = set(public_ids)
    drafts = _drafts(db, access, wanted)
    return drafts if len(drafts) == len(wanted) <= MAX_ATTACHMENTS else None


def attach(db: Session, drafts: Iterable[Attachment], message_id: int) -> None:
    for draft in drafts:
        draft.message_id = message_id
        db.add(draft)


def attachments_of(db: Session, message_ids: Iterable[int]) -> dict[int, list[AttachmentView]]:
    """The attachments of each message, in the order they were added."""
    found: dict[int, list[AttachmentView]] = defaultdict(list)
    rows = db.exec(
        select(Attachment)
        .where(col(Attachment.message_id).in_(list(message_ids)))
        .order_by(col(Attachment.id))
    ).all()
    for row in rows:
        found[row.message_id or 0].append(_view(row))
    return found


def attachment_for(db: Session, access: Access, public_id: str) -> Attachment | None:
    """An attachment the access may open: one of the subject's sent ones, or the actor's own draft."""
    if not is_public_id(public_id):
        return None
    row = db.exec(
        select(Attachment).where(
            Attachment.public_id == public_id, Attachment.subject_id == access.subject_id
        )
    ).first()
    if row is None or (row.message_id is None and row.uploaded_by_id != access.actor_id):
        return None
    return row


def purge_abandoned_drafts(db: Session, files: AttachmentFiles, now: datetime) -> int:
    """Remove drafts that were never sent and are older than a day, a batch at a time; how many went."""
    stale = db.exec(
        select(Attachment)
        .where(col(Attachment.message_id).is_(None), Attachment.created_at < now - DRAFTS_KEPT_FOR)
        .limit(_PURGE_BATCH)
    ).all()
    return sum(_delete_draft(db, files, draft) for draft in stale)
