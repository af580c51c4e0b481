"""Logs as JSON lines, each with the id of the request it belongs to."""

from __future__ import annotations

import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from homecare.logs import JsonFormatter, RequestIds, request_id


def record(message: str, *, error: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(error), error, error.__traceback__) if error else None
    return logging.LogRecord("homecare.test", logging.WARNING, __file__, 1, message, (), exc_info)


def test_a_log_line_is_one_json_object_with_the_request_id() -> None:
    token = request_id.set("abc123")
    try:
        line = json.loads(JsonFormatter().format(record("notice %s not sent")))
    finally:
        request_id.reset(token)
    assert line["level"] == "warning" and line["logger"] == "homecare.test"
    assert line["message"] == "notice %s not sent" and line["request_id"] == "abc123"
    assert line["time"].endswith("+00:00")


def test_an_error_is_named_and_traced_on_the_same_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        text = JsonFormatter().format(record("failed", error=error))
    assert "\n" not in text
    line = json.loads(text)
    assert line["error"] == "ValueError" and "boom" in line["trace"] and "request_id" not in line


def echo_id(_request: Request) -> PlainTextResponse:
    return PlainTextResponse(request_id.get() or "")


APP = TestClient(RequestIds(Starlette(routes=[Route("/", echo_id)])))


def test_every_request_gets_an_id_in_its_logs_and_its_answer() -> None:
    answer = APP.get("/")
    assert len(answer.text) == 16 and answer.headers["x-request-id"] == answer.text
    assert APP.get("/").text != answer.text


def test_a_proxys_sane_request_id_is_kept_and_anything_else_replaced() -> None:
    assert APP.get("/", headers={"X-Request-ID": "nginx-7f3a.1"}).text == "nginx-7f3a.1"
    for odd in ("x" * 65, "a b", "<script>", "%00"):
        answer = APP.get("/", headers={"X-Request-ID": odd})
        assert answer.text != odd and len(answer.text) == 16
