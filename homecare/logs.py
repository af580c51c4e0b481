"""Logs as one JSON object a line, each with the id of the request it belongs to.

What is logged names people by internal ids at most: SQL errors carry no values (the engines hide them), and
the senders' errors carry neither text nor address.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homecare.metrics import HTTP_SECONDS

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HEADER = b"x-request-id"


class JsonFormatter(logging.Formatter):
    """One line of JSON: time (UTC), level, logger, message, request id, and the error's type and trace."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (current := request_id.get()) is not None:
            line["request_id"] = current
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["trace"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(json_lines: bool) -> None:
    """Our loggers at INFO, to standard error: as JSON lines in production, as plain text in development."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    logger = logging.getLogger("homecare")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


class RequestIds:
    """Gives every HTTP request an id (the proxy's X-Request-ID when it sends a sane one), for the logs and
    in the answer, so a person's "it went wrong at 10:14" can be found; and times it for the metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(_HEADER, b"").decode("latin-1")
        current = given if _GIVEN_ID.fullmatch(given) else secrets.token_hex(8)
        token = request_id.set(current)

        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (name, value) for name, value in message.get("headers", []) if name.lower() != _HEADER
                ]
                message = {**message, "headers": [*headers, (_HEADER, current.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            HTTP_SECONDS.labels(scope.get("method", ""), str(status)).observe(time.perf_counter() - started)
            request_id.reset(token)
