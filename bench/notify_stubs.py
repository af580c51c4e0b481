"""Loopback stand-ins for SendGrid and the SMS gateway, for bench/notify_throughput.py.

They answer like tests/integration/stub_servers.py (SendGrid: 202 with an ``X-Message-Id`` header; the
gateway: 201 with ``{"id": ...}``; the same error bodies), with what a benchmark needs besides: HTTP/1.1
keep-alive as the real providers offer it (the test stubs speak HTTP/1.0 and close every connection, which
would hide whether a sender reuses its connections), a count of the connections opened, little work per
request, and a switch between up, down (503 to everything) and refusing connections.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

UP, DOWN, REFUSING = "up", "down", "refusing"


@dataclass(frozen=True)
class Receipt:
    """One request the provider answered: its order, to whom, the text, when (time.time()), the status."""

    seq: int
    address: str
    text: str
    at: float
    status: int
    message_id: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class ProviderStub:
    """A provider on 127.0.0.1 that keeps its port across up, down and refusing."""

    path: ClassVar[str]
    success: ClassVar[int]
    prefix: ClassVar[str]

    def __init__(self, token: str) -> None:
        self.token = token
        self.state = UP
        self.receipts: list[Receipt] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._seq = 0
        self._open: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._serve()

    # What the provider does with one request -------------------------------------------------------------

    def recipient_and_text(self, document: Any) -> tuple[str, str]:
        raise NotImplementedError

    def taken(self, message_id: str) -> tuple[dict[str, str], bytes]:
        raise NotImplementedError

    def refusal(self, status: int) -> bytes:
        raise NotImplementedError

    # Switching -----------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        if self.state == REFUSING:
            self._serve()
        self.state = UP

    def down(self) -> None:
        """Answer 503 to every request (the provider is there, and cannot take anything)."""
        if self.state == REFUSING:
            self._serve()
        self.state = DOWN

    def refuse(self) -> None:
        """Stop listening and drop the open connections: every connection attempt is refused."""
        self.state = REFUSING
        self._stop_serving()

    def close(self) -> None:
        self._stop_serving()

    def reset(self) -> None:
        with self._lock:
            self.receipts = []
            self.connections = 0

    def accepted(self) -> list[Receipt]:
        with self._lock:
            return [receipt for receipt in self.receipts if 200 <= receipt.status < 300]

    def _serve(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), _handler_for(self))
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def _stop_serving(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for connection in list(self._open):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        self._server = None

    def _answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if path != self.path:
            return 404, {}, b""
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"Content-Type": "application/json"}, self.refusal(401)
        try:
            address, text = self.recipient_and_text(json.loads(raw))
        except (ValueError, KeyError, IndexError, TypeError):
            return 400, {"Content-Type": "application/json"}, self.refusal(400)
        status = self.success if self.state == UP else 503
        with self._lock:
            self._seq += 1
            seq = self._seq
            message_id = f"{self.prefix}-{seq}" if status == self.success else None
            self.receipts.append(Receipt(seq, address, text, time.time(), status, message_id))
        if message_id is None:
            return status, {"Content-Type": "application/json"}, self.refusal(status)
        answer_headers, body = self.taken(message_id)
        return status, answer_headers, body


class SendGridBenchStub(ProviderStub):
    """SendGrid's ``POST /v3/mail/send``: 202, an empty body and ``X-Message-Id``."""

    path = "/v3/mail/send"
    success = 202
    prefix = "sg"

    def recipient_and_text(self, document: Any) -> tuple[str, str]:
        return document["personalizations"][0]["to"][0]["email"], document["content"][0]["value"]

    def taken(self, message_id: str) -> tuple[dict[str, str], bytes]:
        return {"X-Message-Id": message_id}, b""

    def refusal(self, status: int) -> bytes:
        error = {"message": "Service unavailable" if status == 503 else "Bad request", "field": None}
        return json.dumps({"errors": [error]}).encode()


class SmsGatewayBenchStub(ProviderStub):
    """The SMS gateway's ``POST /messages``: 201 with ``{"id": ...}``; ``{"error": code}`` otherwise."""

    path = "/messages"
    success = 201
    prefix = "sms"

    def recipient_and_text(self, document: Any) -> tuple[str, str]:
        return document["to"], document["text"]

    def taken(self, message_id: str) -> tuple[dict[str, str], bytes]:
        return {"Content-Type": "application/json"}, json.dumps({"id": message_id}).encode()

    def refusal(self, status: int) -> bytes:
        return json.dumps({"error": "unavailable" if status == 503 else "bad_request"}).encode()


def _handler_for(stub: ProviderStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real providers offer
        # The answer goes out in one write, without Nagle's wait: on a kept-alive connection two small writes
        # (head, then body) would wait for the client's delayed ACK, some 40 ms an answer.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            with stub._lock:
                stub.connections += 1
                stub._open.add(self.connection)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                with stub._lock:
                    stub._open.discard(self.connection)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer_headers, body = stub._answer(self.path, headers, raw)
            try:
                self.send_response(status)
                for name, value in answer_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self._headers_buffer.append(b"\r\n" + body)  # end_headers' blank line, and the body
                self.flush_headers()
            except ConnectionError:
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
