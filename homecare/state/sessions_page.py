"""State of the page that lists the actor's active logins and ends the others."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from homecare import routes
from homecare.auth.sessions import ActiveSession, end_other_session, live_sessions
from homecare.domain.devices import describe_device
from homecare.i18n.formatting import format_moment
from homecare.models.columns import utc_now
from homecare.settings import get_settings
from homecare.state.session import NotLoggedIn, SessionState


@dataclass
class SessionRow:
    """One login as the page shows it; `key` is its place in the list, not a database id."""

    key: str
    device: str
    started: str
    last_active: str
    is_current: bool


class SessionsState(SessionState):
    """The rows are made on the server; the browser names a login only by its place in the list."""

    rows: list[SessionRow] = []  # noqa: RUF012 - Reflex copies state defaults
    notice: str = ""
    _sessions: list[ActiveSession] = []  # noqa: RUF012 - Reflex copies state defaults
    _current_id: int = 0

    @rx.event
    def load(self):
        self.notice = ""
        return self._refresh()

    def _refresh(self):
        try:
            with self._login() as (db, login):
                if not login.terms_accepted:
                    return rx.redirect(routes.TERMS)
                self._current_id = login.session.id
                self._sessions = live_sessions(db, get_settings(), login.actor.id or 0, utc_now())
        except NotLoggedIn:
            return rx.redirect(routes.HOME)
        self.rows = [self._row(index, active) for index, active in enumerate(self._sessions)]
        return None

    def _row(self, index: int, active: ActiveSession) -> SessionRow:
        return SessionRow(
            key=str(index),
            device=describe_device(active.user_agent) or self._tr("sessions.unknown_browser"),
            started=self._tr("sessions.started", moment=format_moment(active.created_at, self.lang)),
            last_active=self._tr(
                "sessions.last_active", moment=format_moment(active.last_seen_at, self.lang)
            ),
            is_current=active.id == self._current_id,
        )

    @rx.event
    def end(self, key: str):
        """End the login at place `key`; the service refuses anything that is not the actor's other login."""
        index = int(key) if key.isdigit() else -1
        target = self._sessions[index] if 0 <= index < len(self._sessions) else None
        try:
            with self._login() as (db, login):
                ended = target is not None and end_other_session(
                    db,
                    actor_id=login.actor.id or 0,
                    session_id=target.id,
                    current_session_id=login.session.id,
                    now=utc_now(),
                )
        except NotLoggedIn:
            return rx.redirect(routes.HOME)
        redirect = self._refresh()
        self.notice = self._tr("sessions.ended" if ended else "sessions.not_found")
        return redirect
