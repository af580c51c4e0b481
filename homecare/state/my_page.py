"""State of Min side: the actor's start page after logging in."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from homecare import routes
from homecare.auth.sessions import previous_login_at
from homecare.i18n.formatting import format_moment
from homecare.services.people import residence_of
from homecare.state.session import NotLoggedIn, SessionState


class MyPageState(SessionState):
    """What the start page says: since last time, and whether the person's municipality takes part."""

    loaded: bool = False
    takes_part: bool = True
    place_name: str = ""
    _previous_login: datetime | None = None

    @rx.event
    def load(self):
        try:
            with self._login() as (db, login):
                if not login.terms_accepted:
                    return rx.redirect(routes.TERMS)
                self.logged_in = True
                self.actor_name = login.actor.full_name
                residence = residence_of(db, login.actor)
                previous = previous_login_at(db, login.actor.id or 0, login.session.id)
        except NotLoggedIn:
            return rx.redirect(routes.HOME)
        self.takes_part = residence.takes_part
        self.place_name = residence.district_name or residence.municipality_name or ""
        self._previous_login = previous
        self.loaded = True
        return None

    @rx.var
    def greeting(self) -> str:
        return self._tr("my_page.greeting", name=self.actor_name)

    @rx.var
    def since_last_time(self) -> str:
        if self._previous_login is None:
            return self._tr("my_page.first_login")
        return self._tr("my_page.previous_login", moment=format_moment(self._previous_login, self.lang))

    @rx.var
    def not_taking_part_title(self) -> str:
        return self._tr(
            "my_page.not_taking_part_title", place=self.place_name or self._tr("my_page.unknown_place")
        )
