"""State of the development outbox page: what the development set-up would have sent by SMS and e-mail."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from homecare.i18n.formatting import format_moment
from homecare.services.access import Access
from homecare.services.notifications import development_outbox
from homecare.settings import DEVELOPMENT, get_settings
from homecare.state.session import SessionState


@dataclass
class OutboxRow:
    channel: str
    address: str
    when: str
    title: str
    body: str
    status: str


def development_outbox_is_open() -> bool:
    """Only where notices cannot reach anyone: in development, with no real provider configured."""
    settings = get_settings()
    return (
        settings.environment == DEVELOPMENT and not settings.sendgrid_api_key and not settings.sms_gateway_url
    )


class DevelopmentOutboxState(SessionState):
    """Shown to a logged-in person, in development only: the demo uses it to show the notices."""

    rows: list[OutboxRow] = []  # noqa: RUF012 - Reflex copies state defaults
    open: bool = False
    loaded: bool = False

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(None, self._show)

    @rx.event
    def refresh(self):
        return self._with_access(None, self._show)

    def _show(self, db: Session, access: Access) -> None:
        self.open = development_outbox_is_open()
        self.loaded = True
        if not self.open:
            return
        self.rows = [
            OutboxRow(
                channel=line.channel.value.upper(),
                address=line.address,
                when=format_moment(line.sent_at or line.created_at, self.lang),
                title=line.title or "",
                body=line.body,
                status=line.status,
            )
            for line in development_outbox(db)
        ]
