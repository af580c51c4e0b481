"""The development outbox: in the default set-up nothing leaves the machine; each notice is kept to show."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from homecare.domain.notifications import Channel
from homecare.notify.senders import Delivery, Outcome

DEVELOPMENT_PREFIX = "dev-"


@dataclass(frozen=True)
class DevelopmentSender:
    """Marks a notice sent without sending it; the development outbox page lists what it "sent"."""

    channel: Channel

    def send(self, *, to: str, subject: str, body: str) -> Delivery:
        return Delivery(Outcome.SENT, provider_message_id=f"{DEVELOPMENT_PREFIX}{secrets.token_hex(8)}")
