"""Rules of logging in: security levels and when a session has run out."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# ID-porten's levels of assurance, weakest first.
ACR_LEVELS: tuple[str, ...] = ("idporten-loa-substantial", "idporten-loa-high")


def acr_satisfies(actual: str | None, required: str) -> bool:
    """Whether a login at level `actual` is good enough where `required` is asked for.

    An unknown level never satisfies; an unknown requirement cannot be met.
    """
    if actual not in ACR_LEVELS or required not in ACR_LEVELS:
        return False
    return ACR_LEVELS.index(actual) >= ACR_LEVELS.index(required)


def session_is_live(
    *,
    created_at: datetime,
    last_seen_at: datetime,
    ended_at: datetime | None,
    now: datetime,
    idle_limit: timedelta,
    absolute_limit: timedelta,
) -> bool:
    """Whether a session may still be used at `now`: not ended, not idle too long, not too old."""
    if ended_at is not None:
        return False
    return now - last_seen_at < idle_limit and now - created_at < absolute_limit


class LoginProblem(StrEnum):
    """Why a login did not succeed; each has its own explanation on the error page."""

    DENIED = "denied"
    BAD_STATE = "bad_state"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    INVALID_TOKEN = "invalid_token"
    ACR_TOO_LOW = "acr_too_low"
    UNKNOWN_PERSON = "unknown_person"
    TOO_MANY = "too_many"
