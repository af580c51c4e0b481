"""States of the message pages: the inbox, a thread with its reply form, and a new message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from homecare import routes
from homecare.domain.attachments import MAX_ATTACHMENT_BYTES, AttachmentProblem, clean_name
from homecare.domain.messages import MAX_TEXT_LENGTH, expected_answer_day, text_problems, topic_problems
from homecare.domain.working_days import oslo_date
from homecare.i18n.formatting import format_day, format_file_size, format_moment
from homecare.models.columns import utc_now
from homecare.rate_limits import abuse_limits
from homecare.services.access import Access
from homecare.services.attachment_files import AttachmentFiles
from homecare.services.attachments import AttachmentView, Refusal, Upload, add_drafts, discard_draft
from homecare.services.messages import MessageView, Sent, inbox, open_thread, send_message, unread_count
from homecare.services.people import residence_of
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings
from homecare.state.event_threads import in_thread
from homecare.state.focus import FocusMixin
from homecare.state.session import SessionState

PAGE_SIZE = 20
# The forms' fields, for the page and for moving the focus to the first one with a mistake.
TOPIC_ID = "message-topic"
NEW_TEXT_ID = "message-text"
REPLY_TEXT_ID = "reply-text"
REPLY_UPLOAD_ID = "reply-attachments"
NEW_UPLOAD_ID = "message-attachments"


def attachment_notice_id(upload_id: str) -> str:
    """The status line under a form's attachments ("plan.pdf was removed"), which takes the focus when the
    removed file's button is gone."""
    return f"{upload_id}-notice"


# What react-dropzone calls the reasons it refuses a file in the browser, before anything is sent.
_BROWSER_REFUSALS = {
    "file-too-large": AttachmentProblem.TOO_LARGE,
    "too-many-files": AttachmentProblem.TOO_MANY,
}


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
class AttachmentRow:
    """An attachment as a page shows it; its address runs the access check when it is opened."""

    public_id: str
    name: str
    size: str
    url: str
    is_image: bool
    label: str
    remove_label: str


@dataclass
class MessageRow:
    """A message as the thread shows it: text only, never HTML."""

    from_service: bool
    author: str
    when: str
    body: str
    attachments: list[AttachmentRow] = field(default_factory=list)


def _read_uploads(files: list[rx.UploadFile]) -> list[Upload]:
    """Each uploaded file, read to one byte past the limit: enough to refuse a larger one."""
    uploads = []
    for file in files if isinstance(files, list) else []:
        if isinstance(file, rx.UploadFile):
            content = file.file.read(MAX_ATTACHMENT_BYTES + 1)
            uploads.append(Upload(name=file.filename or "", content=content, size=len(content)))
    return uploads


def _attachment_files() -> AttachmentFiles:
    return AttachmentFiles(get_settings().attachments_dir)


class MessagesState(FocusMixin, SessionState):
    """What the message pages share: whether the subject can write here, and the answer-time hint."""

    takes_part: bool = True
    answer_by: str = ""
    problems: dict[str, str] = {}  # noqa: RUF012 - Reflex copies state defaults
    form_version: int = 0
    attachments: list[AttachmentRow] = []  # noqa: RUF012 - Reflex copies state defaults
    attachment_errors: list[str] = []  # noqa: RUF012 - Reflex copies state defaults
    attachment_notice: str = ""
    # The drafts of the message being written; the database checks again that they are the actor's own.
    _draft_ids: list[str] = []  # noqa: RUF012 - Reflex copies state defaults
    # What the browser keeps of the text being written (components/document.py, KeepDraft): the name it is
    # kept under for this login, person and form, and the number of the last form that was sent.
    draft_key: str = ""
    sent_version: int = 0

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
        if sent.attachments_gone:
            texts["form"] = self._tr("attachments.gone")
            self._forget_drafts()
        return texts

    def _attachment_row(self, view: AttachmentView) -> AttachmentRow:
        size = format_file_size(view.size, self.lang)
        return AttachmentRow(
            public_id=view.public_id,
            name=view.name,
            size=size,
            url=routes.attachment(view.public_id),
            is_image=view.is_image,
            label=self._tr("attachments.download_label", name=view.name, size=size),
            remove_label=self._tr("attachments.remove_label", name=view.name),
        )

    def _forget_drafts(self) -> None:
        self._draft_ids, self.attachments = [], []

    def _refusal_texts(self, refusals: list[Refusal]) -> list[str]:
        return [
            self._tr(f"attachments.problem.{refusal.problem.value}", name=refusal.name or "?")
            for refusal in refusals
        ]

    @rx.event
    async def add_attachments(self, files: list[rx.UploadFile]):
        """Files chosen for the message being written: each is checked, and kept as a draft or refused."""
        uploads = await in_thread(_read_uploads, files)
        if not uploads:
            # The browser refused every file itself (refuse_in_browser says why); leave its words standing.
            return None

        def work(db: Session, access: Access) -> None:
            added, refused = add_drafts(
                db, _attachment_files(), access, uploads, drafts_so_far=len(self._draft_ids), now=utc_now()
            )
            self._draft_ids = [*self._draft_ids, *(view.public_id for view in added)]
            self.attachments = [*self.attachments, *(self._attachment_row(view) for view in added)]
            self.attachment_errors = self._refusal_texts(refused)
            names = ", ".join(view.name for view in added)
            self.attachment_notice = self._tr("attachments.added", name=names) if added else ""

        # Checking, hashing and writing up to 50 MB would hold up every other connection on the event loop.
        return await in_thread(self._with_access, None, work)

    @rx.event
    def refuse_in_browser(self, rejected: list[dict]):
        """Files the browser itself refused (too large, too many, not a picture or document): say why.

        The browser sends each file's name and reasons (see components/attachments.py), never the file.
        """
        refusals = []
        for item in rejected[:20] if isinstance(rejected, list) else []:
            name = item.get("name") if isinstance(item, dict) else None
            codes = item.get("codes") if isinstance(item, dict) else None
            problem = next(
                (_BROWSER_REFUSALS[code] for code in codes or [] if code in _BROWSER_REFUSALS),
                AttachmentProblem.WRONG_TYPE,
            )
            refusals.append(Refusal(clean_name(str(name or "")), problem))
        self.attachment_errors = self._refusal_texts(refusals)
        self.attachment_notice = ""

    @rx.event
    def remove_attachment(self, public_id: str):
        def work(db: Session, access: Access) -> None:
            if public_id not in self._draft_ids:
                return
            discard_draft(db, _attachment_files(), access, public_id)
            name = next((row.name for row in self.attachments if row.public_id == public_id), "")
            self._draft_ids = [draft for draft in self._draft_ids if draft != public_id]
            self.attachments = [row for row in self.attachments if row.public_id != public_id]
            self.attachment_errors = []
            self.attachment_notice = self._tr("attachments.removed", name=name)
            self._focus(attachment_notice_id(self._upload_id()))

        return self._with_access(None, work)

    def _current(self, form: object) -> FormData | None:
        """The form, if it may be sent: one this page gave out and that was not sent yet.

        A sent form is passed by every newer one, so a second click on it (a double click) finds nothing
        to send. An older form that was never sent still holds the person's text: when the connection
        comes back, the page is loaded again and gives its form a new number while the text is still on
        the screen, and a click on Send in that moment must not be lost. A number the page never gave out
        (its state was lost meanwhile) is refused with a word, not silently."""
        if not isinstance(form, FormData):
            return None
        try:
            version = int(str(form.get("form_version", "")))
        except ValueError:
            return None
        if version > self.form_version:
            self.problems = {"form": self._tr("messages.page_renewed")}
            return None
        if version <= self.sent_version:
            return None
        return form

    def _fresh_form(self, db: Session, access: Access) -> None:
        """A page with a form starts empty; drafts an earlier form left behind are removed.

        These fields belong to MessagesState, which a page's reset() does not touch.
        """
        files = _attachment_files()
        for public_id in self._draft_ids:
            discard_draft(db, files, access, public_id)
        self._forget_drafts()
        self.problems, self.attachment_errors, self.attachment_notice = {}, [], ""
        self.form_version += 1
        # From the login, the person and the form only: the same after a restart that lost the pages' state.
        place = f"{access.subject_id}|{self._draft_place()}"
        self.draft_key = hashlib.sha256(f"draft|{self._session_token()}|{place}".encode()).hexdigest()[:24]

    def _draft_place(self) -> str:
        """Which form this is, for the name its text is kept under in the browser."""
        return ""

    def _upload_id(self) -> str:
        """The form's attachment picker."""
        return NEW_UPLOAD_ID

    def _sent(self) -> None:
        """The form on the page was taken: the browser forgets its text."""
        self.sent_version = self.form_version

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

    def _draft_place(self) -> str:
        return f"thread:{self._public_id}"

    def _upload_id(self) -> str:
        return REPLY_UPLOAD_ID

    @rx.event
    def load(self):
        self.reset()
        self._public_id = routes.thread_in(urlsplit(self.router.url).path)

        def work(db: Session, access: Access) -> None:
            self._fresh_form(db, access)
            self._show(db, access)

        return self._with_access(UsageAction.READ_MESSAGES, work)

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
            message.from_service,
            author,
            format_moment(message.created_at, self.lang),
            message.body,
            [self._attachment_row(view) for view in message.attachments],
        )

    @rx.event
    def reply(self, form: FormData):
        def work(db: Session, access: Access) -> None:
            sending = self._current(form)
            if sending is None:
                return
            text = str(sending.get("text", ""))
            # Only a message that can be sent counts against the limit: a person told to fix the text does
            # not run out of tries (send_message tells what to fix).
            if not text_problems(text) and (wait := abuse_limits().message(access.actor_id)):
                self.problems = {"form": self._too_many(wait)}
                return
            sent = send_message(
                db,
                access,
                text=text,
                now=utc_now(),
                thread_public_id=self._public_id,
                attachment_ids=self._draft_ids,
            )
            self.problems = self._problem_texts(sent)
            self._focus_first_problem(self.problems, (("text", REPLY_TEXT_ID),))
            if sent.thread_public_id:
                self._forget_drafts()  # they went with the message
                self._sent()
                self._fresh_form(db, access)
                self.notice = self._tr("messages.sent")
                self._show(db, access)

        return self._with_access(None, work)


class NewMessageState(MessagesState):
    """A new message to the subject's home care service."""

    loaded: bool = False

    def _draft_place(self) -> str:
        return "new"

    @rx.event
    def load(self):
        self.reset()
        return self._with_access(None, self._loaded)

    def _loaded(self, db: Session, access: Access) -> None:
        self._fresh_form(db, access)
        self._prepare_form(db, access)
        self.loaded = True

    @rx.event
    def send(self, form: FormData):
        def work(db: Session, access: Access) -> rx.event.EventSpec | None:
            sending = self._current(form)
            if sending is None:
                return None
            topic, text = str(sending.get("topic", "")), str(sending.get("text", ""))
            fine = not text_problems(text) and not topic_problems(topic)
            if fine and (wait := abuse_limits().message(access.actor_id)):
                self.problems = {"form": self._too_many(wait)}
                return None
            sent = send_message(
                db, access, topic=topic, text=text, now=utc_now(), attachment_ids=self._draft_ids
            )
            self.problems = self._problem_texts(sent)
            self._focus_first_problem(self.problems, (("topic", TOPIC_ID), ("text", NEW_TEXT_ID)))
            if sent.thread_public_id:
                self._forget_drafts()
                self._sent()
                self.form_version += 1
                return rx.redirect(routes.thread(sent.thread_public_id))
            return None

        return self._with_access(None, work)
