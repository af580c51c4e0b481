"""What a person sees when an event fails on the server: a notice in their language on the page, never a
stack trace or a version (Reflex's own toast would also need code run in the page, which the
Content-Security-Policy forbids)."""

from __future__ import annotations

import logging

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from reflex.event import EventSpec
from sqlalchemy.exc import InterfaceError, OperationalError

from homecare.state.session import SessionState

log = logging.getLogger(__name__)

# The database or the state store cannot be reached (restarting, the network): trying again later helps.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)


def backend_problem(exception: Exception) -> EventSpec:
    """The app's backend exception handler: log what failed, tell the person in plain words."""
    log.error("an event failed", exc_info=exception)
    return SessionState.show_problem("unavailable" if isinstance(exception, UNAVAILABLE) else "failed")
