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


Event = ServiceMessagePosted
Subscriber = Callable[[Session, Event], None]
_subscribers: dict[type, list[Subscriber]] = {}


def subscribe(event_type: type, subscriber: Subscriber) -> None:
    _subscribers.setdefault(event_type, []).append(subscriber)


def publish(db: Session, event: Event) -> None:
    for subscriber in _subscribers.get(type(event), []):
        subscriber(db, event)
