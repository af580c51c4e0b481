"""The senders that hand one notice to a provider: e-mail through SendGrid, SMS through an HTTP gateway.

A sender never raises. It says how the attempt went: sent, worth another try later, or refused for good; the
dispatcher decides what to do next. What a sender says about a failure may be stored and shown to staff, so it
never carries the text of the notice or the address it was for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import httpx
import sendgrid
from sendgrid.helpers.mail import From, Mail, To
from sendgrid.helpers.mail.exceptions import SendGridException

from homecare.domain.notifications import Channel

logger = logging.getLogger(__name__)

# At DEBUG, SendGrid's HTTP client logs each request whole: the Authorization header with the API key, and
# the payload with the address and the text. Turning up debug logging must never write those anywhere.
logging.getLogger("python_http_client.client").setLevel(logging.INFO)

ERROR_LIMIT = 300
_FIELD_NAME = re.compile(r"[A-Za-z0-9_.\[\]]{1,80}")
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")
# Shorter fragments would blank out ordinary words of the error text, and cannot identify anyone.
_SHORTEST_WITHHELD = 4


class Outcome(StrEnum):
    """How one attempt to send went."""

    SENT = "sent"
    # Nothing was delivered, and trying again later may well succeed (busy, down, slow, unreachable).
    RETRY = "retry"
    # The provider refused the notice and will refuse it again (a bad address, a blocked number).
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    """The result of one attempt: the outcome, the provider's id for a sent notice, and why it did not go.

    `error` is short (at most ERROR_LIMIT characters) and never holds the text or the address.
    """

    outcome: Outcome
    provider_message_id: str | None = None
    error: str | None = None


class Sender(Protocol):
    """Hands a notice to a provider for one channel. Blocking: the dispatcher calls it in a worker thread."""

    channel: Channel

    def send(self, *, to: str, subject: str, body: str) -> Delivery:
        """One attempt to send `body` to `to`; never raises."""
        ...


def outcome_of_status(status: int) -> Outcome:
    """What an HTTP status from a provider means for the notice.

    Too many requests, a request timeout and server errors pass; any other refusal will be repeated.
    """
    if 200 <= status < 300:
        return Outcome.SENT
    if status in (408, 429) or status >= 500:
        return Outcome.RETRY
    return Outcome.FAILED


def error_text(text: str, *, withhold: Iterable[str]) -> str:
    """`text` made fit to store: each of `withhold` blanked out, and cut to ERROR_LIMIT characters."""
    for secret in withhold:
        if len(secret) >= _SHORTEST_WITHHELD:
            text = text.replace(secret, "[withheld]")
    if len(text) > ERROR_LIMIT:
        text = text[: ERROR_LIMIT - 3] + "..."
    return text


def _exception_text(exc: BaseException) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


class SendGridSender:
    """E-mail through SendGrid's v3 mail send API, as plain text from one fixed sender.

    SendGrid's official helper builds and checks the message; it goes out through one HTTP client kept for the
    sender's life, so the connection (and its TLS handshake) is made once and reused for every e-mail, where
    SendGrid's own HTTP client (urllib) opened a new one for each.
    """

    channel: Channel = Channel.EMAIL
    PATH = "/v3/mail/send"

    def __init__(
        self,
        api_key: str,
        from_address: str,
        from_name: str,
        host: str = "https://api.sendgrid.com",
        timeout: float = 10.0,
    ) -> None:
        self._api_key = api_key
        self._from = From(from_address, from_name)
        # The limit for connecting and for each read: an answer that never comes is tried again later.
        self._client = httpx.Client(
            base_url=host,
            headers={
                "Authorization": f"Bearer {api_key}",
                "User-Agent": f"sendgrid/{sendgrid.__version__};python",
                "Accept": "application/json",
            },
            timeout=timeout,
        )

    def close(self) -> None:
        """Close the connections held open to SendGrid."""
        self._client.close()

    def send(self, *, to: str, subject: str, body: str) -> Delivery:
        withhold = (to, body, subject, self._api_key)
        try:
            # To(to) alone would parse `to` as "Name <address>"; the address goes out exactly as given.
            recipient = To()
            recipient.email = to
            mail = Mail(from_email=self._from, to_emails=recipient, subject=subject, plain_text_content=body)
            message = mail.get()
        except SendGridException as exc:
            # The mail helper refuses, before sending, a text that looks like it holds a SendGrid API key.
            return Delivery(
                Outcome.FAILED, error=error_text(f"not sent: {_exception_text(exc)}", withhold=withhold)
            )
        except Exception as exc:
            return _unexpected(exc, withhold)
        try:
            response = self._client.post(self.PATH, json=message)
        except httpx.TransportError as exc:
            # Refused or lost connections, timeouts, garbled answers: nothing says SendGrid took the message.
            return Delivery(Outcome.RETRY, error=error_text(_exception_text(exc), withhold=withhold))
        except Exception as exc:
            return _unexpected(exc, withhold)
        outcome = outcome_of_status(response.status_code)
        if outcome is not Outcome.SENT:
            return Delivery(outcome, error=error_text(self._refusal(response), withhold=withhold))
        message_id = response.headers.get("X-Message-Id")
        return Delivery(Outcome.SENT, provider_message_id=message_id or None)

    @staticmethod
    def _refusal(response: httpx.Response) -> str:
        # SendGrid's messages are free text that may quote the input back; the names of the fields it objects
        # to say enough, and cannot carry an address or a text.
        fields: list[str] = []
        try:
            errors = response.json().get("errors", [])
            fields = [
                error["field"]
                for error in errors
                if isinstance(error, dict)
                and isinstance(error.get("field"), str)
                and _FIELD_NAME.fullmatch(error["field"])
            ]
        except (ValueError, AttributeError, TypeError):
            pass
        text = f"SendGrid answered HTTP {response.status_code}"
        return f"{text} (fields: {', '.join(fields)})" if fields else text


class HttpSmsSender:
    """SMS through an HTTP gateway: the one interface a Norwegian SMS provider is put behind.

    The gateway contract:

    - ``POST {base_url}/messages`` with ``Authorization: Bearer <token>`` and the JSON body
      ``{"to": "+4791234567", "from": "<sender id>", "text": "<the notice>"}``; `to` in E.164 form, `from`
      the alphanumeric sender id the provider has registered for the municipality.
    - 200, 201 or 202 with ``{"id": "<the provider's message id>"}``: the gateway has taken the message.
    - 429 or 5xx: not taken this time; the same request may be sent again later.
    - Any other 4xx: refused for good (a number that cannot take SMS, a blocked recipient). The body may be
      ``{"error": "<code>"}`` with a short snake_case code such as ``invalid_number``, never free text.
    """

    channel: Channel = Channel.SMS

    def __init__(self, base_url: str, token: str, sender_id: str, timeout: float = 10.0) -> None:
        self._token = token
        self._sender_id = sender_id
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        """Close the connections held open to the gateway."""
        self._client.close()

    def send(self, *, to: str, subject: str, body: str) -> Delivery:
        """One attempt to send `body` to the mobile number `to`; `subject` has no place in an SMS."""
        withhold = (to, to.removeprefix("+"), body, self._token)
        try:
            response = self._client.post("/messages", json={"to": to, "from": self._sender_id, "text": body})
        except httpx.TransportError as exc:
            # Timeouts included: the gateway may or may not have taken the message, and a lost SMS is worse
            # than a rare second one.
            return Delivery(Outcome.RETRY, error=error_text(_exception_text(exc), withhold=withhold))
        except Exception as exc:
            return _unexpected(exc, withhold)
        outcome = outcome_of_status(response.status_code)
        if outcome is Outcome.SENT:
            return self._taken(response)
        text = f"SMS gateway answered HTTP {response.status_code}"
        code = _json_field(response, "error")
        if code is not None and _ERROR_CODE.fullmatch(code):
            text = f"{text} ({code})"
        return Delivery(outcome, error=error_text(text, withhold=withhold))

    @staticmethod
    def _taken(response: httpx.Response) -> Delivery:
        message_id = _json_field(response, "id")
        if message_id:
            return Delivery(Outcome.SENT, provider_message_id=message_id)
        # Sending again could give the person the SMS twice; it went, without an id to trace it by.
        return Delivery(Outcome.SENT, error=f"SMS gateway answered HTTP {response.status_code} without an id")


def _json_field(response: httpx.Response, name: str) -> str | None:
    try:
        value = response.json().get(name)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _unexpected(exc: Exception, withhold: Iterable[str]) -> Delivery:
    # Not a provider's answer nor a network failure, so most likely a fault here that repeats on every try.
    logger.error("A sender failed unexpectedly (%s)", type(exc).__name__, exc_info=True)
    return Delivery(Outcome.FAILED, error=error_text(f"unexpected {_exception_text(exc)}", withhold=withhold))
