"""What a message must be, and when the service answers."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.messages import (
    MAX_TEXT_LENGTH,
    MAX_TOPIC_LENGTH,
    PREVIEW_LENGTH,
    MessageProblem,
    expected_answer_day,
    normalize_text,
    preview,
    text_problems,
    topic_problems,
)


def test_a_topic_and_a_text_are_required() -> None:
    assert topic_problems("   ") == [MessageProblem.TOPIC_MISSING]
    assert text_problems(" \n ") == [MessageProblem.TEXT_MISSING]
    assert topic_problems("Medisiner") == []
    assert text_problems("Hei!\nKan dere komme tidligere?\n") == []


def test_the_limits_count_after_trimming() -> None:
    assert topic_problems("x" * MAX_TOPIC_LENGTH + "   ") == []
    assert topic_problems("x" * (MAX_TOPIC_LENGTH + 1)) == [MessageProblem.TOPIC_TOO_LONG]
    assert text_problems("  " + "x" * MAX_TEXT_LENGTH + "\n") == []
    assert text_problems("x" * (MAX_TEXT_LENGTH + 1)) == [MessageProblem.TEXT_TOO_LONG]


def test_control_characters_are_refused_but_line_breaks_are_welcome() -> None:
    assert text_problems("line one\r\nline two\ttabbed") == []
    assert text_problems("bell \x07") == [MessageProblem.TEXT_HAS_CONTROL_CHARACTERS]
    assert topic_problems("two\nlines") == [MessageProblem.TOPIC_HAS_CONTROL_CHARACTERS]
    assert topic_problems("null \x00") == [MessageProblem.TOPIC_HAS_CONTROL_CHARACTERS]


def test_html_is_just_text() -> None:
    assert text_problems("<script>alert(1)</script>") == []


@given(st.text(max_size=5000))
def test_normalized_text_has_no_carriage_returns_and_no_surrounding_space(text: str) -> None:
    normalized = normalize_text(text)
    assert "\r" not in normalized
    assert normalized == normalized.strip()


@given(st.text(max_size=300))
def test_a_preview_is_one_short_line(text: str) -> None:
    shown = preview(text)
    assert len(shown) <= PREVIEW_LENGTH
    assert "\n" not in shown


def test_an_answer_comes_by_the_next_working_day() -> None:
    assert expected_answer_day(date(2026, 12, 7)) == date(2026, 12, 8)  # Monday -> Tuesday
    assert expected_answer_day(date(2026, 12, 4)) == date(2026, 12, 7)  # Friday -> Monday
    assert expected_answer_day(date(2026, 12, 24)) == date(
        2026, 12, 28
    )  # Christmas Eve -> after the holidays
    assert expected_answer_day(date(2026, 4, 1)) == date(2026, 4, 7)  # before Easter -> after Easter Monday
