"""The senders against loopback stand-ins for SendGrid and the SMS gateway: what they send, and how they
read every kind of answer, or none."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from homecare.domain.notifications import Channel
from homecare.notify.senders import ERROR_LIMIT, Delivery, HttpSmsSender, Outcome, Sender, SendGridSender
from tests.integration.stub_servers import STALL, Reply, SendGridStub, SmsGatewayStub, unused_port_url

API_KEY = "SG.test-key.not-real"
GATEWAY_TOKEN = "gateway-token-123"
FROM_ADDRESS = "varsel@hjemmetjenesten.example.no"
FROM_NAME = "Hjemmetjenesten"
SENDER_ID = "Kommunen"
ADDRESS = "kari.nordmann@example.no"
MOBILE = "+4791234567"
SUBJECT = "Ny melding fra hjemmetjenesten"
TEXT = "Du har en ny melding fra hjemmetjenesten. Logg inn for å lese den."
TIMEOUT = 0.5


@pytest.fixture
def sendgrid() -> Iterator[SendGridStub]:
    with SendGridStub(API_KEY) as stub:
        yield stub


@pytest.fixture
def gateway() -> Iterator[SmsGatewayStub]:
    with SmsGatewayStub(GATEWAY_TOKEN) as stub:
        yield stub


def email_sender(host: str) -> SendGridSender:
    return SendGridSender(API_KEY, FROM_ADDRESS, FROM_NAME, host=host, timeout=TIMEOUT)


@pytest.fixture
def sms_sender() -> Iterator[Callable[[str], HttpSmsSender]]:
    """Makes SMS senders for a gateway URL, and closes them after the test."""
    opened: list[HttpSmsSender] = []

    def make(base_url: str) -> HttpSmsSender:
        sender = HttpSmsSender(base_url, GATEWAY_TOKEN, SENDER_ID, timeout=TIMEOUT)
        opened.append(sender)
        return sender

    yield make
    for sender in opened:
        sender.close()


def send_email(sender: Sender) -> Delivery:
    return sender.send(to=ADDRESS, subject=SUBJECT, body=TEXT)


def send_sms(sender: Sender) -> Delivery:
    return sender.send(to=MOBILE, subject=SUBJECT, body=TEXT)


def assert_discreet(delivery: Delivery) -> None:
    """The error says something, briefly, and nothing of the notice or whom it was for."""
    assert delivery.error
    assert len(delivery.error) <= ERROR_LIMIT
    for secret in (TEXT, ADDRESS, MOBILE, MOBILE.removeprefix("+"), API_KEY, GATEWAY_TOKEN):
        assert secret not in delivery.error


# E-mail through SendGrid


def test_an_email_the_provider_takes_is_sent_with_its_message_id(sendgrid: SendGridStub) -> None:
    sender = email_sender(sendgrid.url)

    delivery = send_email(sender)

    assert sender.channel is Channel.EMAIL
    assert delivery == Delivery(Outcome.SENT, provider_message_id="sendgridstub-1")
    (request,) = sendgrid.requests
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.json == {
        "from": {"email": FROM_ADDRESS, "name": FROM_NAME},
        "subject": SUBJECT,
        "personalizations": [{"to": [{"email": ADDRESS}]}],
        "content": [{"type": "text/plain", "value": TEXT}],
    }


@pytest.mark.parametrize("status", [429, 500, 503])
def test_an_email_the_provider_cannot_take_now_is_tried_again(sendgrid: SendGridStub, status: int) -> None:
    sendgrid.answer_with(status)

    delivery = send_email(email_sender(sendgrid.url))

    assert delivery.outcome is Outcome.RETRY
    assert delivery.provider_message_id is None
    assert f"HTTP {status}" in (delivery.error or "")


def test_an_email_tried_through_busy_and_failing_answers_is_delivered_once(sendgrid: SendGridStub) -> None:
    sendgrid.answer_with(429, 500, 202)
    sender = email_sender(sendgrid.url)

    outcomes = [send_email(sender).outcome for _ in range(3)]

    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.SENT]
    assert [request.status for request in sendgrid.requests] == [429, 500, 202]
    assert len(sendgrid.accepted()) == 1


def test_an_email_the_provider_is_too_slow_to_answer_is_tried_again(sendgrid: SendGridStub) -> None:
    sendgrid.answer_with(STALL)
    started = time.monotonic()

    delivery = send_email(email_sender(sendgrid.url))

    assert delivery.outcome is Outcome.RETRY
    assert time.monotonic() - started < STALL.delay
    assert_discreet(delivery)


def test_an_email_to_a_provider_that_cannot_be_reached_is_tried_again() -> None:
    delivery = send_email(email_sender(unused_port_url()))

    assert delivery.outcome is Outcome.RETRY
    assert_discreet(delivery)


def test_an_email_the_provider_refuses_for_good_is_failed_at_once(sendgrid: SendGridStub) -> None:
    sendgrid.answer_with(400)

    delivery = send_email(email_sender(sendgrid.url))

    assert delivery.outcome is Outcome.FAILED
    assert delivery.error == "SendGrid answered HTTP 400 (fields: personalizations.0.to.0.email)"
    assert len(sendgrid.requests) == 1


def test_an_email_sent_with_a_key_the_provider_does_not_know_is_failed(sendgrid: SendGridStub) -> None:
    sender = SendGridSender("SG.wrong.key", FROM_ADDRESS, FROM_NAME, host=sendgrid.url, timeout=TIMEOUT)

    delivery = send_email(sender)

    assert delivery.outcome is Outcome.FAILED
    assert "HTTP 401" in (delivery.error or "")


def test_an_email_whose_text_looks_like_an_api_key_is_failed_without_being_sent(
    sendgrid: SendGridStub,
) -> None:
    delivery = email_sender(sendgrid.url).send(to=ADDRESS, subject=SUBJECT, body="SG.abc123.def456 leaked")

    assert delivery.outcome is Outcome.FAILED
    assert sendgrid.requests == []
    assert "SG.abc123.def456" not in (delivery.error or "")


@pytest.mark.parametrize("reply", [400, 401, 413, 429, 500, Reply(400, body=b"not json")])
def test_why_an_email_did_not_go_never_tells_the_text_or_the_address(
    sendgrid: SendGridStub, reply: int | Reply
) -> None:
    # The stub quotes the whole request back in its errors.
    sendgrid.answer_with(reply)

    delivery = send_email(email_sender(sendgrid.url))

    assert delivery.outcome is not Outcome.SENT
    assert_discreet(delivery)


# SMS through the gateway


def test_an_sms_the_gateway_takes_is_sent_with_its_message_id(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender]
) -> None:
    sender = sms_sender(gateway.url)

    delivery = send_sms(sender)

    assert sender.channel is Channel.SMS
    assert delivery == Delivery(Outcome.SENT, provider_message_id="smsgatewaystub-1")
    (request,) = gateway.requests
    assert (request.method, request.path) == ("POST", "/messages")
    assert request.headers["authorization"] == f"Bearer {GATEWAY_TOKEN}"
    # The subject has no place in an SMS.
    assert request.json == {"to": MOBILE, "from": SENDER_ID, "text": TEXT}


@pytest.mark.parametrize("status", [200, 202])
def test_an_sms_the_gateway_takes_with_another_success_status_is_sent(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender], status: int
) -> None:
    gateway.answer_with(Reply(status, body=b'{"id": "gw-7"}'))

    delivery = send_sms(sms_sender(gateway.url))

    assert delivery == Delivery(Outcome.SENT, provider_message_id="gw-7")


def test_an_sms_the_gateway_takes_without_an_id_is_sent_not_sent_again(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender]
) -> None:
    gateway.answer_with(Reply(201, body=b"OK"))

    delivery = send_sms(sms_sender(gateway.url))

    assert delivery.outcome is Outcome.SENT
    assert delivery.provider_message_id is None
    assert_discreet(delivery)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_an_sms_the_gateway_cannot_take_now_is_tried_again(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender], status: int
) -> None:
    gateway.answer_with(status)

    delivery = send_sms(sms_sender(gateway.url))

    assert delivery.outcome is Outcome.RETRY
    assert delivery.provider_message_id is None
    assert f"HTTP {status}" in (delivery.error or "")


def test_an_sms_tried_through_busy_and_failing_answers_is_delivered_once(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender]
) -> None:
    gateway.answer_with(429, 500, 201)
    sender = sms_sender(gateway.url)

    outcomes = [send_sms(sender).outcome for _ in range(3)]

    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.SENT]
    assert [request.status for request in gateway.requests] == [429, 500, 201]
    assert len(gateway.accepted()) == 1


def test_an_sms_the_gateway_is_too_slow_to_answer_is_tried_again(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender]
) -> None:
    gateway.answer_with(STALL)
    started = time.monotonic()

    delivery = send_sms(sms_sender(gateway.url))

    assert delivery.outcome is Outcome.RETRY
    assert time.monotonic() - started < STALL.delay
    assert_discreet(delivery)


def test_an_sms_to_a_gateway_that_cannot_be_reached_is_tried_again(
    sms_sender: Callable[[str], HttpSmsSender],
) -> None:
    delivery = send_sms(sms_sender(unused_port_url()))

    assert delivery.outcome is Outcome.RETRY
    assert_discreet(delivery)


def test_an_sms_the_gateway_refuses_for_good_is_failed_at_once(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender]
) -> None:
    gateway.answer_with(Reply(400, body=b'{"error": "invalid_number"}'))

    delivery = send_sms(sms_sender(gateway.url))

    assert delivery == Delivery(Outcome.FAILED, error="SMS gateway answered HTTP 400 (invalid_number)")
    assert len(gateway.requests) == 1


# The last: a gateway whose error code is the number itself.
@pytest.mark.parametrize(
    "reply", [400, 401, 429, 500, Reply(400, body=f'{{"error": "{MOBILE[1:]}"}}'.encode())]
)
def test_why_an_sms_did_not_go_never_tells_the_text_or_the_number(
    gateway: SmsGatewayStub, sms_sender: Callable[[str], HttpSmsSender], reply: int | Reply
) -> None:
    # The stub quotes the whole request back in its errors.
    gateway.answer_with(reply)

    delivery = send_sms(sms_sender(gateway.url))

    assert delivery.outcome is not Outcome.SENT
    assert_discreet(delivery)
