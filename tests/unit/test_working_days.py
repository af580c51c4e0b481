"""Tests for Norwegian working days and the Oslo calendar date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.domain import working_days
from homecare.domain.working_days import (
    add_working_days,
    is_working_day,
    next_working_day,
    oslo_date,
    previous_working_day,
    public_holiday_name,
)

ONE_DAY = timedelta(days=1)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))


def working_days_in(first: date, last: date) -> int:
    """Working days from `first` to `last`, both included."""
    return sum(is_working_day(first + timedelta(days=i)) for i in range((last - first).days + 1))


# --- known dates ---------------------------------------------------------------------------------------


def test_public_holidays_of_2026_are_exactly_the_statutory_ones() -> None:
    all_of_2026 = (date(2026, 1, 1) + timedelta(days=i) for i in range(365))

    assert {day: name for day in all_of_2026 if (name := public_holiday_name(day))} == {
        date(2026, 1, 1): "Første nyttårsdag",
        date(2026, 4, 2): "Skjærtorsdag",
        date(2026, 4, 3): "Langfredag",
        date(2026, 4, 5): "Første påskedag",
        date(2026, 4, 6): "Andre påskedag",
        date(2026, 5, 1): "Arbeidernes dag",
        date(2026, 5, 14): "Kristi himmelfartsdag",
        date(2026, 5, 17): "Grunnlovsdag",
        date(2026, 5, 24): "Første pinsedag",
        date(2026, 5, 25): "Andre pinsedag",
        date(2026, 12, 25): "Første juledag",
        date(2026, 12, 26): "Andre juledag",
    }


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 2),  # Maundy Thursday
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2027, 5, 17),  # Constitution Day, a Monday
        date(2026, 12, 25),  # Christmas Day, a Friday
        date(2026, 12, 26),  # Saturday
        date(2026, 12, 27),  # Sunday
    ],
)
def test_holidays_and_weekends_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 1),  # the Wednesday before Easter
        date(2026, 4, 7),  # the Tuesday after Easter Monday
        date(2026, 12, 24),  # Christmas Eve, a Thursday
        date(2026, 12, 31),  # New Year's Eve, a Thursday
    ],
)
def test_ordinary_weekdays_and_the_eves_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_working_day_after_christmas_eve_2026_is_the_monday() -> None:
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_working_day_before_the_tuesday_after_easter_2026_is_the_wednesday_before() -> None:
    assert previous_working_day(date(2026, 4, 7)) == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 4, 1), 1, date(2026, 4, 7)),
        (date(2026, 12, 23), 2, date(2026, 12, 28)),
        (date(2026, 12, 26), 1, date(2026, 12, 28)),  # a Saturday start is not counted
        (date(2026, 4, 7), -1, date(2026, 4, 1)),
        (date(2026, 12, 27), 0, date(2026, 12, 27)),
    ],
)
def test_add_working_days_examples(day: date, n: int, expected: date) -> None:
    assert add_working_days(day, n) == expected


def test_ordinary_sundays_have_no_holiday_name_but_holidays_on_sundays_do() -> None:
    assert public_holiday_name(date(2026, 5, 3)) is None
    assert public_holiday_name(date(2026, 5, 17)) == "Grunnlovsdag"


def test_holiday_names_in_english() -> None:
    assert public_holiday_name(date(2026, 5, 17), "en") == "Constitution Day"
    assert public_holiday_name(date(2026, 12, 24), "en") is None


def test_nynorsk_and_sami_pages_get_the_bokmaal_names() -> None:
    for language in ("nn", "se"):
        assert public_holiday_name(date(2026, 5, 17), language) == public_holiday_name(date(2026, 5, 17))


def test_unsupported_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        public_holiday_name(date(2026, 5, 17), "sv")


def test_holiday_names_do_not_depend_on_the_process_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    # Left to itself the holidays package picks the name language from these variables.
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(variable, "en_US.UTF-8")
    working_days._public_holidays.cache_clear()
    try:
        assert public_holiday_name(date(2026, 5, 17)) == "Grunnlovsdag"
    finally:
        working_days._public_holidays.cache_clear()


def test_a_datetime_is_refused_rather_than_silently_missing_holidays() -> None:
    with pytest.raises(TypeError):
        is_working_day(datetime(2026, 12, 25, 12, tzinfo=UTC))


# --- properties ----------------------------------------------------------------------------------------


@given(days)
def test_weekends_are_never_working_days(day: date) -> None:
    if day.weekday() >= 5:
        assert not is_working_day(day)


@given(days)
def test_next_working_day_is_the_first_working_day_after(day: date) -> None:
    result = next_working_day(day)

    assert result > day
    assert is_working_day(result)
    assert working_days_in(day + ONE_DAY, result - ONE_DAY) == 0


@given(days)
def test_previous_working_day_is_the_last_working_day_before(day: date) -> None:
    result = previous_working_day(day)

    assert result < day
    assert is_working_day(result)
    assert working_days_in(result + ONE_DAY, day - ONE_DAY) == 0


@given(days, st.integers(-60, 60))
def test_add_working_days_moves_over_exactly_n_working_days(day: date, n: int) -> None:
    result = add_working_days(day, n)

    if n == 0:
        assert result == day
    elif n > 0:
        assert result > day
        assert is_working_day(result)
        assert working_days_in(day + ONE_DAY, result) == n
    else:
        assert result < day
        assert is_working_day(result)
        assert working_days_in(result, day - ONE_DAY) == -n


@given(days, st.integers(-60, 60))
def test_adding_and_subtracting_returns_to_a_working_day(day: date, n: int) -> None:
    start = day if is_working_day(day) else next_working_day(day)

    assert add_working_days(add_working_days(start, n), -n) == start


# --- the date in Oslo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Spring forward on 29 March 2026 at 01:00 UTC (02:00 CET becomes 03:00 CEST).
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),
        # Fall back on 25 October 2026 at 01:00 UTC (03:00 CEST becomes 02:00 CET).
        (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24)),
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 26)),
        # 23:30 UTC is already tomorrow in Oslo, winter and summer alike.
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), date(2026, 1, 16)),
        (datetime(2026, 7, 15, 23, 30, tzinfo=UTC), date(2026, 7, 16)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 7, 15, 21, 30, tzinfo=UTC), date(2026, 7, 15)),
        # Any aware datetime works, not only UTC.
        (datetime(2026, 7, 15, 23, 30, tzinfo=ZoneInfo("America/New_York")), date(2026, 7, 16)),
    ],
)
def test_oslo_date(moment: datetime, expected: date) -> None:
    assert oslo_date(moment) == expected


def test_oslo_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        oslo_date(datetime(2026, 7, 15, 12, 0))


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)))
def test_oslo_date_is_the_utc_date_or_the_day_after(moment: datetime) -> None:
    # Oslo is one hour ahead of UTC in winter and two in summer.
    assert oslo_date(moment) in {(moment + timedelta(hours=1)).date(), (moment + timedelta(hours=2)).date()}
