"""State of the page a failed login ends on: what happened, and a way to try again."""

from __future__ import annotations

import reflex as rx

from homecare.domain.login import LoginProblem
from homecare.state.i18n import I18nState


class LoginFailedState(I18nState):
    """The reason comes from the address; an unknown one gets the general explanation."""

    problem: str = LoginProblem.INVALID_TOKEN.value

    @rx.event
    def load(self):
        reason = self.router.url.query_parameters.get("reason", "")
        known = {problem.value for problem in LoginProblem}
        self.problem = reason if reason in known else LoginProblem.INVALID_TOKEN.value

    @rx.var
    def unknown_person(self) -> bool:
        return self.problem == LoginProblem.UNKNOWN_PERSON.value

    @rx.var
    def heading(self) -> str:
        return self._tr("login_failed.unknown_person_title" if self.unknown_person else "login_failed.title")

    @rx.var
    def explanation(self) -> str:
        return self._tr(f"login_failed.{self.problem}")
