"""State of the page that lists the actor's active logins and ends the others."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from homecare.auth.sessions import ActiveSession, end_other_session, live_sessions
from homecare.domain.devices import describe_device
from homecare.i18n.formatting import format_moment
from homecare.models.columns import utc_now
from homecare.services.access import Access
from homecare.settings import get_settings
from homecare.state.focus import FocusMixin
from homecare.state.session import SessionState


@dataclass
class SessionRow:
    """One login as the page shows it; `key` is a random name for it, not a database id."""

    key: str
    device: str
    started: str
    last_active: str
    is_current: bool
    end_label: str  # "Log out the login from Firefox on Windows": the buttons differ for a screen reader


NOTICE_ID = "sessions-notice"


class SessionsState(FocusMixin, SessionState):
    """The rows are made on the server; the browser names a login only by a random key."""

    rows: list[SessionRow] = []  # noqa: RUF012 - Reflex copies state defaults
    notice: str = ""
    _sessions: dict[str, ActiveSession] = {}  # noqa: RUF012 - Reflex copies state defaults

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(None, self._refresh)

    def _refresh(self, db: Session, access: Access) -> None:
        sessions = live_sessions(db, get_settings(), access.actor_id, utc_now())
        self._sessions = {secrets.token_urlsafe(12): active for active in sessions}
        self.rows = [self._row(key, active, access) for key, active in self._sessions.items()]

    def _row(self, key: str, active: ActiveSession, access: Access) -> SessionRow:
        started = format_moment(active.created_at, self.lang)
        last_active = format_moment(active.last_seen_at, self.lang)
        device = describe_device(active.user_agent) or self._tr("sessions.unknown_browser")
        return SessionRow(
            key=key,
            device=device,
            started=self._tr("sessions.started", moment=started),
            last_active=self._tr("sessions.last_active", moment=last_active),
            is_current=active.id == access.session.id,
            end_label=self._tr("sessions.end_label", browser=device),
        )

    @rx.event
    def end(self, key: str):
        """End the login named `key`; the service refuses anything but the actor's other logins."""
        target = self._sessions.get(key) if isinstance(key, str) else None

        def work(db: Session, access: Access) -> None:
            ended = target is not None and end_other_session(
                db,
                actor_id=access.actor_id,
                session_id=target.id,
                current_session_id=access.session.id,
                now=utc_now(),
            )
            self._refresh(db, access)
            self.notice = self._tr("sessions.ended" if ended else "sessions.not_found")
            self._focus(NOTICE_ID)  # the row and its button are gone

        return self._with_access(None, work)
