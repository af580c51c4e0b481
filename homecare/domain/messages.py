"""What a message to the home care service must be, and when an answer can be expected."""

from __future__ import annotations

import unicodedata
from datetime import date
from enum import StrEnum

from homecare.domain.working_days import add_working_days

MAX_TOPIC_LENGTH = 100
MAX_TEXT_LENGTH = 4000
PREVIEW_LENGTH = 80
# The service answers within one working day.
ANSWER_WITHIN_WORKING_DAYS = 1
# Line breaks and tabs belong in a letter; other control characters never come from a keyboard.
_ALLOWED_IN_TEXT = frozenset("\n\t")


class MessageProblem(StrEnum):
    """What is wrong with a message; each has its own words in the catalogs."""

    TOPIC_MISSING = "topic_missing"
    TOPIC_TOO_LONG = "topic_too_long"
    TOPIC_HAS_CONTROL_CHARACTERS = "topic_has_control_characters"
    TEXT_MISSING = "text_missing"
    TEXT_TOO_LONG = "text_too_long"
    TEXT_HAS_CONTROL_CHARACTERS = "text_has_control_characters"


def normalize_text(text: str) -> str:
    """Line breaks as \\n, surrounding whitespace gone."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def has_control_characters(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether `text` holds control characters besides those `allowed` (a keyboard never types them)."""
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


def topic_problems(topic: str) -> list[MessageProblem]:
    topic = topic.strip()
    if not topic:
        return [MessageProblem.TOPIC_MISSING]
    problems = []
    if len(topic) > MAX_TOPIC_LENGTH:
        problems.append(MessageProblem.TOPIC_TOO_LONG)
    if has_control_characters(topic):
        problems.append(MessageProblem.TOPIC_HAS_CONTROL_CHARACTERS)
    return problems


def text_problems(text: str) -> list[MessageProblem]:
    text = normalize_text(text)
    if not text:
        return [MessageProblem.TEXT_MISSING]
    problems = []
    if len(text) > MAX_TEXT_LENGTH:
        problems.append(MessageProblem.TEXT_TOO_LONG)
    if has_control_characters(text, _ALLOWED_IN_TEXT):
        problems.append(MessageProblem.TEXT_HAS_CONTROL_CHARACTERS)
    return problems


def preview(text: str) -> str:
    """The start of a message on one line, for the inbox."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= PREVIEW_LENGTH else one_line[: PREVIEW_LENGTH - 1].rstrip() + "…"


def expected_answer_day(sent_on: date) -> date:
    """The day by which the service answers a message sent on `sent_on` (a date in Oslo)."""
    return add_working_days(sent_on, ANSWER_WITHIN_WORKING_DAYS)
