"""From events to owed notices: the outbox rows, written in the transaction of the event itself.

Importing this module subscribes it to the events (homecare/services/events.py makes sure it is imported
before anything is published). Which people are told is decided by homecare/domain/notifications.py; this
module gathers the facts, renders the words in the recipient's language, and writes one row per notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from homecare.domain.contact import sms_number
from homecare.domain.notifications import (
    Candidate,
    Channel,
    NoticeKind,
    QuietHours,
    Recipient,
    Setup,
    recipients,
    sms_due_at,
)
from homecare.i18n import supported_language, translate
from homecare.models import LoginSession, NotificationPreference, OutboxItem, Person
from homecare.services import events
from homecare.services.events import (
    ContactDetailsChanged,
    PowerOfAttorneyEnded,
    PowerOfAttorneyGranted,
    ServiceMessagePosted,
    VisitChangedByService,
    VisitCompleted,
)
from homecare.services.power_of_attorney import representatives
from homecare.services.terms import has_accepted
from homecare.settings import Settings, get_settings


@dataclass(frozen=True)
class Notice:
    """An event to tell people about: what, about whom, and a key unique to the event."""

    kind: NoticeKind
    about: Person
    event_key: str
    at: datetime


def setup_of(db: Session, person_id: int, about_person_id: int) -> Setup | None:
    row = db.exec(
        select(NotificationPreference).where(
            NotificationPreference.person_id == person_id,
            NotificationPreference.about_person_id == about_person_id,
        )
    ).first()
    if row is None:
        return None
    return Setup(row.level, row.by_sms, row.by_email, row.same_for_represented)


def _candidate(db: Session, person: Person, about: Person, settings: Settings, now: datetime) -> Candidate:
    assert person.id is not None and about.id is not None
    is_subject = person.id == about.id
    return Candidate(
        person_id=person.id,
        is_subject=is_subject,
        accepted_terms=has_accepted(db, person.id, settings.terms_version),
        mobile=sms_number(person.mobile),
        email=person.email,
        own_setup=setup_of(db, person.id, person.id),
        setup_for_subject=None if is_subject else setup_of(db, person.id, about.id),
        holds_power_of_attorney=not is_subject,
    )


def language_of(db: Session, person_id: int) -> str:
    """The language the person last logged in with (Bokmål for someone who never has)."""
    language = db.exec(
        select(LoginSession.language)
        .where(LoginSession.actor_id == person_id)
        .order_by(col(LoginSession.created_at).desc())
    ).first()
    return supported_language(language)


def render(kind: NoticeKind, *, about_name: str, to_subject: bool, language: str, settings: Settings) -> str:
    """The words of a notice: what happened and about whom, never what it was about."""
    whose = "self" if to_subject else "other"
    return translate(language, f"notice.{kind.value}.{whose}", name=about_name, url=settings.public_url)


def enqueue(
    db: Session,
    notice: Notice,
    candidates: list[Candidate],
    *,
    settings: Settings | None = None,
    quiet: QuietHours | None = None,
) -> list[OutboxItem]:
    """Write the outbox rows for one event: one per recipient and channel, each address once, none twice."""
    settings = settings or get_settings()
    assert notice.about.id is not None
    subject_terms = has_accepted(db, notice.about.id, settings.terms_version)
    found = recipients(notice.kind, candidates, subject_accepted_terms=subject_terms)
    return [_write(db, notice, recipient, settings, quiet or settings.quiet_hours) for recipient in found]


def _write(
    db: Session, notice: Notice, recipient: Recipient, settings: Settings, quiet: QuietHours
) -> OutboxItem:
    key = f"{notice.event_key}:{recipient.person_id}:{recipient.channel.value}"
    existing = db.exec(select(OutboxItem).where(OutboxItem.dedupe_key == key)).first()
    if existing is not None:
        return existing
    language = language_of(db, recipient.person_id)
    due = notice.at
    if recipient.channel is Channel.SMS:
        # An SMS waits a little, so that what follows within minutes can go with it, and past the night.
        due = sms_due_at(notice.at + timedelta(seconds=settings.sms_bundle_seconds), quiet)
    row = OutboxItem(
        recipient_person_id=recipient.person_id,
        about_person_id=notice.about.id,
        channel=recipient.channel,
        address=recipient.address,
        kind=notice.kind.value,
        language=language,
        title=translate(language, "notice.email_subject") if recipient.channel is Channel.EMAIL else None,
        body=render(
            notice.kind,
            about_name=notice.about.full_name,
            to_subject=recipient.is_subject,
            language=language,
            settings=settings,
        ),
        dedupe_key=key,
        created_at=notice.at,
        due_at=due,
    )
    db.add(row)
    db.flush()
    return row


def tell_about(
    db: Session, kind: NoticeKind, subject_id: int, event_key: str, at: datetime
) -> list[OutboxItem]:
    """Tell the subject and everyone who may act for them, each by their own set-up."""
    settings = get_settings()
    subject = db.get(Person, subject_id)
    if subject is None:
        return []
    people = [subject, *representatives(db, subject_id, at)]
    candidates = [_candidate(db, person, subject, settings, at) for person in people]
    return enqueue(db, Notice(kind, subject, event_key, at), candidates, settings=settings)


def _tell_grantee(
    db: Session, kind: NoticeKind, grantor_id: int, grantee_id: int, key: str, at: datetime
) -> None:
    """A power of attorney given to someone, or ended: mandatory, to the grantee, naming the grantor."""
    settings = get_settings()
    grantor, grantee = db.get(Person, grantor_id), db.get(Person, grantee_id)
    if grantor is None or grantee is None or grantee.id is None:
        return
    candidate = Candidate(
        person_id=grantee.id,
        is_subject=False,
        accepted_terms=has_accepted(db, grantee.id, settings.terms_version),
        mobile=sms_number(grantee.mobile),
        email=grantee.email,
        own_setup=setup_of(db, grantee.id, grantee.id),
        # Mandatory: the grantee hears of it whatever they chose about others.
        setup_for_subject=setup_of(db, grantee.id, grantee.id) or Setup(by_sms=True, by_email=True),
        holds_power_of_attorney=True,
    )
    enqueue(db, Notice(kind, grantor, key, at), [candidate], settings=settings)


def _on_message(db: Session, event: ServiceMessagePosted) -> None:
    tell_about(db, NoticeKind.NEW_MESSAGE, event.subject_id, f"message:{event.message_id}", event.at)


def _on_visit_changed(db: Session, event: VisitChangedByService) -> None:
    kind = NoticeKind.VISIT_CANCELLED if event.cancelled else NoticeKind.VISIT_CHANGED
    tell_about(db, kind, event.subject_id, f"visit:{event.visit_id}:v{event.version}", event.at)


def _on_visit_completed(db: Session, event: VisitCompleted) -> None:
    tell_about(
        db, NoticeKind.VISIT_COMPLETED, event.subject_id, f"visit_completed:{event.visit_id}", event.at
    )


def _on_granted(db: Session, event: PowerOfAttorneyGranted) -> None:
    key = f"poa_granted:{event.grant_id}"
    _tell_grantee(db, NoticeKind.POA_GRANTED, event.grantor_id, event.grantee_id, key, event.at)


def _on_ended(db: Session, event: PowerOfAttorneyEnded) -> None:
    if event.ended_by_id != event.grantee_id:
        key = f"poa_ended:{event.grant_id}"
        _tell_grantee(db, NoticeKind.POA_ENDED, event.grantor_id, event.grantee_id, key, event.at)


def _on_contact_changed(db: Session, event: ContactDetailsChanged) -> None:
    """The new details and the old ones are told, so that someone who took over an account is noticed."""
    settings = get_settings()
    person = db.get(Person, event.person_id)
    if person is None or person.id is None:
        return
    mandatory = Setup(by_sms=True, by_email=True)
    new_mobile, new_email = sms_number(person.mobile), person.email
    old_mobile, old_email = sms_number(event.old_mobile), event.old_email
    for which, mobile, email in (
        ("new", new_mobile, new_email),
        # An address that did not change is told once, not twice.
        (
            "old",
            old_mobile if old_mobile != new_mobile else None,
            old_email if old_email != new_email else None,
        ),
    ):
        candidate = Candidate(
            person.id, True, True, mobile=sms_number(mobile), email=email, own_setup=mandatory
        )
        notice = Notice(
            NoticeKind.CONTACT_CHANGED,
            person,
            f"contact:{person.id}:{event.at.isoformat()}:{which}",
            event.at,
        )
        enqueue(db, notice, [candidate], settings=settings)


events.subscribe(ServiceMessagePosted, _on_message)  # type: ignore[arg-type]
events.subscribe(VisitChangedByService, _on_visit_changed)  # type: ignore[arg-type]
events.subscribe(VisitCompleted, _on_visit_completed)  # type: ignore[arg-type]
events.subscribe(PowerOfAttorneyGranted, _on_granted)  # type: ignore[arg-type]
events.subscribe(PowerOfAttorneyEnded, _on_ended)  # type: ignore[arg-type]
events.subscribe(ContactDetailsChanged, _on_contact_changed)  # type: ignore[arg-type]


@dataclass(frozen=True)
class OutboxLine:
    """A notice as the development outbox page shows it."""

    channel: Channel
    address: str
    title: str | None
    body: str
    status: str
    created_at: datetime
    sent_at: datetime | None


def development_outbox(db: Session, limit: int = 50) -> list[OutboxLine]:
    """The latest notices, newest first: in the development set-up, where nothing leaves the machine."""
    rows = db.exec(select(OutboxItem).order_by(col(OutboxItem.id).desc()).limit(limit)).all()
    return [
        OutboxLine(
            row.channel, row.address, row.title, row.body, row.status.value, row.created_at, row.sent_at
        )
        for row in rows
    ]
