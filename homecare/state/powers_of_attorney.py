"""State of the power of attorney page: grants given and held, granting, changing, ending, history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from homecare.domain.national_id import NationalIdError, masked, parse_national_id
from homecare.domain.power_of_attorney import GrantProblem, ServiceArea
from homecare.domain.working_days import oslo_date
from homecare.i18n.formatting import format_date
from homecare.models import Person
from homecare.models.columns import utc_now
from homecare.rate_limits import abuse_limits
from homecare.services.access import Access
from homecare.services.power_of_attorney import (
    Grant,
    GrantRequest,
    change_grant,
    end_grant,
    grant,
    grants_given,
    grants_held,
)
from homecare.settings import get_settings
from homecare.state.focus import FocusMixin
from homecare.state.session import SessionState

AREAS_FIELD = "areas"
# Which form field each problem belongs to; problems of the whole grant show at the top of the form.
PROBLEM_FIELDS: dict[GrantProblem, str] = {
    GrantProblem.GRANTEE_NOT_FOUND: "national_id",
    GrantProblem.GRANTEE_IS_GRANTOR: "national_id",
    GrantProblem.GRANTEE_TOO_YOUNG: "national_id",
    GrantProblem.ALREADY_GRANTED: "national_id",
    GrantProblem.NO_AREAS: "areas",
    GrantProblem.END_DATE_NOT_IN_FUTURE: "valid_to",
    GrantProblem.GRANTOR_TOO_YOUNG: "form",
    GrantProblem.GRANTOR_HAS_NOT_ACCEPTED_TERMS: "form",
    GrantProblem.NOT_IN_FORCE: "form",
}


# Where the focus goes: the notice of what happened, the question before ending a grant, the buttons of a row.
NOTICE_ID = "poa-notice"
CONFIRM_ID = "poa-confirm"
_FIRST_AREA = next(iter(ServiceArea)).value
GRANT_FIELDS = (
    ("national_id", "grantee-national-id"),
    ("surname", "grantee-surname"),
    ("areas", f"grant-{_FIRST_AREA}"),
    ("valid_to", "grant-valid-to"),
)
CHANGE_FIELDS = (("areas", f"change-{_FIRST_AREA}"), ("valid_to", "change-valid-to"))


def end_button_id(key: str) -> str:
    return f"poa-end-{key}"


def change_button_id(key: str) -> str:
    return f"poa-change-{key}"


@dataclass
class GrantRow:
    """A grant as the page shows it, seen from the reader's side; `key` is random, not a database id."""

    key: str
    other_party: str
    other_party_born: str
    direction: str
    areas: str
    area_values: list[str]
    since: str
    until: str
    valid_to: str
    status: str
    in_force: bool
    end_label: str
    change_label: str


class PowersOfAttorneyState(FocusMixin, SessionState):
    """The grants of the actor themself: a representative never manages the grantor's grants."""

    loaded: bool = False
    acting_for_other: bool = False
    given: list[GrantRow] = []  # noqa: RUF012 - Reflex copies state defaults
    held: list[GrantRow] = []  # noqa: RUF012 - Reflex copies state defaults
    history: list[GrantRow] = []  # noqa: RUF012 - Reflex copies state defaults
    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex copies state defaults
    confirmation: str = ""
    confirming_key: str = ""
    confirming_text: str = ""
    changing_key: str = ""
    form_version: int = 0
    _grants: dict[str, int] = {}  # noqa: RUF012 - Reflex copies state defaults

    _changeable: set[str] = set()  # noqa: RUF012 - Reflex copies state defaults

    @rx.event
    def load(self):
        self.reset()  # nothing of an earlier visit, perhaps for someone else, stays on the page
        return self._with_access(None, self._refresh)

    def _refresh(self, db: Session, access: Access) -> None:
        self.acting_for_other = access.on_behalf
        if access.on_behalf:
            self.given, self.held, self.history, self._grants = [], [], [], {}
            self.loaded = True
            return
        now = utc_now()
        given, held = grants_given(db, access.actor_id, now), grants_held(db, access.actor_id, now)
        self._grants = {}
        self.given = [self._row(item, given_by_actor=True) for item in given if item.in_force]
        self.held = [self._row(item, given_by_actor=False) for item in held if item.in_force]
        # Only grants the actor gave, and that are in force, can be changed.
        self._changeable = {row.key for row in self.given}
        self.history = [
            self._row(item, given_by_actor=item.grantor.id == access.actor_id)
            for item in sorted(given + held, key=lambda item: item.valid_from, reverse=True)
            if not item.in_force
        ]
        self.loaded = True

    def _row(self, item: Grant, *, given_by_actor: bool) -> GrantRow:
        key = secrets.token_urlsafe(12)
        self._grants[key] = item.id
        person: Person = item.grantee if given_by_actor else item.grantor
        until = format_date(item.valid_to, self.lang) if item.valid_to else self._tr("poa.no_end")
        if item.in_force:
            status = self._tr("poa.status_in_force")
        elif item.ended_at is not None:
            status = self._tr("poa.status_ended", date=format_date(oslo_date(item.ended_at), self.lang))
        else:
            status = self._tr("poa.status_expired")
        name = person.full_name
        return GrantRow(
            key=key,
            other_party=name,
            other_party_born=masked(person.national_id),
            direction=self._tr("poa.given_to" if given_by_actor else "poa.given_by", name=name),
            areas=", ".join(self._tr(f"poa.area.{area.value}") for area in sorted(item.areas)),
            area_values=sorted(area.value for area in item.areas),
            since=format_date(oslo_date(item.valid_from), self.lang),
            until=until,
            valid_to=item.valid_to.isoformat() if item.valid_to else "",
            status=status,
            in_force=item.in_force,
            end_label=self._tr("poa.end_label", name=name),
            change_label=self._tr("poa.change_label", name=name),
        )

    @rx.event
    def grant(self, form: FormData):
        """Grant a power of attorney from the form; every problem is told at its field, nothing is written."""
        self.confirmation = ""
        request, errors = self._read_form(form, with_person=True)
        address = self._client_address()

        def work(db: Session, access: Access) -> None:
            if access.on_behalf:
                return self._refresh(db, access)
            wait = 0.0 if errors else abuse_limits().grant(access.actor_id, address)
            if wait:
                # Looking people up by number and surname is what probing needs: it waits, and says so.
                problems = {"national_id": self._too_many(wait)}
            else:
                problems = errors or self._problem_texts(
                    grant(db, access.actor, request, utc_now(), get_settings().terms_version)
                )
            self.errors = problems
            if not problems:
                self.confirmation = self._tr("poa.granted")
                self.form_version += 1  # a fresh, empty form
                self._focus(NOTICE_ID)
            else:
                self._focus_first_problem(problems, GRANT_FIELDS)
            return self._refresh(db, access)

        return self._with_access(None, work)

    def _read_form(self, form: object, *, with_person: bool) -> tuple[GrantRequest, dict[str, str]]:
        if not isinstance(form, FormData):
            form = FormData()
        errors: dict[str, str] = {}
        national_id = str(form.get("national_id", ""))[:20]
        surname = str(form.get("surname", "")).strip()[:100]
        if with_person:
            try:
                parse_national_id(national_id)
            except NationalIdError as error:
                errors["national_id"] = self._tr(f"poa.national_id.{error.reason.value}")
            if not surname:
                errors["surname"] = self._tr("poa.surname_missing")
        chosen = {str(value) for value in form.getlist(AREAS_FIELD)}
        areas = frozenset(area for area in ServiceArea if area.value in chosen)
        if not areas:
            errors["areas"] = self._tr("poa.problem.no_areas")
        valid_to: date | None = None
        typed_date = str(form.get("valid_to", "")).strip()
        if typed_date:
            try:
                valid_to = date.fromisoformat(typed_date)
            except ValueError:
                errors["valid_to"] = self._tr("poa.valid_to_invalid")
        return GrantRequest(national_id, surname, areas, valid_to), errors

    def _problem_texts(self, problems: list[GrantProblem]) -> dict[str, str]:
        texts: dict[str, str] = {}
        for problem in problems:
            texts.setdefault(PROBLEM_FIELDS[problem], self._tr(f"poa.problem.{problem.value}"))
        return texts

    @rx.event
    def ask_end(self, key: str):
        rows = {row.key: row for row in (*self.given, *self.held)}
        row = rows.get(key) if isinstance(key, str) else None
        self.confirming_key = row.key if row else ""
        self.confirming_text = self._tr("poa.confirm_end", name=row.other_party) if row else ""
        if row:
            self._focus(CONFIRM_ID)  # the button is gone: the question takes its place

    @rx.event
    def cancel_end(self):
        if self.confirming_key:
            self._focus(end_button_id(self.confirming_key))
        self.confirming_key, self.confirming_text = "", ""

    @rx.event
    def confirm_end(self):
        grant_id = self._grants.get(self.confirming_key)

        def work(db: Session, access: Access) -> None:
            ended = grant_id is not None and end_grant(
                db, person_id=access.actor_id, grant_id=grant_id, now=utc_now()
            )
            self.confirming_key, self.confirming_text = "", ""
            self.confirmation = self._tr("poa.ended" if ended else "poa.not_found")
            self._focus(NOTICE_ID)
            self._refresh(db, access)

        return self._with_access(None, work)

    @rx.event
    def start_change(self, key: str):
        self.changing_key = key if isinstance(key, str) and key in self._changeable else ""
        self.errors = {}
        if self.changing_key:
            self._focus(CHANGE_FIELDS[0][1])

    @rx.event
    def cancel_change(self):
        if self.changing_key:
            self._focus(change_button_id(self.changing_key))
        self.changing_key = ""
        self.errors = {}

    @rx.event
    def save_change(self, form: FormData):
        """Change areas or end date: the grant is ended and a new one made in its place."""
        grant_id = self._grants.get(self.changing_key) if self.changing_key in self._changeable else None
        request, errors = self._read_form(form, with_person=False)

        def work(db: Session, access: Access) -> None:
            problems = errors if grant_id is not None else {"form": self._tr("poa.not_found")}
            if not problems and grant_id is not None:
                problems = self._problem_texts(
                    change_grant(
                        db, grantor_id=access.actor_id, grant_id=grant_id, areas=request.areas,
                        valid_to=request.valid_to, now=utc_now(),
                    )
                )  # fmt: skip
            self.errors = problems
            if not problems:
                self.changing_key = ""
                self.confirmation = self._tr("poa.changed")
                self._focus(NOTICE_ID)
            else:
                self._focus_first_problem(problems, CHANGE_FIELDS)
            self._refresh(db, access)

        return self._with_access(None, work)

    def _error(self, field: str) -> str:
        return self.errors.get(field, "")

    @rx.var
    def national_id_error(self) -> str:
        return self._error("national_id")

    @rx.var
    def surname_error(self) -> str:
        return self._error("surname")

    @rx.var
    def areas_error(self) -> str:
        return self._error("areas")

    @rx.var
    def valid_to_error(self) -> str:
        return self._error("valid_to")

    @rx.var
    def form_error(self) -> str:
        return self._error("form")
