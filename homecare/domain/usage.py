"""What the usage log records about each use of a person's data."""

from __future__ import annotations

from enum import StrEnum


class UsageOutcome(StrEnum):
    """How an attempt to use a person's data ended."""

    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"
