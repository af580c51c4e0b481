"""Things that happened, for whoever must act on them (the notifications, later the integration API).

Subscribers run inside the transaction of the change itself, so what they write (an outbox row, say) is
committed together with it, or not at all: nothing that was accepted is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session


@dataclass(frozen=True)
class ServiceMessagePosted:
    """The home care service wrote to a person."""

    subject_id: int
    thread_id: int
    message_id: int
    at: datetime


@dataclass(frozen=True)
class VisitChangedByService:
    """The home care service moved, re-staffed or cancelled one of a person's visits."""

    subject_id: int
    visit_id: int
    version: int
    cancelled: bool
    at: datetime


@dataclass(frozen=True)
class VisitCompleted:
    """The home care service recorded a visit as made."""

    subject_id: int
    visit_id: int
    at: datetime


@dataclass(frozen=True)
class PowerOfAttorneyGranted:
    grantor_id: int
    grantee_id: int
    grant_id: int
    at: datetime


@dataclass(frozen=True)
class PowerOfAttorneyEnded:
    grantor_id: int
    grantee_id: int
    grant_id: int
    ended_by_id: int
    at: datetime


@dataclass(frozen=True)
class ContactDetailsChanged:
    """A person's mobile number or e-mail address changed; the old ones are told as well as the new."""

    person_id: int
    old_mobile: str | None
    old_email: str | None
    at: datetime


Event = (
    ServiceMessagePosted
    | VisitChangedByService
    | VisitCompleted
    | PowerOfAttorneyGranted
    | PowerOfAttorneyEnded
    | ContactDetailsChanged
)
Subscriber = Callable[[Session, Event], None]
_subscribers: dict[type, list[Subscriber]] = {}


def subscribe(event_type: type, subscriber: Subscriber) -> None:
    _subscribers.setdefault(event_type, []).append(subscriber)


def publish(db: Session, event: Event) -> None:
    # The notifications subscribe when their module is imported; whoever publishes first makes sure of it,
    # so that no code path can publish an event that nobody hears.
    import homecare.services.notifications  # noqa: F401

    for subscriber in _subscribers.get(type(event), []):
        subscriber(db, event)
