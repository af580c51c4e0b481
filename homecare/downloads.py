"""HTTP routes that hand a logged-in person a file (an attachment, the calendar of visits): each runs the
access check before a byte is sent.

A file is not a page, so it is not a Reflex event: the browser fetches it with its HttpOnly session cookie,
and the route answers "not found" for anything the session may not open, whoever's it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from homecare import routes
from homecare.auth.sessions import SESSION_COOKIE, cookie_value
from homecare.db import session_scope
from homecare.domain.attachments import AttachmentType
from homecare.domain.usage import UsageOutcome
from homecare.i18n import translate
from homecare.models.columns import utc_now
from homecare.services.access import AccessDenied, check_access
from homecare.services.attachment_files import AttachmentFiles
from homecare.services.attachments import attachment_for
from homecare.services.calendar_file import calendar_file
from homecare.services.data_export import NotOwnData, own_data_zip
from homecare.services.usage_log import UsageAction, record_use
from homecare.services.visits import calendar_visits
from homecare.settings import Settings

log = logging.getLogger(__name__)

# A file is shown as itself and nothing more: no scripts, no framing, not kept in shared caches.
_FILE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class _Found:
    content: bytes
    name: str
    media_type: str


def content_disposition(name: str, *, inline: bool) -> str:
    """The header that names a download: plain ASCII for old clients, the real name in UTF-8 for the rest."""
    ascii_name = "".join(char if " " <= char <= "~" and char not in '"\\' else "_" for char in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@dataclass
class DownloadRoutes:
    """The download routes, with what they need handed in (so tests can give a database or a clock)."""

    settings: Settings
    engine: Engine | None = None
    clock: Callable[[], datetime] = utc_now

    def routes(self) -> list[Route]:
        return [
            Route(routes.ATTACHMENT, self.attachment, methods=["GET"]),
            Route(routes.CALENDAR, self.calendar, methods=["GET"]),
            Route(routes.DATA_EXPORT, self.own_data, methods=["GET"]),
        ]

    async def attachment(self, request: Request) -> Response:
        token = cookie_value(request.headers.get("cookie"), self.settings.cookie_name(SESSION_COOKIE))
        public_id = str(request.path_params.get("public_id", ""))[:64]
        found = await run_in_threadpool(self._find, token, public_id)
        if found is None:
            return PlainTextResponse("Not found", status_code=404, headers=_FILE_HEADERS)
        # Images are shown in the page as a preview; anything else is saved, never opened by the browser here.
        inline = AttachmentType(found.media_type).is_image
        headers = {**_FILE_HEADERS, "Content-Disposition": content_disposition(found.name, inline=inline)}
        return Response(found.content, media_type=found.media_type, headers=headers)

    def _find(self, token: str | None, public_id: str) -> _Found | None:
        now = self.clock()
        with session_scope(self.engine) as db:
            try:
                access = check_access(db, self.settings, token, now)
            except AccessDenied:
                return None  # what the check wrote (the refused use, in the subject's log) is kept
            row = attachment_for(db, access, public_id)
            if row is None:
                return None
            content = AttachmentFiles(self.settings.attachments_dir).read(row.storage_key, row.sha256)
            if content is None:
                log.error("attachment %s is missing or does not match its checksum", row.id)
            if access.on_behalf or content is None:
                record_use(
                    db, action=UsageAction.ATTACHMENT_OPENED, actor_id=access.actor_id,
                    subject_id=access.subject_id, at=now,
                    outcome=UsageOutcome.OK if content is not None else UsageOutcome.FAILED,
                )  # fmt: skip
            return _Found(content, row.file_name, row.media_type) if content is not None else None

    async def calendar(self, request: Request) -> Response:
        token = cookie_value(request.headers.get("cookie"), self.settings.cookie_name(SESSION_COOKIE))
        found = await run_in_threadpool(self._calendar, token)
        if found is None:
            return PlainTextResponse("Not found", status_code=404, headers=_FILE_HEADERS)
        headers = {**_FILE_HEADERS, "Content-Disposition": content_disposition(found.name, inline=False)}
        return Response(found.content, media_type=found.media_type, headers=headers)

    def _calendar(self, token: str | None) -> _Found | None:
        now = self.clock()
        with session_scope(self.engine) as db:
            try:
                access = check_access(db, self.settings, token, now, action=UsageAction.CALENDAR_DOWNLOADED)
            except AccessDenied:
                return None
            language = access.session.language
            content = calendar_file(
                calendar_visits(db, access, now),
                summary_of=lambda kind: translate(language, f"appointments.service.{kind.value}"),
                calendar_name=translate(language, "appointments.title"),
                uid_domain=urlsplit(self.settings.public_url).hostname or "localhost",
                now=now,
            )
            name = translate(language, "appointments.calendar_file_name")
            return _Found(content, name, "text/calendar; charset=utf-8")

    async def own_data(self, request: Request) -> Response:
        token = cookie_value(request.headers.get("cookie"), self.settings.cookie_name(SESSION_COOKIE))
        found = await run_in_threadpool(self._own_data, token)
        if found is None:
            return PlainTextResponse("Not found", status_code=404, headers=_FILE_HEADERS)
        headers = {**_FILE_HEADERS, "Content-Disposition": content_disposition(found.name, inline=False)}
        return Response(found.content, media_type=found.media_type, headers=headers)

    def _own_data(self, token: str | None) -> _Found | None:
        now = self.clock()
        with session_scope(self.engine) as db:
            try:
                access = check_access(db, self.settings, token, now)
                content = own_data_zip(db, access, now)
            except (AccessDenied, NotOwnData):
                return None
            record_use(
                db, action=UsageAction.DATA_EXPORTED, actor_id=access.actor_id, subject_id=access.actor_id,
                at=now,
            )  # fmt: skip
            name = translate(access.session.language, "my_page.download_data_name")
            return _Found(content, name, "application/zip")
