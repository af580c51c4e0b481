"""Contact details and notification set-up: where a person's notices go, and what they want to hear.

Acting for themself, a person sets up what they hear about themself (and whether the same goes for everyone
they represent); acting for someone, what they hear about that person. The notices always go to the actor's
own mobile number and e-mail address, which the page lets them change either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, select

from homecare.domain.contact import ContactProblem, normalize_email, normalize_mobile, shown_mobile
from homecare.domain.notifications import NotificationLevel
from homecare.models import NotificationPreference
from homecare.services.access import Access
from homecare.services.events import ContactDetailsChanged, publish
from homecare.services.notifications import setup_of
from homecare.services.power_of_attorney import representable
from homecare.services.usage_log import UsageAction, record_use


class SetupProblem(StrEnum):
    MOBILE_INVALID = ContactProblem.MOBILE_INVALID.value
    MOBILE_NOT_MOBILE = ContactProblem.MOBILE_NOT_MOBILE.value
    EMAIL_INVALID = ContactProblem.EMAIL_INVALID.value
    SMS_WITHOUT_MOBILE = "sms_without_mobile"
    EMAIL_WITHOUT_ADDRESS = "email_without_address"
    LEVEL_MISSING = "level_missing"


@dataclass(frozen=True)
class SetupView:
    """What the page shows: the actor's contact details and the set-up about the subject."""

    mobile: str
    email: str
    level: NotificationLevel
    by_sms: bool
    by_email: bool
    same_for_represented: bool
    represents_anyone: bool


@dataclass(frozen=True)
class SetupChoice:
    """What the person filled in, not yet checked."""

    mobile: str
    email: str
    level: str
    by_sms: bool
    by_email: bool
    same_for_represented: bool


@dataclass(frozen=True)
class Saved:
    problems: tuple[SetupProblem, ...] = ()
    contact_changed: bool = False


def setup_view(db: Session, access: Access, now: datetime) -> SetupView:
    setup = setup_of(db, access.actor_id, access.subject_id)
    own = setup_of(db, access.actor_id, access.actor_id)
    return SetupView(
        mobile=shown_mobile(access.actor.mobile),
        email=access.actor.email or "",
        level=setup.level if setup else NotificationLevel.STANDARD,
        by_sms=setup.by_sms if setup else False,
        by_email=setup.by_email if setup else False,
        same_for_represented=bool(own and own.same_for_represented),
        represents_anyone=bool(representable(db, access.actor_id, now)),
    )


def _checked_contact(choice: SetupChoice) -> tuple[str | None, str | None, list[SetupProblem]]:
    problems: list[SetupProblem] = []
    mobile = email = None
    if choice.mobile.strip():
        try:
            mobile = normalize_mobile(choice.mobile)
        except ValueError as error:
            problems.append(SetupProblem(str(error.args[0])))
    if choice.email.strip():
        try:
            email = normalize_email(choice.email)
        except ValueError as error:
            problems.append(SetupProblem(str(error.args[0])))
    if choice.by_sms and not choice.mobile.strip():
        problems.append(SetupProblem.SMS_WITHOUT_MOBILE)
    if choice.by_email and not choice.email.strip():
        problems.append(SetupProblem.EMAIL_WITHOUT_ADDRESS)
    if choice.level not in set(NotificationLevel):
        problems.append(SetupProblem.LEVEL_MISSING)
    return mobile, email, problems


def save_setup(db: Session, access: Access, choice: SetupChoice, now: datetime) -> Saved:
    """Check everything, then save it all or nothing; a change of contact details is told to the old ones."""
    mobile, email, problems = _checked_contact(choice)
    if problems:
        return Saved(problems=tuple(problems))
    actor = access.actor
    old_mobile, old_email = actor.mobile, actor.email
    contact_changed = (mobile, email) != (old_mobile, old_email)
    if contact_changed:
        actor.mobile, actor.email = mobile, email
        db.add(actor)
    row = db.exec(
        select(NotificationPreference).where(
            NotificationPreference.person_id == access.actor_id,
            NotificationPreference.about_person_id == access.subject_id,
        )
    ).first() or NotificationPreference(person_id=access.actor_id, about_person_id=access.subject_id)
    row.level = NotificationLevel(choice.level)
    row.by_sms, row.by_email, row.updated_at = choice.by_sms, choice.by_email, now
    if not access.on_behalf:
        row.same_for_represented = choice.same_for_represented
    db.add(row)
    db.flush()
    if contact_changed:
        publish(db, ContactDetailsChanged(access.actor_id, old_mobile, old_email, now))
        record_use(
            db,
            action=UsageAction.CONTACT_CHANGED,
            actor_id=access.actor_id,
            subject_id=access.actor_id,
            at=now,
        )
    record_use(
        db,
        action=UsageAction.NOTIFICATIONS_CHANGED,
        actor_id=access.actor_id,
        subject_id=access.subject_id,
        at=now,
    )
    return Saved(contact_changed=contact_changed)
