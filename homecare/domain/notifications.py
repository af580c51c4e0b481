"""Notification levels and channels, as the set-up page offers them."""

from __future__ import annotations

from enum import StrEnum


class NotificationLevel(StrEnum):
    """How much a person wants to hear: only what the law demands, the usual, or everything."""

    MANDATORY = "mandatory"
    STANDARD = "standard"
    ALL = "all"


class Channel(StrEnum):
    """How a notification reaches a person."""

    SMS = "sms"
    EMAIL = "email"
