"""State of "Choose whom you want to view information for": oneself, and those who granted a POA."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from homecare import routes
from homecare.domain.national_id import masked
from homecare.models import Person
from homecare.models.columns import utc_now
from homecare.services.access import Access, switch_subject
from homecare.services.power_of_attorney import representable
from homecare.state.session import SessionState


@dataclass
class PersonChoice:
    """A person one may act for; the national identity number only masked, the key random."""

    key: str
    name: str
    born: str
    is_actor: bool
    is_current: bool


class RepresentationState(SessionState):
    """The browser names a person only by a random key; the server keeps whom each key means."""

    choices: list[PersonChoice] = []  # noqa: RUF012 - Reflex copies state defaults
    problem: str = ""
    _targets: dict[str, int] = {}  # noqa: RUF012 - Reflex copies state defaults

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(None, self._refresh)

    def _refresh(self, db: Session, access: Access) -> None:
        people = [access.actor, *representable(db, access.actor_id, utc_now())]
        self._targets = {secrets.token_urlsafe(12): person.id or 0 for person in people}
        self.choices = [
            self._choice(key, person, access) for key, person in zip(self._targets, people, strict=True)
        ]

    @staticmethod
    def _choice(key: str, person: Person, access: Access) -> PersonChoice:
        return PersonChoice(
            key=key,
            name=person.full_name,
            born=masked(person.national_id),
            is_actor=person.id == access.actor_id,
            is_current=person.id == access.subject_id,
        )

    @rx.event
    def choose(self, key: str):
        target = self._targets.get(key) if isinstance(key, str) else None

        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            if target is None or not switch_subject(db, access, target, utc_now()):
                self._refresh(db, access)
                self.problem = self._tr("representation.not_allowed")
                return None
            self._switched_to(target)
            return rx.redirect(routes.MY_PAGE)

        return self._with_access(None, work)
