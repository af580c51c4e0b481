"""A person's own data, for them to take away: a ZIP of JSON files (messages, visits, powers of attorney,
notification set-up, usage log).

Only one's own: a representative acting for someone gets nothing here (what they may read of that person, they
read in the portal, and every read is logged). Names of other people appear where the person's own data names
them (who wrote, who holds a power of attorney); their identity numbers never do.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from homecare.models import (
    HomeVisit,
    Message,
    MessageThread,
    NotificationPreference,
    Person,
    PowerOfAttorney,
    PowerOfAttorneyArea,
    ServiceUnit,
    UsageLogEntry,
)
from homecare.services.access import Access


class NotOwnData(Exception):
    """The session acts for someone else: their data is not the actor's to download."""


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {person_id for person_id in ids if person_id is not None}
    if not wanted:
        return {}
    people = db.exec(select(Person).where(col(Person.id).in_(wanted)))
    return {person.id or 0: person.full_name for person in people}


def _messages(db: Session, subject_id: int) -> list[dict[str, Any]]:
    threads = db.exec(
        select(MessageThread)
        .where(MessageThread.subject_id == subject_id)
        .order_by(col(MessageThread.created_at))
    ).all()
    units = {unit.id: unit.name for unit in db.exec(select(ServiceUnit))}
    messages = db.exec(
        select(Message)
        .where(col(Message.thread_id).in_([thread.id for thread in threads]))
        .order_by(col(Message.created_at), col(Message.id))
    ).all()
    names = _names(db, [m.author_person_id for m in messages] + [m.on_behalf_of_id for m in messages])
    by_thread: dict[int, list[dict[str, Any]]] = {}
    for message in messages:
        author = message.staff_name if message.from_service else names.get(message.author_person_id or 0)
        by_thread.setdefault(message.thread_id, []).append(
            {
                "sent_at": _when(message.created_at),
                "from_service": message.from_service,
                "author": author,
                "on_behalf_of": names.get(message.on_behalf_of_id or 0),
                "text": message.body,
                "read_at": _when(message.read_at),
            }
        )
    return [
        {
            "topic": thread.topic,
            "service_unit": units.get(thread.service_unit_id),
            "started_at": _when(thread.created_at),
            "messages": by_thread.get(thread.id or 0, []),
        }
        for thread in threads
    ]


def _visits(db: Session, subject_id: int) -> list[dict[str, Any]]:
    visits = db.exec(
        select(HomeVisit).where(HomeVisit.subject_id == subject_id).order_by(col(HomeVisit.starts_at))
    ).all()
    names = _names(db, [visit.cancelled_by_id for visit in visits])
    return [
        {
            "starts_at": _when(visit.starts_at),
            "ends_at": _when(visit.ends_at),
            "service_type": visit.service_type.value,
            "staff_name": visit.staff_name,
            "status": visit.status.value,
            "completed_at": _when(visit.completed_at),
            "cancelled_at": _when(visit.cancelled_at),
            "cancelled_by": names.get(visit.cancelled_by_id or 0),
            "cancel_reason": visit.cancel_reason,
        }
        for visit in visits
    ]


def _powers_of_attorney(db: Session, person_id: int) -> list[dict[str, Any]]:
    grants = db.exec(
        select(PowerOfAttorney)
        .where(or_(PowerOfAttorney.grantor_id == person_id, PowerOfAttorney.grantee_id == person_id))
        .order_by(col(PowerOfAttorney.created_at))
    ).all()
    areas: dict[int, list[str]] = {}
    for area in db.exec(
        select(PowerOfAttorneyArea).where(
            col(PowerOfAttorneyArea.power_of_attorney_id).in_([grant.id for grant in grants])
        )
    ):
        areas.setdefault(area.power_of_attorney_id, []).append(area.area.value)
    names = _names(db, [g.grantor_id for g in grants] + [g.grantee_id for g in grants])
    return [
        {
            "direction": "given" if grant.grantor_id == person_id else "received",
            "from": names.get(grant.grantor_id),
            "to": names.get(grant.grantee_id),
            "areas": sorted(areas.get(grant.id or 0, [])),
            "valid_from": _when(grant.valid_from),
            "valid_to": _when(grant.valid_to),
            "ended_at": _when(grant.ended_at),
        }
        for grant in grants
    ]


def _notification_setup(db: Session, person: Person) -> dict[str, Any]:
    preferences = db.exec(
        select(NotificationPreference).where(NotificationPreference.person_id == person.id)
    ).all()
    names = _names(db, [preference.about_person_id for preference in preferences])
    return {
        "mobile": person.mobile,
        "email": person.email,
        "notifications": [
            {
                "about": names.get(preference.about_person_id),
                "level": preference.level.value,
                "sms": preference.by_sms,
                "email": preference.by_email,
                "same_for_people_i_represent": preference.same_for_represented,
            }
            for preference in preferences
        ],
    }


def _usage_log(db: Session, subject_id: int) -> list[dict[str, Any]]:
    entries = db.exec(
        select(UsageLogEntry).where(UsageLogEntry.subject_id == subject_id).order_by(col(UsageLogEntry.id))
    ).all()
    names = _names(db, [entry.actor_id for entry in entries])
    return [
        {
            "at": _when(entry.at),
            "who": names.get(entry.actor_id or 0),
            "action": entry.action,
            "outcome": entry.outcome.value,
        }
        for entry in entries
    ]


def own_data_zip(db: Session, access: Access, now: datetime) -> bytes:
    """The ZIP for the logged-in person's own data; raises NotOwnData when acting for someone else."""
    if access.on_behalf:
        raise NotOwnData
    person = access.actor
    files = {
        "person.json": {
            "name": person.full_name,
            "national_id": person.national_id,
            "birth_date": _when(person.birth_date),
            "exported_at": _when(now),
        },
        "messages.json": _messages(db, access.actor_id),
        "visits.json": _visits(db, access.actor_id),
        "powers_of_attorney.json": _powers_of_attorney(db, access.actor_id),
        "notification_setup.json": _notification_setup(db, person),
        "usage_log.json": _usage_log(db, access.actor_id),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=2))
    return buffer.getvalue()
