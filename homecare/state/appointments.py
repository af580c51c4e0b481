"""Appointments page state: the week's visits by day, past visits, cancelling one, asking for a new time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from homecare.domain.time_zone import OSLO
from homecare.domain.visits import (
    MAX_CANCEL_NOTE_LENGTH,
    MAX_NEW_TIME_NOTE_LENGTH,
    CancelProblem,
    PreferredTime,
    VisitStatus,
    cancel_form_problems,
    new_time_problems,
)
from homecare.domain.working_days import oslo_date
from homecare.i18n.formatting import format_date, format_day, format_time, format_time_window
from homecare.models.columns import utc_now
from homecare.services.access import Access
from homecare.services.usage_log import UsageAction
from homecare.services.visits import (
    CancelOutcome,
    VisitView,
    cancel_visit,
    past_visits,
    request_new_time,
    unit_contact,
    visit_view,
    visits_between,
)
from homecare.state.focus import FocusMixin
from homecare.state.session import SessionState

PAST_PAGE_SIZE = 20
DAYS_IN_VIEW = 7
# How far ahead a person can page, a year of visits.
MAX_WEEKS_AHEAD = 52
UPCOMING, PAST = "upcoming", "past"
_WEEKDAYS = frozenset("0123456")
STEP_REASON, STEP_CONFIRM, STEP_NEW_TIME = "reason", "confirm", "new_time"
_STATUS_COLORS = {
    VisitStatus.PLANNED: "blueberry",
    VisitStatus.COMPLETED: "kiwi",
    VisitStatus.CANCELLED_BY_CITIZEN: "banana",
    VisitStatus.CANCELLED_BY_SERVICE: "cherry",
}


@dataclass
class VisitRow:
    """A visit in the reader's words; the public id is random and says nothing."""

    public_id: str
    day: str
    window: str
    service: str
    staff: str
    status_text: str
    status_color: str
    cancelled: bool
    can_cancel: bool
    deadline_text: str
    too_late_text: str
    can_ask_new_time: bool
    cancel_label: str
    new_time_label: str


@dataclass
class DayGroup:
    """One day of the week in view, with its visits (maybe none)."""

    title: str
    date_text: str
    is_today: bool
    visits: list[VisitRow] = field(default_factory=list)


@dataclass
class Choice:
    """A radio button or checkbox: the value sent and the words shown."""

    value: str
    label: str


class AppointmentsState(FocusMixin, SessionState):
    """Timeavtaler: what the home care service has planned for the subject."""

    tab: str = UPCOMING
    week: int = 0
    days: list[DayGroup] = []  # noqa: RUF012 - Reflex copies state defaults
    week_title: str = ""
    past: list[VisitRow] = []  # noqa: RUF012 - Reflex copies state defaults
    page: int = 0
    total: int = 0
    unit_name: str = ""
    unit_phone: str = ""
    loaded: bool = False
    notice: str = ""
    notice_variant: str = "success"
    # A step about one visit (cancelling it, asking for a new time) shown instead of the list.
    step: str = ""
    chosen_text: str = ""
    chosen_reason: str = ""
    reason_text: str = ""
    # What the person wrote, kept when they go back a step.
    note: str = ""
    problems: dict[str, str] = {}  # noqa: RUF012 - Reflex copies state defaults
    new_time_topic: str = ""
    new_time_intro: str = ""
    form_version: int = 0
    _chosen_id: str = ""
    _chosen_version: int = 0

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(UsageAction.READ_APPOINTMENTS, self._show)

    def _show(self, db: Session, access: Access) -> None:
        now = utc_now()
        contact = unit_contact(db, access)
        self.unit_name = contact.name if contact else ""
        self.unit_phone = (contact.phone or "") if contact else ""
        if self.tab == PAST:
            views, self.total = past_visits(
                db, access, self._start_of_today(now), now, page=self.page, page_size=PAST_PAGE_SIZE
            )
            self.past = [self._row(view, access) for view in views]
        else:
            first_day = oslo_date(now) + timedelta(days=DAYS_IN_VIEW * self.week)
            start, end = _midnight(first_day), _midnight(first_day + timedelta(days=DAYS_IN_VIEW))
            views = visits_between(db, access, start, end, now)
            self.days = self._days(first_day, oslo_date(now), views, access)
            last_day = first_day + timedelta(days=DAYS_IN_VIEW - 1)
            self.week_title = self._tr(
                "appointments.week",
                start=format_date(first_day, self.lang),
                end=format_date(last_day, self.lang),
            )
        self.loaded = True

    @staticmethod
    def _start_of_today(now: datetime) -> datetime:
        return _midnight(oslo_date(now))

    def _days(self, first_day: date, today: date, views: list[VisitView], access: Access) -> list[DayGroup]:
        by_day: dict[date, list[VisitRow]] = {}
        for view in views:
            by_day.setdefault(oslo_date(view.starts_at), []).append(self._row(view, access))
        groups = []
        for offset in range(DAYS_IN_VIEW):
            day = first_day + timedelta(days=offset)
            title = format_day(day, self.lang)
            if day == today:
                title = self._tr("appointments.today")
            elif day == today + timedelta(days=1):
                title = self._tr("appointments.tomorrow")
            date_text = format_day(day, self.lang) if day - today <= timedelta(days=1) else ""
            groups.append(DayGroup(title, date_text, day == today, by_day.get(day, [])))
        return groups

    def _what(self, view: VisitView) -> str:
        """The visit in a few words: its service, day and time window."""
        return self._tr(
            "appointments.what",
            service=self._tr(f"appointments.service.{view.service_type.value}"),
            day=format_day(oslo_date(view.starts_at), self.lang),
            window=format_time_window(view.starts_at, view.ends_at, self.lang),
        )

    def _row(self, view: VisitView, access: Access) -> VisitRow:
        window = format_time_window(view.starts_at, view.ends_at, self.lang)
        day = format_day(oslo_date(view.starts_at), self.lang)
        service = self._tr(f"appointments.service.{view.service_type.value}")
        deadline = self._moment(view.deadline)
        what = self._what(view)
        too_late = ""
        if view.cancel_problem is CancelProblem.TOO_LATE and view.status is VisitStatus.PLANNED:
            key = "appointments.too_late_call" if self.unit_phone else "appointments.too_late_contact"
            too_late = self._tr(key, deadline=deadline, unit=self.unit_name)
        return VisitRow(
            public_id=view.public_id,
            day=day,
            window=window,
            service=service,
            staff=self._tr("appointments.staff", name=view.staff_name) if view.staff_name else "",
            status_text=self._status_text(view, access),
            status_color=_STATUS_COLORS[view.status],
            cancelled=view.status in (VisitStatus.CANCELLED_BY_CITIZEN, VisitStatus.CANCELLED_BY_SERVICE),
            can_cancel=view.cancel_problem is None,
            deadline_text=self._tr("appointments.cancel_until", deadline=deadline),
            too_late_text=too_late,
            can_ask_new_time=view.status is VisitStatus.PLANNED and view.starts_at > utc_now(),
            cancel_label=self._tr("appointments.cancel_label", what=what),
            new_time_label=self._tr("appointments.new_time_label", what=what),
        )

    def _status_text(self, view: VisitView, access: Access) -> str:
        if view.status is VisitStatus.CANCELLED_BY_CITIZEN:
            if view.cancelled_by_subject and not access.on_behalf:
                return self._tr("appointments.status.cancelled_by_you")
            return self._tr("appointments.status.cancelled_by", name=view.cancelled_by or "")
        return self._tr(f"appointments.status.{view.status.value}")

    def _moment(self, moment: datetime) -> str:
        return self._tr(
            "appointments.moment",
            day=format_day(oslo_date(moment), self.lang),
            time=format_time(moment, self.lang),
        )

    # Moving around: tabs, weeks, pages.

    @rx.event
    def show_upcoming(self):
        self.tab, self.notice = UPCOMING, ""
        return self._with_access(None, self._show)

    @rx.event
    def show_past(self):
        self.tab, self.page, self.notice = PAST, 0, ""
        return self._with_access(None, self._show)

    @rx.event
    def next_week(self):
        self.week = min(self.week + 1, MAX_WEEKS_AHEAD)
        return self._with_access(None, self._show)

    @rx.event
    def previous_week(self):
        self.week = max(self.week - 1, 0)
        return self._with_access(None, self._show)

    @rx.event
    def next_page(self):
        if (self.page + 1) * PAST_PAGE_SIZE < self.total:
            self.page += 1
        return self._with_access(None, self._show)

    @rx.event
    def previous_page(self):
        self.page = max(self.page - 1, 0)
        return self._with_access(None, self._show)

    @rx.var
    def page_text(self) -> str:
        pages = max((self.total + PAST_PAGE_SIZE - 1) // PAST_PAGE_SIZE, 1)
        return self._tr("usage_log.page", page=self.page + 1, pages=pages)

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAST_PAGE_SIZE < self.total

    # Cancelling: a reason, then a confirmation.

    @rx.event
    def ask_cancel(self, public_id: str):
        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            view = visit_view(db, access, public_id, utc_now())
            if view is None or view.cancel_problem is not None:
                self._show(db, access)
                return self._say("appointments.not_cancellable", "warn")
            self._choose(view)
            self.step = STEP_REASON
            return self._focus(STEP_TITLE_ID)

        return self._with_access(None, work)

    def _choose(self, view: VisitView) -> None:
        self._chosen_id, self._chosen_version = view.public_id, view.version
        self.chosen_text = self._what(view)
        self.problems, self.notice, self.chosen_reason, self.note = {}, "", "", ""

    @rx.event
    def choose_reason(self, form: FormData):
        """The reason step is filled in: check it, then ask for the confirmation."""
        if not isinstance(form, FormData):
            return None
        reason, note = str(form.get("reason", "")), str(form.get("note", ""))
        self.problems = self._cancel_problem_texts(reason, note)
        if self.problems or not self._chosen_id:
            return None
        self.chosen_reason, self.note = reason, note
        self.reason_text = self._tr(f"appointments.reason.{reason}")
        self.step = STEP_CONFIRM
        return self._focus(STEP_TITLE_ID)

    def _cancel_problem_texts(self, reason: str, note: str) -> dict[str, str]:
        texts: dict[str, str] = {}
        for problem in cancel_form_problems(reason, note):
            field_name = "reason" if problem.value == "reason_missing" else "note"
            texts.setdefault(
                field_name, self._tr(f"appointments.problem.{problem.value}", limit=MAX_CANCEL_NOTE_LENGTH)
            )
        return texts

    @rx.event
    def confirm_cancel(self):
        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            if self.step != STEP_CONFIRM or not self._chosen_id:
                return None
            done = cancel_visit(
                db, access, self._chosen_id, seen_version=self._chosen_version,
                reason=self.chosen_reason, note=self.note, now=utc_now(),
            )  # fmt: skip
            what = self.chosen_text
            self._close()
            self._show(db, access)
            if done.outcome is CancelOutcome.CANCELLED:
                return self._say("appointments.cancelled", "success", what=what)
            if done.outcome is CancelOutcome.TOO_LATE:
                return self._say("appointments.too_late_now", "warn")
            if done.outcome is CancelOutcome.CHANGED:
                return self._say("appointments.changed", "warn")
            return self._say("appointments.not_found", "warn")

        return self._with_access(None, work)

    @rx.event
    def close_step(self):
        self._close()
        return self._focus(NOTICE_ID)

    @rx.event
    def back_to_reason(self):
        if self.step == STEP_CONFIRM:
            self.step = STEP_REASON
        return self._focus(STEP_TITLE_ID)

    def _close(self) -> None:
        self.step, self._chosen_id, self._chosen_version, self.problems = "", "", 0, {}

    def _say(self, key: str, variant: str, **values: object) -> None:
        self.notice, self.notice_variant = self._tr(key, **values), variant
        return self._focus(NOTICE_ID)

    # Asking for a new time: a message to the service in the subject's thread for such requests.

    @rx.event
    def ask_new_time(self, public_id: str):
        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            view = visit_view(db, access, public_id, utc_now())
            if view is None or view.status is not VisitStatus.PLANNED:
                self._show(db, access)
                return self._say("appointments.not_found", "warn")
            self._choose(view)
            self.new_time_topic = self._tr("appointments.new_time_topic")
            self.new_time_intro = self._tr("appointments.new_time_intro", topic=self.new_time_topic)
            self.step = STEP_NEW_TIME
            self.form_version += 1
            return self._focus(STEP_TITLE_ID)

        return self._with_access(None, work)

    @rx.event
    def send_new_time(self, form: FormData):
        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            if not isinstance(form, FormData):
                return None
            if str(form.get("form_version", "")) != str(self.form_version) or self.step != STEP_NEW_TIME:
                return None  # a form sent already (a double click), or no request open
            days = [int(day) for day in _list(form, "days") if day in _WEEKDAYS]
            times = [part for part in _list(form, "times") if part in set(PreferredTime)]
            note = str(form.get("note", ""))
            problems = new_time_problems(days, times, note)
            if problems:
                self.problems = {
                    "form" if problem.value == "nothing_chosen" else "note": self._tr(
                        f"appointments.problem.{problem.value}", limit=MAX_NEW_TIME_NOTE_LENGTH
                    )
                    for problem in problems
                }
                return None
            sent = request_new_time(
                db,
                access,
                self._chosen_id,
                text=self._new_time_text(days, times, note),
                topic=self.new_time_topic,
                now=utc_now(),
            )
            self.form_version += 1
            self._close()
            self._show(db, access)
            if sent is None:
                return self._say("appointments.not_found", "warn")
            if sent.thread_public_id is None:
                return self._say("messages.not_taking_part", "warn")
            return self._say("appointments.new_time_sent", "success", topic=self.new_time_topic)

        return self._with_access(None, work)

    def _new_time_text(self, days: list[int], times: list[str], note: str) -> str:
        lines = [self._tr("appointments.new_time_body", what=self.chosen_text)]
        if days:
            names = ", ".join(self._tr(f"appointments.weekday.{day}") for day in sorted(set(days)))
            lines.append(self._tr("appointments.new_time_days", days=names))
        if times:
            chosen = ", ".join(self._tr(f"appointments.time.{part}") for part in dict.fromkeys(times))
            lines.append(self._tr("appointments.new_time_times", times=chosen))
        if note.strip():
            lines += ["", note.strip()]
        return "\n".join(lines)

    @rx.var
    def unit_phone_href(self) -> str:
        digits = self.unit_phone.replace(" ", "")
        return f"tel:+47{digits}" if len(digits) == 8 else f"tel:{digits}"

    @rx.var
    def reason_error(self) -> str:
        return self.problems.get("reason", "")

    @rx.var
    def note_error(self) -> str:
        return self.problems.get("note", "")

    @rx.var
    def form_error(self) -> str:
        return self.problems.get("form", "")


def _midnight(day: date) -> datetime:
    """The start of `day` in Oslo, as a moment (a day is not always 24 hours long there)."""
    return datetime.combine(day, time(0, 0), tzinfo=OSLO)


def _list(form: FormData, name: str) -> list[str]:
    return [str(value) for value in form.getlist(name)]


STEP_TITLE_ID = "visit-step-title"
NOTICE_ID = "appointments-notice"
