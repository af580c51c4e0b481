"""The dispatcher: claims what is due in the outbox, sends it, and records what happened.

Several dispatchers may run at once (in the app and as processes of their own): a row is claimed with a
conditional update (and `FOR UPDATE SKIP LOCKED` on PostgreSQL) and a random token, so only one of them has
it; the result is recorded only under that token. A dispatcher that dies after claiming leaves the row to be
claimed again when its lease runs out: the row is retried, never lost.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select, update

from homecare.db import session_scope
from homecare.domain.notifications import MANDATORY_KINDS, Channel, sms_due_at
from homecare.i18n import translate
from homecare.metrics import SENDS
from homecare.models import OutboxItem, OutboxStatus, Person
from homecare.models.columns import utc_now
from homecare.notify.senders import Delivery, Outcome, Sender
from homecare.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claimed:
    """A row this dispatcher holds, with what it takes to send it."""

    id: int
    channel: Channel
    address: str
    title: str | None
    body: str
    attempts: int
    language: str
    recipient_person_id: int | None
    about_person_id: int | None
    kind: str
    # Until when the claim holds the row: no other dispatcher may take it before.
    claimed_until: datetime | None = None


_Earlier = aliased(OutboxItem)


def _first_for_its_address() -> ColumnElement[bool]:
    """No earlier notice to the same address is still owed: each address gets its notices in the order
    they were written, also when a provider was away and they were tried again at different times."""
    return ~exists().where(
        col(_Earlier.channel) == OutboxItem.channel,
        col(_Earlier.address) == OutboxItem.address,
        col(_Earlier.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        col(_Earlier.id) < OutboxItem.id,
    )


def _pending(now: datetime) -> ColumnElement[bool]:
    due = and_(col(OutboxItem.status) == OutboxStatus.PENDING, col(OutboxItem.due_at) <= now)
    return and_(due, _first_for_its_address())


def _abandoned(now: datetime) -> ColumnElement[bool]:
    # Claimed by a dispatcher that did not finish in time (it died, or hangs): free to take.
    return and_(col(OutboxItem.status) == OutboxStatus.SENDING, col(OutboxItem.claimed_until) < now)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(_pending(now), _abandoned(now))


@dataclass
class Dispatcher:
    senders: Mapping[Channel, Sender]
    settings: Settings
    engine: Engine | None = None
    clock: Callable[[], datetime] = utc_now
    lease: timedelta = timedelta(minutes=2)
    batch: int = 50
    rng: random.Random = field(default_factory=random.Random)
    # Channels whose provider this dispatcher has not yet seen take a notice (since it started, or since a
    # try failed): the next success there means the provider is back.
    _doubtful: set[Channel] = field(default_factory=lambda: set(Channel))

    def run_once(self) -> int:
        """Claim what is due, send it, record each outcome; how many notices were handled.

        Once a notice to an address is not sent, the ones behind it to that address wait for it (they are
        handed back, their attempt not counted): nobody gets the second notice before the first."""
        claimed, token = self.claim()
        held_up: set[tuple[Channel, str]] = set()
        for group in _bundles(claimed):
            address = (group[0].channel, group[0].address)
            if address in held_up:
                self._hand_back(group, token)
            elif not self._deliver(group, token):
                held_up.add(address)
        return len(claimed)

    def _due_now(
        self, now: datetime, which: Callable[[datetime], ColumnElement[bool]] = _due
    ) -> ColumnElement[bool]:
        # A backlog, or a lease run out, in the quiet hours: the SMS still wait for the morning.
        if self.settings.quiet_hours.contains(now):
            return and_(which(now), col(OutboxItem.channel) != Channel.SMS)
        return which(now)

    def _due_ids(self, db: Session, now: datetime) -> list[int]:
        """The rows to claim: those whose lease ran out, then the pending ones in the order they came due.

        Asked apart: an OR of the two could not be read in order from the index on (status, due_at), and
        PostgreSQL would fetch and sort every due row (the whole backlog after an outage) for each claim.
        """
        ids: list[int] = []
        for which in (_abandoned, _pending):
            query = (
                select(OutboxItem.id)
                .where(self._due_now(now, which))
                .order_by(col(OutboxItem.due_at), col(OutboxItem.id))
                .limit(self.batch - len(ids))
            )
            if db.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids += db.exec(query).all()
            if len(ids) >= self.batch:
                break
        return ids

    def claim(self) -> tuple[list[Claimed], str]:
        """Take the due rows (and the SMS to the same numbers that would follow within minutes)."""
        now, token = self.clock(), secrets.token_hex(16)
        with session_scope(self.engine) as db:
            ids = self._due_ids(db, now)
            if not ids:
                return [], token
            self._take(db, col(OutboxItem.id).in_(ids), self._due_now(now), now=now, token=token)
            self._take_queued_behind(db, now, token)
            self._take_followers(db, now, token)
            rows = db.exec(
                select(OutboxItem).where(OutboxItem.claim_token == token).order_by(col(OutboxItem.id))
            ).all()
            return [_claimed(row) for row in rows], token

    def _take(self, db: Session, *where: object, now: datetime, token: str) -> None:
        db.execute(
            update(OutboxItem)
            .where(*where)  # type: ignore[arg-type]
            .values(
                status=OutboxStatus.SENDING,
                claim_token=token,
                claimed_until=now + self.lease,
                attempts=OutboxItem.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )

    def _take_queued_behind(self, db: Session, now: datetime, token: str) -> None:
        """The notices queued behind one this claim took, to the same address, go in the same round: those
        due now, in the order they were written, up to the first that is not due yet."""
        addresses = db.exec(
            select(OutboxItem.channel, OutboxItem.address).where(OutboxItem.claim_token == token).distinct()
        ).all()
        if not addresses:
            return
        owed = db.exec(
            select(
                OutboxItem.id,
                OutboxItem.channel,
                OutboxItem.address,
                OutboxItem.due_at,
                OutboxItem.claim_token,
            )
            .where(
                tuple_(OutboxItem.channel, OutboxItem.address).in_([tuple(pair) for pair in addresses]),
                col(OutboxItem.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            )
            .order_by(col(OutboxItem.id))
        ).all()
        quiet = self.settings.quiet_hours.contains(now)
        taken: list[int] = []
        stopped: set[tuple[Channel, str]] = set()
        for row_id, channel, address, due_at, claim_token in owed:
            if claim_token == token or (channel, address) in stopped:
                continue
            if claim_token is None and due_at <= now and not (quiet and channel is Channel.SMS):
                taken.append(row_id)
            else:
                stopped.add((channel, address))
        if taken:
            pending = col(OutboxItem.status) == OutboxStatus.PENDING
            self._take(db, col(OutboxItem.id).in_(taken), pending, now=now, token=token)

    def _take_followers(self, db: Session, now: datetime, token: str) -> None:
        """SMS to a number this claim sends to, due within the bundling window, go along in one SMS."""
        numbers = db.exec(
            select(OutboxItem.address).where(
                OutboxItem.claim_token == token, OutboxItem.channel == Channel.SMS
            )
        ).all()
        if not numbers:
            return
        window = now + timedelta(seconds=self.settings.sms_bundle_seconds)
        self._take(
            db,
            col(OutboxItem.channel) == Channel.SMS,
            col(OutboxItem.address).in_(set(numbers)),
            col(OutboxItem.status) == OutboxStatus.PENDING,
            col(OutboxItem.due_at) <= window,
            col(OutboxItem.kind).not_in([kind.value for kind in MANDATORY_KINDS]),
            now=now,
            token=token,
        )

    def _still_ours(self, group: list[Claimed], token: str) -> bool:
        """Renew the claim on the group just before sending it; False when another dispatcher took it over
        (this one was too slow), and then this one must not send it.

        While more than half the lease is left, nobody can have taken it (another dispatcher takes a row only
        once its lease has run out), and it is sent without asking the database: one write less per notice.
        """
        now = self.clock()
        held = [item.claimed_until for item in group]
        if all(until is not None and now < until - self.lease / 2 for until in held):
            return True
        with session_scope(self.engine) as db:
            renewed = db.execute(
                update(OutboxItem)
                .where(
                    col(OutboxItem.id).in_([item.id for item in group]),
                    col(OutboxItem.claim_token) == token,
                    col(OutboxItem.status) == OutboxStatus.SENDING,
                )
                .values(claimed_until=now + self.lease)
                .execution_options(synchronize_session=False)
            )
            return renewed.rowcount == len(group)  # type: ignore[attr-defined]

    def _deliver(self, group: list[Claimed], token: str) -> bool:
        """Send the group and record the outcome; whether it was sent."""
        if not self._still_ours(group, token):
            log.warning("notices %s were taken over by another dispatcher", [item.id for item in group])
            return False
        first = group[0]
        sender = self.senders[first.channel]
        body = first.body if len(group) == 1 else self._bundle_text(group)
        delivery = sender.send(to=first.address, subject=first.title or "", body=body)
        SENDS.labels(first.channel.value, delivery.outcome.value).inc()
        if delivery.outcome is not Outcome.SENT:
            log.warning("notice %s not sent (%s): %s", first.id, delivery.outcome.value, delivery.error)
        self._record(group, token, delivery)
        if delivery.outcome is Outcome.RETRY:
            self._doubtful.add(first.channel)
        elif delivery.outcome is Outcome.SENT and first.channel in self._doubtful:
            self._doubtful.discard(first.channel)
            self._provider_is_back(first.channel)
        return delivery.outcome is Outcome.SENT

    def _provider_is_back(self, channel: Channel) -> None:
        """The provider takes notices again: what waits to be tried again on its channel is due now, not
        after its backoff (which after an outage is about as long as the outage was). In order per address,
        as always; the SMS still wait for the end of the quiet hours."""
        now = self.clock()
        if channel is Channel.SMS and self.settings.quiet_hours.contains(now):
            return
        with session_scope(self.engine) as db:
            db.execute(
                update(OutboxItem)
                .where(
                    col(OutboxItem.status) == OutboxStatus.PENDING,
                    col(OutboxItem.due_at) > now,
                    col(OutboxItem.channel) == channel,
                    col(OutboxItem.attempts) > 0,
                )
                .values(due_at=now)
                .execution_options(synchronize_session=False)
            )

    def _hand_back(self, group: list[Claimed], token: str) -> None:
        """Give back notices this claim took but must not send now, as if they had not been claimed."""
        with session_scope(self.engine) as db:
            db.execute(
                update(OutboxItem)
                .where(
                    col(OutboxItem.id).in_([item.id for item in group]), col(OutboxItem.claim_token) == token
                )
                .values(
                    status=OutboxStatus.PENDING,
                    claim_token=None,
                    claimed_until=None,
                    attempts=OutboxItem.attempts - 1,
                )
                .execution_options(synchronize_session=False)
            )

    def _bundle_text(self, group: list[Claimed]) -> str:
        first = group[0]
        about = {item.about_person_id for item in group}
        url = self.settings.public_url
        if len(about) != 1:
            return translate(first.language, "notice.bundle.several", count=len(group), url=url)
        (about_id,) = about
        if about_id == first.recipient_person_id:
            return translate(first.language, "notice.bundle.self", count=len(group), url=url)
        with session_scope(self.engine) as db:
            person = db.get(Person, about_id) if about_id else None
            name = person.full_name if person else ""
        return translate(first.language, "notice.bundle.other", count=len(group), name=name, url=url)

    def _record(self, group: list[Claimed], token: str, delivery: Delivery) -> None:
        now = self.clock()
        policy = self.settings.retry_policy
        with session_scope(self.engine) as db:
            for item in group:
                values: dict[str, object] = {"claimed_until": None, "claim_token": None}
                if delivery.outcome is Outcome.SENT:
                    values |= {
                        "status": OutboxStatus.SENT,
                        "sent_at": now,
                        "provider_message_id": delivery.provider_message_id,
                        "last_error": None,
                        "bundled_into_id": group[0].id if item is not group[0] else None,
                    }
                elif delivery.outcome is Outcome.RETRY and not policy.gives_up_after(item.attempts):
                    due = now + policy.delay(item.attempts, self.rng)
                    if item.channel is Channel.SMS:
                        due = sms_due_at(due, self.settings.quiet_hours)
                    values |= {"status": OutboxStatus.PENDING, "due_at": due, "last_error": delivery.error}
                else:
                    values |= {"status": OutboxStatus.FAILED, "last_error": delivery.error}
                db.execute(
                    update(OutboxItem)
                    .where(col(OutboxItem.id) == item.id, col(OutboxItem.claim_token) == token)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )


def _claimed(row: OutboxItem) -> Claimed:
    return Claimed(
        id=row.id or 0,
        channel=row.channel,
        address=row.address,
        title=row.title,
        body=row.body,
        attempts=row.attempts,
        language=row.language,
        recipient_person_id=row.recipient_person_id,
        about_person_id=row.about_person_id,
        kind=row.kind,
        claimed_until=row.claimed_until,
    )


def _bundles(claimed: list[Claimed]) -> list[list[Claimed]]:
    """Each e-mail, and each mandatory SMS, on its own; the other SMS to one number together."""
    groups: list[list[Claimed]] = []
    by_number: dict[str, list[Claimed]] = {}
    for item in claimed:
        # A mandatory notice (a power of attorney, changed contact details) keeps its own words.
        if item.channel is Channel.SMS and item.kind not in MANDATORY_KINDS:
            if item.address not in by_number:
                by_number[item.address] = []
                groups.append(by_number[item.address])
            by_number[item.address].append(item)
        else:
            groups.append([item])
    return groups
