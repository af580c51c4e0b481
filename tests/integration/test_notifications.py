"""Notices: written with the event, sent by the dispatcher through the providers, never lost, never twice."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

import homecare.db
from homecare.domain.notifications import Channel, NoticeKind, NotificationLevel, QuietHours
from homecare.domain.power_of_attorney import ServiceArea
from homecare.domain.time_zone import OSLO
from homecare.models import HomeVisit, NotificationPreference, OutboxItem, OutboxStatus, TermsConsent
from homecare.notify.development import DevelopmentSender
from homecare.notify.dispatcher import Dispatcher
from homecare.notify.runner import run_forever
from homecare.notify.senders import Delivery, HttpSmsSender, Outcome, SendGridSender
from homecare.services.demo_cast import INGRID, KARI, NORA, PER
from homecare.services.events import ContactDetailsChanged, publish
from homecare.services.messages import post_service_message
from homecare.services.notifications import tell_about
from homecare.services.power_of_attorney import GrantRequest, end_grant, grant
from homecare.services.visits import complete_visit_by_service
from homecare.settings import get_settings
from tests.cast import person
from tests.integration.stub_servers import STALL, SendGridStub, SmsGatewayStub, unused_port_url

# Friday 4 December 2026, 13:00 in Oslo: outside the quiet hours.
NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def outbox(db: Session) -> list[OutboxItem]:
    return list(db.exec(select(OutboxItem).order_by(col(OutboxItem.id))).all())


def karis_next_visit(db: Session) -> HomeVisit:
    return db.exec(
        select(HomeVisit)
        .where(HomeVisit.subject_id == person(db, KARI).id, HomeVisit.starts_at > NOON)
        .order_by(col(HomeVisit.starts_at))
    ).first()  # type: ignore[return-value]


def test_a_completed_visit_of_karis_reaches_ingrid_by_sms_and_email_and_nobody_else(
    cast_engine: Engine,
) -> None:
    with Session(cast_engine) as db:
        visit = karis_next_visit(db)
        complete_visit_by_service(db, visit.id or 0, completed_at=NOON, staff_name="Line Hansen", now=NOON)
        db.commit()
        rows = outbox(db)
        ingrid = person(db, INGRID)
        assert {(row.recipient_person_id, row.channel, row.address) for row in rows} == {
            (ingrid.id, Channel.SMS, "+4791234567"),
            (ingrid.id, Channel.EMAIL, "ingrid.berg@example.no"),
        }
        (sms,) = [row for row in rows if row.channel is Channel.SMS]
        assert sms.body.startswith("Hjemmetjenesten har vært på besøk hos Kari Nordmann.")
        assert "Line Hansen" not in sms.body and "medisin" not in sms.body.lower()
        assert sms.kind == NoticeKind.VISIT_COMPLETED
        assert sms.due_at == NOON + timedelta(seconds=get_settings().sms_bundle_seconds)


def test_no_completed_visit_notice_when_kari_has_not_accepted_the_terms(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        db.execute(delete(TermsConsent).where(col(TermsConsent.person_id) == person(db, KARI).id))
        complete_visit_by_service(
            db, karis_next_visit(db).id or 0, completed_at=NOON, staff_name=None, now=NOON
        )
        assert outbox(db) == []


def test_ingrid_at_standard_level_hears_of_messages_but_not_of_completed_visits(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid = person(db, INGRID)
        preference = db.exec(
            select(NotificationPreference).where(NotificationPreference.person_id == ingrid.id)
        ).one()
        preference.level = NotificationLevel.STANDARD
        db.add(preference)
        complete_visit_by_service(
            db, karis_next_visit(db).id or 0, completed_at=NOON, staff_name=None, now=NOON
        )
        assert outbox(db) == []
        post_service_message(
            db, subject_id=person(db, KARI).id or 0, staff_name="Line", text="Hei", topic="Hei", now=NOON
        )
        assert {row.kind for row in outbox(db)} == {NoticeKind.NEW_MESSAGE}


def test_the_same_event_told_twice_is_in_the_outbox_once(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        first = tell_about(db, NoticeKind.NEW_MESSAGE, kari.id or 0, "message:42", NOON)
        again = tell_about(db, NoticeKind.NEW_MESSAGE, kari.id or 0, "message:42", NOON)
        assert [row.id for row in first] == [row.id for row in again]
        assert len(outbox(db)) == 2


def test_a_new_power_of_attorney_and_its_end_are_told_to_the_grantee(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        per, nora = person(db, PER), person(db, NORA)
        db.add(TermsConsent(person_id=nora.id or 0, terms_version=get_settings().terms_version))
        request = GrantRequest(NORA.national_id, "Lind", frozenset({ServiceArea.DIGITAL_HEALTHCARE}), None)
        assert grant(db, per, request, NOON, get_settings().terms_version) == []
        rows = outbox(db)
        assert {(row.kind, row.address) for row in rows} == {
            (NoticeKind.POA_GRANTED, "+4793456789"),
            (NoticeKind.POA_GRANTED, "nora.lind@example.no"),
        }
        assert rows[0].body.startswith("Per Nordmann har gitt deg fullmakt")
        new_grant = db.exec(
            select(OutboxItem.dedupe_key).where(OutboxItem.kind == NoticeKind.POA_GRANTED)
        ).first()
        grant_id = int(str(new_grant).split(":")[1])
        assert end_grant(db, person_id=per.id or 0, grant_id=grant_id, now=NOON)
        assert {row.kind for row in outbox(db)} == {NoticeKind.POA_GRANTED, NoticeKind.POA_ENDED}


def test_changed_contact_details_are_told_to_the_old_address_too(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid = person(db, INGRID)
        old_mobile, old_email = ingrid.mobile, ingrid.email
        ingrid.mobile, ingrid.email = "+4790011223", "ingrid@example.org"
        db.add(ingrid)
        publish(db, ContactDetailsChanged(ingrid.id or 0, old_mobile, old_email, NOON))
        assert {row.address for row in outbox(db)} == {
            "+4790011223", "ingrid@example.org", "+4791234567", "ingrid.berg@example.no",
        }  # fmt: skip


def test_a_changed_mobile_alone_tells_the_unchanged_email_once(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid = person(db, INGRID)
        old_mobile = ingrid.mobile
        ingrid.mobile = "+4790011223"
        db.add(ingrid)
        publish(db, ContactDetailsChanged(ingrid.id or 0, old_mobile, ingrid.email, NOON))
        assert sorted(row.address for row in outbox(db)) == sorted(
            ["+4790011223", "+4791234567", "ingrid.berg@example.no"]
        )


def test_an_sms_owed_at_night_waits_for_the_morning_and_the_email_goes_at_once(cast_engine: Engine) -> None:
    night = datetime(2026, 12, 4, 22, 30, tzinfo=OSLO).astimezone(UTC)
    with Session(cast_engine) as db:
        complete_visit_by_service(
            db, karis_next_visit(db).id or 0, completed_at=night, staff_name=None, now=night
        )
        due = {row.channel: row.due_at for row in outbox(db)}
        assert due[Channel.EMAIL] == night
        assert due[Channel.SMS] == datetime(2026, 12, 5, 8, 0, tzinfo=OSLO)


# The dispatcher, with the providers on loopback.


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def owed(cast_engine: Engine) -> Engine:
    """Ingrid is owed one SMS and one e-mail about Kari's completed visit, due now."""
    with Session(cast_engine) as db:
        complete_visit_by_service(
            db, karis_next_visit(db).id or 0, completed_at=NOON, staff_name=None, now=NOON
        )
        db.commit()
    return cast_engine


@pytest.fixture
def providers() -> Iterator[tuple[SendGridStub, SmsGatewayStub]]:
    with SendGridStub("sendgrid-key") as mail, SmsGatewayStub("sms-token") as sms:
        yield mail, sms


def dispatcher(engine: Engine, mail_url: str, sms_url: str, clock: Clock, batch: int = 50) -> Dispatcher:
    senders = {
        Channel.EMAIL: SendGridSender(
            "sendgrid-key", "varsel@example.no", "Hjemmetjenester", mail_url, timeout=0.5
        ),
        Channel.SMS: HttpSmsSender(sms_url, "sms-token", "Hjemmetj", timeout=0.5),
    }
    return Dispatcher(senders=senders, settings=get_settings(), engine=engine, clock=clock, batch=batch)


def statuses(engine: Engine) -> dict[Channel, OutboxStatus]:
    with Session(engine) as db:
        return {row.channel: row.status for row in outbox(db)}


LATER = NOON + timedelta(minutes=5)


def test_both_notices_are_delivered_once(
    owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    clock = Clock(LATER)
    assert dispatcher(owed, mail.url, sms.url, clock).run_once() == 2
    assert statuses(owed) == {Channel.SMS: OutboxStatus.SENT, Channel.EMAIL: OutboxStatus.SENT}
    assert [request.json["to"] for request in sms.accepted()] == ["+4791234567"]
    assert len(mail.accepted()) == 1
    with Session(owed) as db:
        assert all(row.provider_message_id for row in outbox(db))
    assert dispatcher(owed, mail.url, sms.url, clock).run_once() == 0


def test_busy_and_broken_providers_are_tried_again_until_one_delivery(
    owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    mail.answer_with(429, 500)
    sms.answer_with(500, 429)
    clock = Clock(LATER)
    worker = dispatcher(owed, mail.url, sms.url, clock)
    for _attempt in range(3):
        worker.run_once()
        clock.now += timedelta(hours=1)
    assert statuses(owed) == {Channel.SMS: OutboxStatus.SENT, Channel.EMAIL: OutboxStatus.SENT}
    assert len(mail.accepted()) == 1 and len(sms.accepted()) == 1
    with Session(owed) as db:
        assert {row.attempts for row in outbox(db)} == {3}


def test_a_retry_waits_longer_each_time(owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub]) -> None:
    mail, sms = providers
    mail.answer_with(500, 500)
    clock = Clock(LATER)
    worker = dispatcher(owed, mail.url, sms.url, clock)
    worker.run_once()
    with Session(owed) as db:
        (email,) = [row for row in outbox(db) if row.channel is Channel.EMAIL]
        first_wait = email.due_at - LATER
        assert email.status is OutboxStatus.PENDING and "500" in (email.last_error or "")
    clock.now = email.due_at
    worker.run_once()
    with Session(owed) as db:
        (email,) = [row for row in outbox(db) if row.channel is Channel.EMAIL]
        assert email.due_at - clock.now > first_wait


@pytest.mark.parametrize("failure", ["timeout", "refused"])
def test_a_provider_that_is_slow_or_away_gets_another_try(
    owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub], failure: str
) -> None:
    mail, sms = providers
    if failure == "timeout":
        mail.answer_with(STALL)
        sms.answer_with(STALL)
        mail_url, sms_url = mail.url, sms.url
    else:
        mail_url, sms_url = unused_port_url(), unused_port_url()
    worker = dispatcher(owed, mail_url, sms_url, Clock(LATER))
    worker.run_once()
    assert statuses(owed) == {Channel.SMS: OutboxStatus.PENDING, Channel.EMAIL: OutboxStatus.PENDING}


def test_an_address_the_provider_refuses_for_good_fails_at_once_and_stays_visible(
    owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    mail.answer_with(400)
    dispatcher(owed, mail.url, sms.url, Clock(LATER)).run_once()
    with Session(owed) as db:
        (email,) = [row for row in outbox(db) if row.channel is Channel.EMAIL]
        assert email.status is OutboxStatus.FAILED and email.attempts == 1 and email.last_error


def test_after_the_last_attempt_a_notice_is_failed_not_dropped(
    owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    sms.answer_with(*[503] * 3)
    clock = Clock(LATER)
    worker = dispatcher(owed, mail.url, sms.url, clock)
    worker.settings = dataclasses.replace(
        worker.settings, retry_policy=dataclasses.replace(worker.settings.retry_policy, max_attempts=3)
    )
    for _attempt in range(5):
        worker.run_once()
        clock.now += timedelta(hours=2)
    with Session(owed) as db:
        (text,) = [row for row in outbox(db) if row.channel is Channel.SMS]
        assert (text.status, text.attempts) == (OutboxStatus.FAILED, 3)
    assert sms.accepted() == []


def test_a_dispatcher_that_dies_after_claiming_leaves_the_notice_to_another(
    owed: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    clock = Clock(LATER)
    dying = dispatcher(owed, mail.url, sms.url, clock)
    claimed, _token = dying.claim()  # ... and then the process is killed
    assert len(claimed) == 2
    survivor = dispatcher(owed, mail.url, sms.url, clock)
    assert survivor.run_once() == 0, "the claim holds while its lease runs"
    clock.now += dying.lease + timedelta(seconds=1)
    assert survivor.run_once() == 2
    assert len(mail.accepted()) == 1 and len(sms.accepted()) == 1
    assert statuses(owed) == {Channel.SMS: OutboxStatus.SENT, Channel.EMAIL: OutboxStatus.SENT}


def test_two_dispatchers_at_once_send_each_notice_once(
    cast_engine: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        for number in range(20):
            db.add(
                OutboxItem(
                    recipient_person_id=kari.id, about_person_id=kari.id, channel=Channel.EMAIL,
                    address=f"person{number}@example.no", kind="new_message", body="Hei", due_at=NOON,
                    dedupe_key=f"test:{number}",
                )
            )  # fmt: skip
        db.commit()
    clock = Clock(LATER)
    workers = [dispatcher(cast_engine, mail.url, sms.url, clock, batch=5) for _ in range(2)]
    start = threading.Barrier(2)

    def work(worker: Dispatcher) -> None:
        start.wait()
        while worker.run_once():
            pass

    threads = [threading.Thread(target=work, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    addresses = [request.json["personalizations"][0]["to"][0]["email"] for request in mail.accepted()]
    assert sorted(addresses) == sorted(f"person{number}@example.no" for number in range(20))
    assert statuses(cast_engine) == {Channel.EMAIL: OutboxStatus.SENT}


def test_several_notices_to_one_phone_within_minutes_go_as_one_sms(
    cast_engine: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        for minute in range(3):
            post_service_message(
                db, subject_id=kari.id or 0, staff_name="Line", text=f"Melding {minute}",
                topic=f"Emne {minute}", now=NOON + timedelta(minutes=minute),
            )  # fmt: skip
        db.commit()
    clock = Clock(NOON + timedelta(minutes=2, seconds=1))  # the first SMS is due; the others would follow
    dispatcher(cast_engine, mail.url, sms.url, clock).run_once()
    (text,) = sms.accepted()
    assert text.json["text"].startswith("3 nye oppdateringer om Kari Nordmann")
    assert len(mail.accepted()) == 3, "each e-mail goes on its own, at once"
    with Session(cast_engine) as db:
        sent = [row for row in outbox(db) if row.channel is Channel.SMS]
        assert {row.status for row in sent} == {OutboxStatus.SENT}
        assert {row.bundled_into_id for row in sent[1:]} == {sent[0].id}


def test_the_development_outbox_keeps_everything_and_sends_nothing(owed: Engine) -> None:
    senders = {channel: DevelopmentSender(channel) for channel in Channel}
    worker = Dispatcher(senders=senders, settings=get_settings(), engine=owed, clock=Clock(LATER))
    assert worker.run_once() == 2
    with Session(owed) as db:
        assert all((row.provider_message_id or "").startswith("dev-") for row in outbox(db))


def test_the_dispatcher_process_works_through_the_outbox_until_told_to_stop(
    owed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(homecare.db, "get_engine", lambda: owed)
    # The process runs on the real clock: no quiet hours, or the test would depend on the time of day.
    settings = dataclasses.replace(
        get_settings(),
        dispatch_interval_seconds=0.05,
        sms_bundle_seconds=0,
        quiet_hours=QuietHours(time(0), time(0)),
    )
    stop = threading.Event()
    process = threading.Thread(target=run_forever, args=(stop, settings))
    process.start()
    try:
        for _wait in range(200):
            if set(statuses(owed).values()) == {OutboxStatus.SENT}:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        process.join(timeout=10)
    assert not process.is_alive()
    assert statuses(owed) == {Channel.SMS: OutboxStatus.SENT, Channel.EMAIL: OutboxStatus.SENT}


class SlowSender:
    """A provider that takes longer than a dispatcher's lease (the clock moves on while it works)."""

    def __init__(self, clock: Clock, lease: timedelta) -> None:
        self.channel, self.clock, self.lease, self.sent = Channel.EMAIL, clock, lease, []

    def send(self, *, to: str, subject: str, body: str) -> Delivery:
        self.sent.append(to)
        self.clock.now += self.lease + timedelta(seconds=1)
        return Delivery(Outcome.SENT, provider_message_id=f"slow-{len(self.sent)}")


def test_a_dispatcher_slower_than_its_lease_does_not_send_what_another_took_over(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        for number in range(3):
            db.add(
                OutboxItem(
                    recipient_person_id=kari.id, about_person_id=kari.id, channel=Channel.EMAIL,
                    address=f"slow{number}@example.no", kind="new_message", body="Hei", due_at=NOON,
                    dedupe_key=f"slow:{number}",
                )
            )  # fmt: skip
        db.commit()
    clock = Clock(LATER)
    slow = Dispatcher(senders={}, settings=get_settings(), engine=cast_engine, clock=clock)
    slow.senders = {Channel.EMAIL: SlowSender(clock, slow.lease), Channel.SMS: DevelopmentSender(Channel.SMS)}
    claimed, token = slow.claim()
    groups = [[item] for item in claimed]
    slow._deliver(groups[0], token)  # the first takes longer than the lease ...
    quick = Dispatcher(
        senders={channel: DevelopmentSender(channel) for channel in Channel},
        settings=get_settings(), engine=cast_engine, clock=clock,
    )  # fmt: skip
    assert quick.run_once() == 2  # ... so the others are free again, and another dispatcher sends them
    for group in groups[1:]:
        slow._deliver(group, token)  # the slow one must not send them a second time
    assert slow.senders[Channel.EMAIL].sent == ["slow0@example.no"]  # type: ignore[attr-defined]
    assert statuses(cast_engine) == {Channel.EMAIL: OutboxStatus.SENT}


def test_no_sms_goes_in_the_quiet_hours_even_from_a_backlog(owed: Engine) -> None:
    night = datetime(2026, 12, 4, 23, 0, tzinfo=OSLO).astimezone(UTC)
    worker = Dispatcher(
        senders={channel: DevelopmentSender(channel) for channel in Channel},
        settings=get_settings(), engine=owed, clock=Clock(night),
    )  # fmt: skip
    assert worker.run_once() == 1
    assert statuses(owed) == {Channel.SMS: OutboxStatus.PENDING, Channel.EMAIL: OutboxStatus.SENT}
    worker.clock = Clock(datetime(2026, 12, 5, 8, 0, tzinfo=OSLO).astimezone(UTC))
    assert worker.run_once() == 1
    assert statuses(owed) == {Channel.SMS: OutboxStatus.SENT, Channel.EMAIL: OutboxStatus.SENT}


def test_a_mandatory_sms_keeps_its_own_words_among_others(
    cast_engine: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    with Session(cast_engine) as db:
        ingrid = person(db, INGRID)
        post_service_message(
            db, subject_id=person(db, KARI).id or 0, staff_name="Line", text="Hei", topic="Hei", now=NOON
        )
        old_email = ingrid.email
        ingrid.email = "ingrid@example.org"
        db.add(ingrid)
        publish(db, ContactDetailsChanged(ingrid.id or 0, ingrid.mobile, old_email, NOON))
        db.commit()
    dispatcher(cast_engine, mail.url, sms.url, Clock(LATER)).run_once()
    texts = sorted(request.json["text"] for request in sms.accepted())
    assert len(texts) == 2
    assert any(text.startswith("Kontaktinformasjonen din") for text in texts)
    assert not any(text.startswith("2 nye oppdateringer") for text in texts)


def test_after_an_hour_without_providers_everything_goes_once_and_in_order_per_address(
    cast_engine: Engine, providers: tuple[SendGridStub, SmsGatewayStub]
) -> None:
    mail, sms = providers
    addresses = ("ingrid.berg@example.no", "kari@example.no")
    with Session(cast_engine) as db:
        for number in range(1, 6):
            for address in addresses:
                db.add(
                    OutboxItem(
                        channel=Channel.EMAIL, address=address, kind="new_message", title=f"Varsel {number}",
                        body=f"Varsel {number}", dedupe_key=f"outage-{address}-{number}", created_at=NOON,
                        due_at=NOON + timedelta(seconds=number),
                    )
                )  # fmt: skip
        db.commit()
    clock = Clock(NOON + timedelta(minutes=1))
    # The providers are away for an hour: every attempt meets a closed port.
    away = dispatcher(cast_engine, unused_port_url(), unused_port_url(), clock)
    while clock.now < NOON + timedelta(hours=1):
        away.run_once()
        clock.now += timedelta(seconds=30)
    # The same dispatcher, now reaching the providers, and life goes on: a new notice to someone else. Its
    # success shows the provider is back and brings the retries forward, so everything goes within minutes,
    # not after the backoff (which would be about as long as the outage was).
    away.senders = dispatcher(cast_engine, mail.url, sms.url, clock).senders
    recovered = clock.now
    with Session(cast_engine) as db:
        db.add(
            OutboxItem(
                channel=Channel.EMAIL, address="per@example.no", kind="new_message", title="Ny", body="Ny",
                dedupe_key="after-the-outage", created_at=recovered, due_at=recovered,
            )
        )  # fmt: skip
        db.commit()
    while clock.now < recovered + timedelta(minutes=3):
        away.run_once()
        clock.now += timedelta(seconds=30)
    with Session(cast_engine) as db:
        assert {row.status for row in outbox(db)} == {OutboxStatus.SENT}
    for address in addresses:
        told = [
            request.json["subject"]
            for request in mail.accepted()
            if request.json["personalizations"][0]["to"][0]["email"] == address
        ]
        assert told == [f"Varsel {number}" for number in range(1, 6)], address
