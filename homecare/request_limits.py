"""Limits on how much a request body may carry, enforced before the framework reads any of it."""

from __future__ import annotations

from collections.abc import Callable

from reflex import constants
from reflex.config import get_config
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homecare.domain.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

# Room for the most files one message may carry, and for the form around them.
MAX_UPLOAD_BODY = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024


def upload_path() -> str:
    """The framework's upload route, under the backend path when one is configured."""
    return get_config().prepend_backend_path(str(constants.Endpoint.UPLOAD))


def _plain_refusal(_limit: int) -> Response:
    return PlainTextResponse("Too large", status_code=413)


class BodySizeLimit:
    """Refuses a body larger than `limit` (on `path` only, when given): at once when it says so, or when it
    gets there. Without it a framework would read or spool any amount before a handler could say no."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        path: str | None = None,
        refusal: Callable[[int], Response] = _plain_refusal,
    ) -> None:
        self.app, self.limit, self.refusal = app, limit, refusal
        self.path = path.rstrip("/") if path is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.path is not None and scope["path"].rstrip("/") != self.path):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared and (not declared.isdigit() or int(declared) > self.limit):
            await self.refusal(self.limit)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # The reader sees the client go away: it stops, and nothing of the body is handled.
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counting_receive, send)


class UploadSizeLimit(BodySizeLimit):
    """The limit on the framework's upload route: five attachments' worth."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_UPLOAD_BODY, path: str | None = None) -> None:
        super().__init__(app, limit=limit, path=path or upload_path())
