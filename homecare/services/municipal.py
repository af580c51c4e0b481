"""What a municipality's system does through the integration API, each use case kept to its municipality.

A client sees and touches only its own municipality's units, people, visits, messages and citizen events.
Anything else is "not found", whether it exists or not, and an attempt on a person of another municipality is
written to that person's usage log. Messages and visit changes go through the same services as the pages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select, update

from homecare.domain.contact import normalize_email, normalize_mobile
from homecare.domain.national_id import NationalIdError, parse_national_id
from homecare.domain.public_ids import is_public_id
from homecare.domain.usage import UsageOutcome
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.models import (
    ApiClient,
    Attachment,
    CitizenEvent,
    CitizenEventKind,
    District,
    HomeVisit,
    Message,
    MessageThread,
    Municipality,
    Person,
    ServiceUnit,
)
from homecare.services.messages import post_service_message
from homecare.services.usage_log import UsageAction, record_use
from homecare.services.visits import change_visit_by_service, complete_visit_by_service


class NotFound(Exception):
    """Nothing of that name in the client's municipality (it may exist elsewhere: that is not said)."""


class Conflict(Exception):
    """The request cannot be done in the state things are in (a visit already cancelled, say)."""


@dataclass
class Invalid(Exception):
    """The request breaks a rule; `fields` says which field and why."""

    fields: dict[str, str] = field(default_factory=dict)


# Clients and their keys.


def _secret_hash(secret: str) -> str:
    # The secret is 256 random bits: a fast hash cannot be guessed back, unlike a password's.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(db: Session, municipality_number: str, name: str, now: datetime) -> tuple[ApiClient, str]:
    """A new client for the municipality, and its key (shown this once, kept only as a hash)."""
    municipality = db.exec(select(Municipality).where(Municipality.number == municipality_number)).first()
    if municipality is None or municipality.id is None:
        raise NotFound(municipality_number)
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    client = ApiClient(
        municipality_id=municipality.id,
        name=name[:100],
        key_id=key_id,
        secret_hash=_secret_hash(secret),
        created_at=now,
    )
    db.add(client)
    db.flush()
    return client, f"{key_id}.{secret}"


def authenticate(db: Session, key: str) -> ApiClient | None:
    """The client whose key this is, unless it was revoked; None for anything else."""
    key_id, dot, secret = key.partition(".")
    if not dot or not key_id.isalnum() or len(key_id) > 32:
        return None
    client = db.exec(select(ApiClient).where(ApiClient.key_id == key_id)).first()
    if client is None or client.revoked_at is not None:
        return None
    return client if hmac.compare_digest(client.secret_hash, _secret_hash(secret)) else None


def revoke_client(db: Session, key_id: str, now: datetime) -> bool:
    written = db.execute(
        update(ApiClient)
        .where(col(ApiClient.key_id) == key_id, col(ApiClient.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return written.rowcount == 1  # type: ignore[attr-defined]


# Service units.


def units(db: Session, client: ApiClient) -> list[ServiceUnit]:
    return list(
        db.exec(
            select(ServiceUnit)
            .where(ServiceUnit.municipality_id == client.municipality_id)
            .order_by(col(ServiceUnit.id))
        ).all()
    )


def _unit(db: Session, client: ApiClient, unit_id: int) -> ServiceUnit:
    unit = db.get(ServiceUnit, unit_id)
    if unit is None or unit.municipality_id != client.municipality_id:
        raise NotFound("service unit")
    return unit


# Persons receiving home care.


def _national_id(value: str) -> str:
    try:
        return parse_national_id(value).value
    except NationalIdError as error:
        raise Invalid(
            {"national_id": f"not a valid national identity number ({error.reason.value})"}
        ) from error


def _refuse_other_municipality(db: Session, client: ApiClient, person: Person, now: datetime) -> None:
    record_use(
        db, action=UsageAction.API_REFUSED, actor_id=None, subject_id=person.id, at=now,
        outcome=UsageOutcome.DENIED, detail=f"API client {client.id} ({client.name})",
    )  # fmt: skip
    db.commit()  # the refusal is kept, whatever the request does next
    raise NotFound("person")


def person_here(db: Session, client: ApiClient, national_id: str, now: datetime) -> Person:
    """The person of this national id in the client's municipality; NotFound for anyone else."""
    person = db.exec(select(Person).where(Person.national_id == _national_id(national_id))).first()
    if person is None:
        raise NotFound("person")
    if person.municipality_id != client.municipality_id:
        _refuse_other_municipality(db, client, person, now)
    return person


@dataclass(frozen=True)
class PersonData:
    given_name: str
    family_name: str
    service_unit_id: int
    middle_name: str | None = None
    district: str | None = None
    mobile: str | None = None
    email: str | None = None


def register_person(
    db: Session, client: ApiClient, national_id: str, data: PersonData, now: datetime
) -> tuple[Person, bool]:
    """Register (or update) a person receiving home care from one of the municipality's units.

    A person who lives in another municipality is "not found", like anyone else's (and the try is logged).
    """
    number = _national_id(national_id)
    problems: dict[str, str] = {}
    unit = db.get(ServiceUnit, data.service_unit_id)
    if unit is None or unit.municipality_id != client.municipality_id:
        problems["service_unit_id"] = "no such service unit in your municipality"
    district_id = None
    if data.district:
        district = db.exec(
            select(District).where(
                District.municipality_id == client.municipality_id, District.name == data.district
            )
        ).first()
        if district is None:
            problems["district"] = "no such district in your municipality"
        else:
            district_id = district.id
    mobile = email = None
    try:
        mobile = normalize_mobile(data.mobile) if data.mobile else None
    except ValueError as error:
        problems["mobile"] = f"not a mobile number ({error.args[0]})"
    try:
        email = normalize_email(data.email) if data.email else None
    except ValueError:
        problems["email"] = "not an e-mail address"
    if problems:
        raise Invalid(problems)
    person = db.exec(select(Person).where(Person.national_id == number)).first()
    created = person is None
    if person is None:
        person = Person(
            national_id=number, birth_date=parse_national_id(number).birth_date, given_name="", family_name=""
        )
    elif person.municipality_id not in (None, client.municipality_id):
        # Someone who lives in another municipality is that municipality's to register: when they move,
        # the population register moves them first.
        _refuse_other_municipality(db, client, person, now)
    person.given_name, person.middle_name, person.family_name = (
        data.given_name,
        data.middle_name,
        data.family_name,
    )
    person.municipality_id, person.district_id, person.service_unit_id = (
        client.municipality_id,
        district_id,
        unit.id if unit else None,
    )
    if data.mobile is not None:
        person.mobile = mobile
    if data.email is not None:
        person.email = email
    db.add(person)
    db.flush()
    return person, created


def end_home_care(db: Session, client: ApiClient, national_id: str, now: datetime) -> None:
    """The person no longer receives home care here (their messages and visits stay theirs to read)."""
    person = person_here(db, client, national_id, now)
    person.service_unit_id = None
    db.add(person)


# Visits, by the municipality's own id within a service unit.


@dataclass(frozen=True)
class VisitData:
    national_id: str
    starts_at: datetime
    ends_at: datetime
    service_type: ServiceType
    staff_name: str | None = None


def visit_here(db: Session, client: ApiClient, unit_id: int, external_id: str) -> HomeVisit:
    unit = _unit(db, client, unit_id)
    visit = db.exec(
        select(HomeVisit).where(HomeVisit.service_unit_id == unit.id, HomeVisit.external_id == external_id)
    ).first()
    if visit is None:
        raise NotFound("visit")
    return visit


def put_visit(
    db: Session, client: ApiClient, unit_id: int, external_id: str, data: VisitData, now: datetime
) -> tuple[HomeVisit, bool]:
    """Create the visit, or move or re-staff it; the same request again changes nothing."""
    unit = _unit(db, client, unit_id)
    if data.ends_at <= data.starts_at:
        raise Invalid({"ends_at": "must be after starts_at"})
    person = person_here(db, client, data.national_id, now)
    if person.service_unit_id is None:
        raise Invalid({"national_id": "the person does not receive home care here (register them first)"})
    existing = db.exec(
        select(HomeVisit).where(HomeVisit.service_unit_id == unit.id, HomeVisit.external_id == external_id)
    ).first()
    if existing is None:
        visit = HomeVisit(
            subject_id=person.id or 0, service_unit_id=unit.id or 0, external_id=external_id,
            starts_at=data.starts_at, ends_at=data.ends_at, service_type=data.service_type,
            staff_name=data.staff_name, updated_at=now,
        )  # fmt: skip
        db.add(visit)
        db.flush()
        return visit, True
    if existing.subject_id != person.id:
        raise Invalid({"national_id": "the visit belongs to another person"})
    if existing.status is not VisitStatus.PLANNED:
        raise Conflict(f"the visit is {existing.status.value}")
    unchanged = (
        existing.starts_at == data.starts_at
        and existing.ends_at == data.ends_at
        and (existing.staff_name or None) == (data.staff_name or None)
        and existing.service_type is data.service_type
    )
    if unchanged:
        return existing, False
    existing.service_type = data.service_type
    db.add(existing)
    changed = change_visit_by_service(
        db, existing.id or 0, seen_version=existing.version, now=now,
        starts_at=data.starts_at, ends_at=data.ends_at, staff_name=data.staff_name or "",
    )  # fmt: skip
    if changed is None:
        raise Conflict("the visit was changed meanwhile (cancelled by the person, say)")
    return changed, False


def cancel_visit_by_municipality(
    db: Session, client: ApiClient, unit_id: int, external_id: str, reason: str, now: datetime
) -> HomeVisit:
    visit = visit_here(db, client, unit_id, external_id)
    if visit.status is not VisitStatus.PLANNED:
        raise Conflict(f"the visit is {visit.status.value}")
    changed = change_visit_by_service(
        db, visit.id or 0, seen_version=visit.version, now=now, cancel_reason=reason
    )
    if changed is None:
        raise Conflict("the visit was changed meanwhile")
    return changed


def complete_visit(
    db: Session, client: ApiClient, unit_id: int, external_id: str, completed_at: datetime,
    staff_name: str | None, now: datetime,
) -> HomeVisit:  # fmt: skip
    visit = visit_here(db, client, unit_id, external_id)
    if visit.status is not VisitStatus.PLANNED:
        raise Conflict(f"the visit is {visit.status.value}")
    done = complete_visit_by_service(
        db, visit.id or 0, completed_at=completed_at, staff_name=staff_name, now=now
    )
    if done is None:
        raise Conflict("the visit was changed meanwhile")
    return done


# Messages from the service.


def post_message(
    db: Session, client: ApiClient, national_id: str, *, staff_name: str, text: str, topic: str | None,
    thread_id: str | None, now: datetime,
) -> Message:  # fmt: skip
    person = person_here(db, client, national_id, now)
    if person.service_unit_id is None:
        raise Invalid({"national_id": "the person does not receive home care here"})
    if thread_id is not None:
        thread = (
            db.exec(
                select(MessageThread)
                .join(ServiceUnit, col(ServiceUnit.id) == MessageThread.service_unit_id)
                .where(
                    MessageThread.public_id == thread_id,
                    MessageThread.subject_id == person.id,
                    ServiceUnit.municipality_id == client.municipality_id,
                )
            ).first()
            if is_public_id(thread_id)
            else None
        )
        if thread is None:
            raise NotFound("thread")
    try:
        return post_service_message(
            db, subject_id=person.id or 0, staff_name=staff_name, text=text, topic=topic or "",
            thread_public_id=thread_id, now=now,
        )  # fmt: skip
    except ValueError as error:
        if "thread" in str(error):
            raise NotFound("thread") from error
        raise Invalid({"text": str(error)}) from error


# What citizens did.


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class CitizenEventView:
    id: int
    kind: CitizenEventKind
    at: datetime
    service_unit_id: int
    national_id: str
    acknowledged: bool
    visit_external_id: str | None = None
    cancel_reason: str | None = None
    cancel_note: str | None = None
    thread_id: str | None = None
    topic: str | None = None
    text: str | None = None
    written_by: str | None = None
    on_behalf_of: str | None = None
    attachments: list[AttachmentInfo] = field(default_factory=list)


def citizen_events(db: Session, client: ApiClient, *, after: int, limit: int) -> list[CitizenEventView]:
    """What citizens did at the municipality's units since the cursor `after`, oldest first."""
    rows = db.exec(
        select(CitizenEvent)
        .join(ServiceUnit, col(ServiceUnit.id) == CitizenEvent.service_unit_id)
        .where(ServiceUnit.municipality_id == client.municipality_id, col(CitizenEvent.id) > after)
        .order_by(col(CitizenEvent.id))
        .limit(limit)
    ).all()
    return [_event_view(db, row) for row in rows]


def _event_view(db: Session, row: CitizenEvent) -> CitizenEventView:
    subject = db.get(Person, row.subject_id)
    view = CitizenEventView(
        id=row.id or 0, kind=row.kind, at=row.created_at, service_unit_id=row.service_unit_id,
        national_id=subject.national_id if subject else "", acknowledged=row.acknowledged_at is not None,
    )  # fmt: skip
    extra: dict[str, object] = {}
    if row.visit_id is not None:
        visit = db.get(HomeVisit, row.visit_id)
        if visit is not None:
            extra |= {"visit_external_id": visit.external_id}
            if row.kind is CitizenEventKind.VISIT_CANCELLED:
                extra |= {"cancel_reason": visit.cancel_reason_code, "cancel_note": visit.cancel_reason}
    if row.message_id is not None:
        message = db.get(Message, row.message_id)
        thread = db.get(MessageThread, message.thread_id) if message else None
        if message is not None and thread is not None:
            author = db.get(Person, message.author_person_id) if message.author_person_id else None
            files = db.exec(
                select(Attachment).where(Attachment.message_id == message.id).order_by(col(Attachment.id))
            ).all()
            extra |= {
                "thread_id": thread.public_id,
                "topic": thread.topic,
                "text": message.body,
                "written_by": author.full_name if author else None,
                "on_behalf_of": subject.full_name if message.on_behalf_of_id and subject else None,
                "attachments": [
                    AttachmentInfo(a.public_id, a.file_name, a.media_type, a.size, a.sha256) for a in files
                ],
            }
    return CitizenEventView(**{**view.__dict__, **extra})


def acknowledge(db: Session, client: ApiClient, up_to: int, now: datetime) -> int:
    """Mark the municipality's events up to the cursor as handled; how many were newly marked."""
    unit_ids = [unit.id for unit in units(db, client)]
    written = db.execute(
        update(CitizenEvent)
        .where(
            col(CitizenEvent.service_unit_id).in_(unit_ids),
            col(CitizenEvent.id) <= up_to,
            col(CitizenEvent.acknowledged_at).is_(None),
        )
        .values(acknowledged_at=now)
    )
    return written.rowcount  # type: ignore[attr-defined, no-any-return]


def attachment_here(db: Session, client: ApiClient, public_id: str) -> Attachment:
    """A file a citizen sent to one of the municipality's units (drafts are nobody's business but theirs)."""
    if not is_public_id(public_id):
        raise NotFound("attachment")
    row = db.exec(
        select(Attachment)
        .join(Message, col(Message.id) == Attachment.message_id)
        .join(MessageThread, col(MessageThread.id) == Message.thread_id)
        .join(ServiceUnit, col(ServiceUnit.id) == MessageThread.service_unit_id)
        .where(Attachment.public_id == public_id, ServiceUnit.municipality_id == client.municipality_id)
    ).first()
    if row is None:
        raise NotFound("attachment")
    return row


# Taking part.


@dataclass(frozen=True)
class Participation:
    takes_part: bool
    since: date | None
    cancel_cutoff: str
    cancel_working_days_before: int


def participation(db: Session, client: ApiClient) -> Participation:
    municipality = db.get(Municipality, client.municipality_id)
    assert municipality is not None
    return Participation(
        municipality.takes_part,
        municipality.taking_part_since,
        municipality.cancel_cutoff.strftime("%H:%M"),
        municipality.cancel_working_days_before,
    )


def set_participation(db: Session, client: ApiClient, takes_part: bool, since: date | None) -> Participation:
    municipality = db.get(Municipality, client.municipality_id)
    assert municipality is not None
    if takes_part and since is None:
        raise Invalid({"since": "required when the municipality takes part"})
    municipality.takes_part = takes_part
    municipality.taking_part_since = since if takes_part else None
    db.add(municipality)
    db.flush()
    return participation(db, client)
