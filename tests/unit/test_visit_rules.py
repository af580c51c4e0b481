"""When a visit can be cancelled here, and what a cancellation or a request for a new time must say."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.time_zone import OSLO
from homecare.domain.visits import (
    DEFAULT_RULE,
    MAX_CANCEL_NOTE_LENGTH,
    CancelFormProblem,
    CancellationRule,
    CancelProblem,
    NewTimeProblem,
    VisitStatus,
    cancel_form_problems,
    cancel_problem,
    cancellation_deadline,
    new_time_problems,
)
from homecare.domain.working_days import is_working_day


def oslo(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO).astimezone(UTC)


def deadline_in_oslo(
    visit_day: date, hour: int = 8, minute: int = 0, rule: CancellationRule = DEFAULT_RULE
) -> datetime:
    return cancellation_deadline(oslo(visit_day, hour, minute), rule).astimezone(OSLO)


def test_a_visit_on_a_wednesday_can_be_cancelled_until_three_on_tuesday() -> None:
    assert deadline_in_oslo(date(2026, 12, 9)) == datetime(2026, 12, 8, 15, 0, tzinfo=OSLO)


def test_a_monday_visit_is_cancelled_by_friday_afternoon_even_at_half_past_midnight() -> None:
    assert deadline_in_oslo(date(2026, 12, 7), 0, 30) == datetime(2026, 12, 4, 15, 0, tzinfo=OSLO)
    # 00:30 on Monday in Oslo is still Sunday in UTC; the day counts in Oslo.
    assert oslo(date(2026, 12, 7), 0, 30).date() == date(2026, 12, 6)


def test_easter_pushes_the_deadline_back_over_the_holidays() -> None:
    # Easter 2027: Maundy Thursday 25 March, Good Friday 26, Easter Monday 29 March.
    assert deadline_in_oslo(date(2027, 3, 30)) == datetime(2027, 3, 24, 15, 0, tzinfo=OSLO)
    assert deadline_in_oslo(date(2027, 3, 29)) == datetime(2027, 3, 24, 15, 0, tzinfo=OSLO)


def test_constitution_day_is_not_a_working_day() -> None:
    # 17 May 2027 is a Monday; a visit on Tuesday 18 May must be cancelled by Friday 14 May.
    assert deadline_in_oslo(date(2027, 5, 18)) == datetime(2027, 5, 14, 15, 0, tzinfo=OSLO)


def test_christmas_and_new_year() -> None:
    # 25 and 26 December 2026 are Friday and Saturday; 24 December is a working day.
    assert deadline_in_oslo(date(2026, 12, 28)) == datetime(2026, 12, 24, 15, 0, tzinfo=OSLO)
    # 1 January 2027 is a Friday: a visit on Monday 4 January is cancelled by Thursday 31 December.
    assert deadline_in_oslo(date(2027, 1, 4)) == datetime(2026, 12, 31, 15, 0, tzinfo=OSLO)


def test_the_switches_to_and_from_summer_time_keep_three_oclock_in_oslo() -> None:
    # Summer time begins on Sunday 29 March 2026 and ends on Sunday 25 October 2026.
    spring = deadline_in_oslo(date(2026, 3, 30))
    assert spring == datetime(2026, 3, 27, 15, 0, tzinfo=OSLO)
    assert spring.utcoffset() == timedelta(hours=1)
    autumn = deadline_in_oslo(date(2026, 10, 26))
    assert autumn == datetime(2026, 10, 23, 15, 0, tzinfo=OSLO)
    assert autumn.utcoffset() == timedelta(hours=2)
    # A visit on the morning after the switch: the deadline is the Friday before, in summer time.
    assert deadline_in_oslo(date(2026, 3, 30), 0, 30).utcoffset() == timedelta(hours=1)


def test_a_municipality_can_set_its_own_deadline() -> None:
    same_day_noon = CancellationRule(cutoff=time(12, 0), working_days_before=0)
    assert deadline_in_oslo(date(2026, 12, 9), 14, rule=same_day_noon) == datetime(
        2026, 12, 9, 12, 0, tzinfo=OSLO
    )
    # Never later than the visit itself.
    assert deadline_in_oslo(date(2026, 12, 9), 8, rule=same_day_noon) == datetime(
        2026, 12, 9, 8, 0, tzinfo=OSLO
    )
    two_days = CancellationRule(working_days_before=2)
    assert deadline_in_oslo(date(2026, 12, 9), rule=two_days) == datetime(2026, 12, 7, 15, 0, tzinfo=OSLO)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)),
    st.integers(min_value=1, max_value=5),
)
def test_the_deadline_is_on_a_working_day_before_the_visit_at_the_cutoff(
    starts_at: datetime, days_before: int
) -> None:
    deadline = cancellation_deadline(starts_at, CancellationRule(working_days_before=days_before)).astimezone(
        OSLO
    )
    assert deadline < starts_at
    assert is_working_day(deadline.date())
    assert deadline.time() == time(15, 0)
    assert deadline.date() < starts_at.astimezone(OSLO).date()


def test_only_a_planned_visit_before_its_deadline_can_be_cancelled() -> None:
    starts = oslo(date(2026, 12, 9), 8)
    before, after = oslo(date(2026, 12, 8), 14, 59), oslo(date(2026, 12, 8), 15, 1)
    assert cancel_problem(VisitStatus.PLANNED, starts, before) is None
    assert cancel_problem(VisitStatus.PLANNED, starts, after) is CancelProblem.TOO_LATE
    for status in (VisitStatus.COMPLETED, VisitStatus.CANCELLED_BY_CITIZEN, VisitStatus.CANCELLED_BY_SERVICE):
        assert cancel_problem(status, starts, before) is CancelProblem.NOT_PLANNED


def test_a_cancellation_needs_a_reason_and_words_for_other() -> None:
    assert cancel_form_problems("", "") == [CancelFormProblem.REASON_MISSING]
    assert cancel_form_problems("because", "") == [CancelFormProblem.REASON_MISSING]
    assert cancel_form_problems("not_home", "") == []
    assert cancel_form_problems("other", "  ") == [CancelFormProblem.NOTE_MISSING]
    assert cancel_form_problems("other", "Til tannlegen") == []
    assert cancel_form_problems("not_home", "x" * (MAX_CANCEL_NOTE_LENGTH + 1)) == [
        CancelFormProblem.NOTE_TOO_LONG
    ]
    assert cancel_form_problems("not_home", "a\x00b") == [CancelFormProblem.NOTE_HAS_CONTROL_CHARACTERS]


def test_a_request_for_a_new_time_says_something() -> None:
    assert new_time_problems([], [], " ") == [NewTimeProblem.NOTHING_CHOSEN]
    assert new_time_problems([9], ["night"], "") == [NewTimeProblem.NOTHING_CHOSEN]
    assert new_time_problems([0], [], "") == []
    assert new_time_problems([], ["morning"], "") == []
    assert new_time_problems([], [], "Etter kl. 12 passer best") == []
