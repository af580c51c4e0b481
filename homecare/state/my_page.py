"""State of Min side: the start page after logging in, about the person acted for."""

from __future__ import annotations

from datetime import datetime

import reflex as rx
from sqlmodel import Session

from homecare.auth.sessions import previous_login_at
from homecare.i18n.formatting import format_moment
from homecare.services.access import Access
from homecare.services.people import residence_of
from homecare.services.usage_log import UsageAction
from homecare.state.session import SessionState


class MyPageState(SessionState):
    """Since last time, and whether the subject's municipality takes part."""

    loaded: bool = False
    takes_part: bool = True
    place_name: str = ""
    _previous_login: datetime | None = None

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(UsageAction.READ_START_PAGE, self._load)

    def _load(self, db: Session, access: Access) -> None:
        residence = residence_of(db, access.subject)
        self.takes_part = residence.takes_part
        self.place_name = residence.district_name or residence.municipality_name or ""
        self._previous_login = previous_login_at(db, access.session)
        self.loaded = True

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

    @rx.var
    def services_for(self) -> str:
        return self._tr("my_page.services_for", name=self.subject_name)
