"""An event that fails on the server is told to the person in plain words, never with its details."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

import homecare.homecare  # noqa: F401 - registers every state
from homecare.i18n import CATALOGS
from homecare.state.problems import backend_problem
from homecare.state.session import SERVER_PROBLEMS


def told(exception: Exception) -> str:
    spec = backend_problem(exception)
    assert spec.handler.fn.__name__ == "show_problem"
    (_name, value), *_ = spec.args
    return str(value._var_value)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "exception",
    [
        OperationalError("SELECT 1", {}, Exception("connection refused")),
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379"),
        ConnectionRefusedError(),
        TimeoutError(),
    ],
)
def test_a_database_or_state_store_that_cannot_be_reached_is_told_as_unavailable(
    exception: Exception,
) -> None:
    assert told(exception) == "unavailable"


def test_anything_else_is_told_as_a_failure_that_changed_nothing() -> None:
    assert told(ValueError("a bug")) == "failed"
    assert told(KeyError("x")) == "failed"


def test_every_problem_has_words_in_every_language() -> None:
    for key in SERVER_PROBLEMS.values():
        for language in ("nb", "nn", "en"):
            assert key in CATALOGS[language], (language, key)
            assert "Traceback" not in CATALOGS[language][key]
