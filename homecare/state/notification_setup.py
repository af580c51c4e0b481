"""State of the contact details and notification set-up page."""

from __future__ import annotations

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from homecare.domain.notifications import NotificationLevel
from homecare.models.columns import utc_now
from homecare.services.access import Access
from homecare.services.notification_setup import SetupChoice, SetupProblem, save_setup, setup_view
from homecare.state.focus import FocusMixin
from homecare.state.session import SessionState

# Which field each problem belongs to, so its words stand by that field.
_FIELD_OF = {
    SetupProblem.MOBILE_INVALID: "mobile",
    SetupProblem.MOBILE_NOT_MOBILE: "mobile",
    SetupProblem.SMS_WITHOUT_MOBILE: "mobile",
    SetupProblem.EMAIL_INVALID: "email",
    SetupProblem.EMAIL_WITHOUT_ADDRESS: "email",
    SetupProblem.LEVEL_MISSING: "level",
}
# The fields in the form's order, each with the id of the element that takes the focus when it is wrong.
FIELDS = (
    ("mobile", "setup-mobile"),
    ("email", "setup-email"),
    ("level", f"level-{next(iter(NotificationLevel)).value}"),
)


class NotificationSetupState(FocusMixin, SessionState):
    """Kontaktinformasjon og varseloppsett, for oneself or about the person acted for."""

    mobile: str = ""
    email: str = ""
    level: str = NotificationLevel.STANDARD.value
    by_sms: bool = False
    by_email: bool = False
    same_for_represented: bool = False
    represents_anyone: bool = False
    about_name: str = ""
    loaded: bool = False
    notice: str = ""
    problems: dict[str, str] = {}  # noqa: RUF012 - Reflex copies state defaults
    # A new number after each load or save, so the form shows what is stored (its fields start from it).
    form_version: int = 0

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(None, self._show)

    def _show(self, db: Session, access: Access) -> None:
        view = setup_view(db, access, utc_now())
        self.mobile, self.email, self.level = view.mobile, view.email, view.level.value
        self.by_sms, self.by_email = view.by_sms, view.by_email
        self.same_for_represented, self.represents_anyone = view.same_for_represented, view.represents_anyone
        self.about_name = access.subject.full_name if access.on_behalf else ""
        self.form_version += 1
        self.loaded = True

    @rx.event
    def save(self, form: FormData):
        def work(db: Session, access: Access) -> None:
            if not isinstance(form, FormData):
                return
            channels = {str(value) for value in form.getlist("channels")}
            choice = SetupChoice(
                mobile=str(form.get("mobile", ""))[:40],
                email=str(form.get("email", ""))[:254],
                level=str(form.get("level", "")),
                by_sms="sms" in channels,
                by_email="email" in channels,
                same_for_represented=bool(form.getlist("same_for_represented")),
            )
            saved = save_setup(db, access, choice, utc_now())
            self.problems = {}
            for problem in saved.problems:
                self.problems.setdefault(_FIELD_OF[problem], self._tr(f"setup.problem.{problem.value}"))
            if saved.problems:
                self.notice = ""
                self._focus_first_problem(self.problems, FIELDS)
                return
            self._show(db, access)
            self.notice = self._saved_text(choice)
            if saved.contact_changed:
                self.notice += " " + self._tr("setup.saved_contact")

        return self._with_access(None, work)

    def _saved_text(self, choice: SetupChoice) -> str:
        level = self._tr(f"setup.level.{choice.level}")
        names = [
            self._tr(key)
            for key, on in (("setup.by_sms", choice.by_sms), ("setup.by_email", choice.by_email))
            if on
        ]
        if not names:
            return self._tr("setup.saved_none", level=level)
        channels = (
            names[0] if len(names) == 1 else self._tr("setup.both_channels", first=names[0], second=names[1])
        )
        return self._tr("setup.saved", level=level, channels=channels)

    @rx.var
    def mobile_error(self) -> str:
        return self.problems.get("mobile", "")

    @rx.var
    def email_error(self) -> str:
        return self.problems.get("email", "")

    @rx.var
    def level_error(self) -> str:
        return self.problems.get("level", "")

    @rx.var
    def intro(self) -> str:
        if self.about_name:
            return self._tr("setup.intro_other", name=self.about_name)
        return self._tr("setup.intro_self")
