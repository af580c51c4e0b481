"""Stand-ins for the notification providers on loopback: SendGrid's v3 mail API and the SMS gateway.

Each answers from a script (one entry per request, then success) and records every request it receives, so a
test can say what the provider was asked and how often it took a message.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status (None for the stub's success), after `delay` seconds, with `body` (None
    for the stub's usual body for that status)."""

    status: int | None = None
    delay: float = 0.0
    body: bytes | None = None


# Longer than any client timeout the tests use: the client gives up before the answer comes.
STALL = Reply(delay=2.0)


@dataclass
class RecordedRequest:
    """A request as the stub received it, and the status it answered (for a stalled request: would have)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    status: int = 0


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class StubServer:
    """A provider on 127.0.0.1 at a free port, serving in a daemon thread while the `with` block runs."""

    path: ClassVar[str]
    success: ClassVar[int]

    def __init__(self, token: str, script: Iterable[int | Reply] = ()) -> None:
        self.token = token
        self.requests: list[RecordedRequest] = []
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self.answer_with(*script)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # shutdown() waits for the serving loop to look up; half a second (the default) adds up over tests.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer_with(self, *script: int | Reply) -> None:
        """Queue answers for the next requests, one each; once they are used up, every request succeeds."""
        with self._lock:
            self._script.extend(entry if isinstance(entry, Reply) else Reply(entry) for entry in script)

    def accepted(self) -> list[RecordedRequest]:
        """The requests answered with success: the messages the provider took."""
        with self._lock:
            return [request for request in self.requests if 200 <= request.status < 300]

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Wakes handlers still stalling, so none outlives the test by long.
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.pop(0) if self._script else Reply()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def next_id(self) -> str:
        return f"{type(self).__name__.lower()}-{next(self._ids)}"

    def answer(self, request: RecordedRequest, reply: Reply) -> _Answer:
        """The answer to `request` as this provider gives it."""
        if request.method != "POST" or request.path != self.path:
            return _Answer(404)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return self.error(401, request)
        status = reply.status or self.success
        answer = self.taken(request) if 200 <= status < 300 else self.error(status, request)
        answer.status = status
        if reply.body is not None:
            answer.body = reply.body
        return answer

    def taken(self, request: RecordedRequest) -> _Answer:
        raise NotImplementedError

    def error(self, status: int, request: RecordedRequest) -> _Answer:
        raise NotImplementedError


def _echo(request: RecordedRequest) -> str:
    # Providers do quote the input back in their errors; a stub that does it with the address and the text
    # shows that the senders do not pass it on.
    return json.dumps(request.json)[:500]


class SendGridStub(StubServer):
    """SendGrid's ``POST /v3/mail/send``: 202 with an ``X-Message-Id`` header for a message it takes."""

    path = "/v3/mail/send"
    success = 202

    def taken(self, request: RecordedRequest) -> _Answer:
        return _Answer(202, headers={"X-Message-Id": self.next_id()})

    def error(self, status: int, request: RecordedRequest) -> _Answer:
        error = {
            "message": f"Cannot send {_echo(request)}",
            "field": "personalizations.0.to.0.email",
            "help": None,
        }
        return _Answer(status, json.dumps({"errors": [error]}).encode(), {"Content-Type": "application/json"})


class SmsGatewayStub(StubServer):
    """The SMS gateway's ``POST /messages``: 201 with ``{"id": ...}`` for a message it takes."""

    path = "/messages"
    success = 201

    def taken(self, request: RecordedRequest) -> _Answer:
        return _json_answer(201, {"id": self.next_id()})

    def error(self, status: int, request: RecordedRequest) -> _Answer:
        return _json_answer(status, {"error": f"cannot send {_echo(request)}"})


def _json_answer(status: int, document: object) -> _Answer:
    return _Answer(status, json.dumps(document).encode(), {"Content-Type": "application/json"})


def _handler_for(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def _handle(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                document = json.loads(raw) if raw else None
            except ValueError:
                document = raw.decode(errors="replace")
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                json=document,
            )
            reply = stub._next_reply()
            answer = stub.answer(request, reply)
            request.status = answer.status
            stub._record(request)
            if reply.delay and stub._stopping.wait(reply.delay):
                return
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except ConnectionError:
                # The client gave up waiting (a stalled answer); nobody is left to hear it.
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def unused_port_url() -> str:
    """The URL of a loopback port nothing listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
