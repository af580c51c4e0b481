"""Who is told about what, by which channel, and when: the rules of notification, without a database.

A notice never carries health details: it says that something happened and about whom, and asks the reader to
log in.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from homecare.domain.time_zone import OSLO


class NotificationLevel(StrEnum):
    """How much a person wants to hear: only what the law demands, the usual, or everything."""

    MANDATORY = "mandatory"
    STANDARD = "standard"
    ALL = "all"


class Channel(StrEnum):
    """How a notification reaches a person."""

    SMS = "sms"
    EMAIL = "email"


class NoticeKind(StrEnum):
    """The things people can be told about."""

    NEW_MESSAGE = "new_message"
    VISIT_CHANGED = "visit_changed"
    VISIT_CANCELLED = "visit_cancelled"
    VISIT_COMPLETED = "visit_completed"
    POA_GRANTED = "poa_granted"
    POA_ENDED = "poa_ended"
    CONTACT_CHANGED = "contact_changed"


MANDATORY_KINDS = frozenset({NoticeKind.POA_GRANTED, NoticeKind.POA_ENDED, NoticeKind.CONTACT_CHANGED})
_KINDS_OF_LEVEL = {
    NotificationLevel.MANDATORY: MANDATORY_KINDS,
    NotificationLevel.STANDARD: MANDATORY_KINDS
    | {NoticeKind.NEW_MESSAGE, NoticeKind.VISIT_CHANGED, NoticeKind.VISIT_CANCELLED},
    NotificationLevel.ALL: frozenset(NoticeKind),
}


def level_includes(level: NotificationLevel, kind: NoticeKind) -> bool:
    """Whether a person who chose `level` is told about `kind`."""
    return kind in _KINDS_OF_LEVEL[level]


@dataclass(frozen=True)
class Setup:
    """What a person chose: how much, by which channels, and (about themself) whether the same goes for
    everyone they represent."""

    level: NotificationLevel = NotificationLevel.STANDARD
    by_sms: bool = False
    by_email: bool = False
    same_for_represented: bool = False

    @property
    def channels(self) -> tuple[Channel, ...]:
        chosen = ((Channel.SMS, self.by_sms), (Channel.EMAIL, self.by_email))
        return tuple(channel for channel, on in chosen if on)


# A person who has set nothing up hears the usual, wherever they can be reached.
DEFAULT_SETUP = Setup(NotificationLevel.STANDARD, by_sms=True, by_email=True)


@dataclass(frozen=True)
class Candidate:
    """Someone who might be told about an event concerning a subject: the subject, or a representative.

    `mobile` is a number that takes SMS (None for a landline), `email` an address; both as normalised.
    """

    person_id: int
    is_subject: bool
    accepted_terms: bool
    mobile: str | None = None
    email: str | None = None
    own_setup: Setup | None = None
    # For a representative: their set-up about this subject, and whether a power of attorney from the subject
    # covering digital healthcare services is in force.
    setup_for_subject: Setup | None = None
    holds_power_of_attorney: bool = False


@dataclass(frozen=True)
class Recipient:
    """One notice to send: to whom, by which channel, at which address."""

    person_id: int
    channel: Channel
    address: str
    is_subject: bool


def setup_for(candidate: Candidate) -> Setup | None:
    """The set-up that governs what `candidate` hears about the subject; None when they hear nothing."""
    if candidate.is_subject:
        return candidate.own_setup or DEFAULT_SETUP
    if not candidate.holds_power_of_attorney:
        return None
    if candidate.setup_for_subject is not None:
        return candidate.setup_for_subject
    if candidate.own_setup is not None and candidate.own_setup.same_for_represented:
        return candidate.own_setup
    return None


def _told(kind: NoticeKind, candidate: Candidate, subject_accepted_terms: bool) -> Setup | None:
    # Someone who has not accepted the terms hears nothing from the service, except what the law says they
    # must: that they were given a power of attorney (or it ended), or that their contact details changed.
    if not candidate.accepted_terms and kind not in MANDATORY_KINDS:
        return None
    setup = setup_for(candidate)
    if setup is None or not level_includes(setup.level, kind):
        return None
    # Completed visits are told only when both have accepted the terms (the source page, step 1).
    if kind is NoticeKind.VISIT_COMPLETED and not subject_accepted_terms:
        return None
    return setup


def recipients(
    kind: NoticeKind, candidates: Iterable[Candidate], *, subject_accepted_terms: bool
) -> list[Recipient]:
    """Everyone to tell about one event, each address once.

    People often register a relative's number for the subject, so an address already told is not told again.
    Representatives come first: when an address belongs to both, the notice that names the subject is the one
    sent. A mandatory notice goes wherever the person can be reached when they chose no channel.
    """
    ordered = sorted(candidates, key=lambda candidate: candidate.is_subject)
    found: list[Recipient] = []
    seen: set[tuple[Channel, str]] = set()
    for candidate in ordered:
        setup = _told(kind, candidate, subject_accepted_terms)
        if setup is None:
            continue
        channels = setup.channels or ((Channel.SMS, Channel.EMAIL) if kind in MANDATORY_KINDS else ())
        for channel in channels:
            address = candidate.mobile if channel is Channel.SMS else candidate.email
            if address and (channel, address.lower()) not in seen:
                seen.add((channel, address.lower()))
                found.append(Recipient(candidate.person_id, channel, address, candidate.is_subject))
    return found


@dataclass(frozen=True)
class QuietHours:
    """When no SMS is sent (in Oslo): it waits until the end, it is not dropped. E-mail goes at once."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(OSLO).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def sms_due_at(now: datetime, quiet: QuietHours) -> datetime:
    """When an SMS owed at `now` may go: now, or the end of the quiet hours it falls in."""
    if not quiet.contains(now):
        return now
    local = now.astimezone(OSLO)
    end_day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, quiet.end, tzinfo=OSLO).astimezone(now.tzinfo)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a failed send is tried again: exponential backoff with jitter, then give up."""

    max_attempts: int = 30
    first_delay: timedelta = timedelta(seconds=30)
    longest_delay: timedelta = timedelta(hours=1)
    jitter: float = 0.2

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1 for the first)."""
        base = min(self.first_delay * 2 ** max(attempts - 1, 0), self.longest_delay)
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return base * (1 + spread)

    def gives_up_after(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
