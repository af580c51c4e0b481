"""States of the message pages: the inbox, a thread with its reply form, and a new message."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from homecare import routes
from homecare.domain.messages import MAX_TEXT_LENGTH, expected_answer_day
from homecare.domain.working_days import oslo_date
from homecare.i18n.formatting import format_day, format_moment
from homecare.models.columns import utc_now
from homecare.services.access import Access
from homecare.services.messages import MessageView, Sent, inbox, open_thread, send_message, unread_count
from homecare.services.people import residence_of
from homecare.services.usage_log import UsageAction
from homecare.state.session import SessionState

PAGE_SIZE = 20


@dataclass
class ThreadRow:
    """A thread in the inbox; its public id is random and says nothing."""

    public_id: str
    topic: str
    last_preview: str
    when: str
    unread: int
    unread_text: str


@dataclass
class MessageRow:
    """A message as the thread shows it: text only, never HTML."""

    from_service: bool
    author: str
    when: str
    body: str


class MessagesState(SessionState):
    """What the message pages share: whether the subject can write here, and the answer-time hint."""

    takes_part: bool = True
    answer_by: str = ""
    problems: dict[str, str] = {}  # noqa: RUF012 - Reflex copies state defaults
    form_version: int = 0
    _sent_versions: set[int] = set()  # noqa: RUF012 - Reflex copies state defaults

    def _prepare_form(self, db: Session, access: Access) -> None:
        self.takes_part = (
            access.subject.service_unit_id is not None and residence_of(db, access.subject).takes_part
        )
        answer_day = expected_answer_day(oslo_date(utc_now()))
        self.answer_by = self._tr("messages.answer_by", day=format_day(answer_day, self.lang))

    def _problem_texts(self, sent: Sent) -> dict[str, str]:
        texts: dict[str, str] = {}
        for problem in sent.problems:
            field = "topic" if problem.value.startswith("topic") else "text"
            texts.setdefault(field, self._tr(f"messages.problem.{problem.value}", limit=MAX_TEXT_LENGTH))
        if sent.not_taking_part:
            texts["form"] = self._tr("messages.not_taking_part")
        if sent.thread_not_found:
            texts["form"] = self._tr("messages.not_found")
        return texts

    def _once(self, form: object) -> FormData | None:
        """The form, unless this very form was sent already (a double click sends once)."""
        if not isinstance(form, FormData):
            return None
        version = str(form.get("form_version", ""))
        if not version.isdigit() or int(version) in self._sent_versions:
            return None
        self._sent_versions = {*self._sent_versions, int(version)}
        return form

    def _error(self, field: str) -> str:
        return self.problems.get(field, "")

    @rx.var
    def topic_error(self) -> str:
        return self._error("topic")

    @rx.var
    def text_error(self) -> str:
        return self._error("text")

    @rx.var
    def form_error(self) -> str:
        return self._error("form")


class InboxState(MessagesState):
    """The subject's threads, newest activity first, a page at a time."""

    threads: list[ThreadRow] = []  # noqa: RUF012 - Reflex copies state defaults
    page: int = 0
    total: int = 0
    loaded: bool = False

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(UsageAction.READ_MESSAGES, self._show)

    @rx.event
    def next_page(self):
        if (self.page + 1) * PAGE_SIZE < self.total:
            self.page += 1
        return self._with_access(None, self._show)

    @rx.event
    def previous_page(self):
        self.page = max(self.page - 1, 0)
        return self._with_access(None, self._show)

    def _show(self, db: Session, access: Access) -> None:
        self._prepare_form(db, access)
        summaries, self.total = inbox(db, access.subject_id, page=self.page, page_size=PAGE_SIZE)
        self.threads = [
            ThreadRow(
                public_id=summary.public_id,
                topic=summary.topic,
                last_preview=summary.last_preview,
                when=format_moment(summary.last_message_at, self.lang),
                unread=summary.unread,
                unread_text=self._tr("messages.unread", count=summary.unread),
            )
            for summary in summaries
        ]
        self.loaded = True

    @rx.var
    def page_text(self) -> str:
        pages = max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        return self._tr("usage_log.page", page=self.page + 1, pages=pages)

    @rx.var
    def has_next(self) -> bool:
        return (self.page + 1) * PAGE_SIZE < self.total


class ThreadState(MessagesState):
    """One thread; opening it marks the service's messages read by whoever opened it."""

    topic: str = ""
    service_unit: str = ""
    messages: list[MessageRow] = []  # noqa: RUF012 - Reflex copies state defaults
    found: bool = True
    loaded: bool = False
    notice: str = ""
    _public_id: str = ""

    @rx.event
    def load(self):
        self.reset()
        public_id = self.router.page.params.get("thread", "")
        self._public_id = public_id if isinstance(public_id, str) else ""
        return self._with_access(UsageAction.READ_MESSAGES, self._show)

    def _show(self, db: Session, access: Access) -> None:
        self._prepare_form(db, access)
        view = open_thread(db, access, self._public_id, utc_now())
        self.found = view is not None
        self.loaded = True
        if view is None:
            return
        self.topic, self.service_unit = view.topic, view.service_unit
        self.messages = [self._row(message) for message in view.messages]
        self._session_state().unread_messages = unread_count(db, access.subject_id)

    def _row(self, message: MessageView) -> MessageRow:
        author = (
            self._tr("messages.on_behalf", author=message.author, subject=message.on_behalf_of)
            if message.on_behalf_of
            else message.author
        )
        return MessageRow(
            message.from_service, author, format_moment(message.created_at, self.lang), message.body
        )

    @rx.event
    def reply(self, form: FormData):
        def work(db: Session, access: Access) -> None:
            sending = self._once(form)
            if sending is None:
                return
            text = str(sending.get("text", ""))
            sent = send_message(db, access, text=text, now=utc_now(), thread_public_id=self._public_id)
            self.problems = self._problem_texts(sent)
            if sent.thread_public_id:
                self.form_version += 1
                self.notice = self._tr("messages.sent")
                self._show(db, access)

        return self._with_access(None, work)


class NewMessageState(MessagesState):
    """A new message to the subject's home care service."""

    loaded: bool = False

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(None, self._loaded)

    def _loaded(self, db: Session, access: Access) -> None:
        self._prepare_form(db, access)
        self.loaded = True

    @rx.event
    def send(self, form: FormData):
        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            sending = self._once(form)
            if sending is None:
                return None
            topic, text = str(sending.get("topic", "")), str(sending.get("text", ""))
            sent = send_message(db, access, topic=topic, text=text, now=utc_now())
            self.problems = self._problem_texts(sent)
            if sent.thread_public_id:
                return rx.redirect(routes.thread(sent.thread_public_id))
            return None

        return self._with_access(None, work)
