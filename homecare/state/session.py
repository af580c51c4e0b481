"""Who is logged in, found on the server from the HttpOnly session cookie; checked again on every use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from homecare import routes
from homecare.auth.sessions import SESSION_COOKIE, ActiveSession, cookie_value, resolve_session
from homecare.db import session_scope
from homecare.models import Person
from homecare.models.columns import utc_now
from homecare.services.terms import has_accepted
from homecare.settings import get_settings
from homecare.state.i18n import I18nState


class NotLoggedIn(Exception):
    """The session is gone (never there, logged out, idle or too old)."""


@dataclass(frozen=True)
class Login:
    """The checked session and the person behind it, for one event."""

    session: ActiveSession
    actor: Person
    terms_accepted: bool


class SessionState(I18nState):
    """What the header shows about the login. The browser never gets the session id or a person's id."""

    logged_in: bool = False
    actor_name: str = ""

    @contextmanager
    def _login(self) -> Iterator[tuple[Session, Login]]:
        """The database and the checked login, for an event that touches data; raises NotLoggedIn.

        The session row is read again every time, so a logout or an expiry elsewhere counts at once.
        """
        token = cookie_value(self.router.headers.cookie, SESSION_COOKIE)
        settings = get_settings()
        with session_scope() as db:
            active = resolve_session(db, settings, token, utc_now())
            actor = db.get(Person, active.actor_id) if active else None
            if active is None or actor is None:
                db.commit()  # keep the ending of an idle or expired session
                self._forget()
                raise NotLoggedIn
            yield db, Login(active, actor, has_accepted(db, actor.id or 0, settings.terms_version))

    def _forget(self) -> None:
        self.logged_in = False
        self.actor_name = ""

    @rx.event
    def identify(self):
        """On every page: show who is logged in, if anyone; public pages need no login."""
        try:
            with self._login() as (_, login):
                self.logged_in = True
                self.actor_name = login.actor.full_name
        except NotLoggedIn:
            pass

    @rx.event
    def require_login(self):
        """On pages that need a login: send others to the front page, and to the terms until accepted."""
        path = routes.normalized(self.router.url.path)
        try:
            with self._login() as (_, login):
                self.logged_in = True
                self.actor_name = login.actor.full_name
                terms_accepted = login.terms_accepted
        except NotLoggedIn:
            return rx.redirect(routes.HOME)
        if not terms_accepted and path != routes.TERMS:
            return rx.redirect(routes.TERMS)
        return None
