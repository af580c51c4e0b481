"""Tests for Norwegian national identity numbers."""

from __future__ import annotations

import pickle
from calendar import isleap
from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from homecare.domain.national_id import (
    NationalId,
    NationalIdError,
    NationalIdProblem,
    age_on,
    is_valid_national_id,
    masked,
    parse_national_id,
)

CAST = {
    "14833810058": date(1938, 3, 14),
    "21873510371": date(1935, 7, 21),
    "02916810051": date(1968, 11, 2),
    "10861250151": date(2012, 6, 10),
    "30819010095": date(1990, 1, 30),
    "05855010196": date(1950, 5, 5),
}


# Written independently of the module on purpose: generating test numbers with the code under test would
# make the round-trip properties circular.
def with_check_digits(first_nine: str) -> str | None:
    """The full number for these nine digits, or None when the mod-11 rule gives no check digit."""
    digits = [int(c) for c in first_nine]
    for weights in ((3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)):
        check = (11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11) % 11
        if check == 10:
            return None
        digits.append(check)
    return "".join(map(str, digits))


def build(
    day: int, month: int, two_digit_year: int, individual_numbers: Iterable[int] = range(100, 500)
) -> str:
    """The number with the first of `individual_numbers` that has check digits (about 1 in 11 has none)."""
    return next(
        number
        for individual_number in individual_numbers
        if (number := with_check_digits(f"{day:02d}{month:02d}{two_digit_year:02d}{individual_number:03d}"))
    )


def problem_of(text: str) -> NationalIdProblem:
    with pytest.raises(NationalIdError) as caught:
        parse_national_id(text)
    return caught.value.reason


# --- the demo cast -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "birth_date"), CAST.items())
def test_cast_numbers_are_valid_synthetic_numbers_with_the_expected_birth_date(
    number: str, birth_date: date
) -> None:
    parsed = parse_national_id(number)

    assert parsed == NationalId(value=number, birth_date=birth_date, is_d_number=False, is_synthetic=True)
    assert is_valid_national_id(number)


@pytest.mark.parametrize("number", CAST)
@pytest.mark.parametrize("position", [9, 10])
def test_every_substitution_in_the_check_digits_of_a_cast_number_is_rejected(
    number: str, position: int
) -> None:
    for digit in "0123456789":
        if digit != number[position]:
            changed = number[:position] + digit + number[position + 1 :]
            assert problem_of(changed) is NationalIdProblem.BAD_CHECK_DIGITS


# --- accepted formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["148338 10058", "  14833810058\n", "\t148338 10058 "])
def test_surrounding_whitespace_and_one_space_after_the_date_are_accepted(text: str) -> None:
    assert parse_national_id(text).value == "14833810058"


# --- the kinds of number -------------------------------------------------------------------------------


def test_ordinary_fodselsnummer() -> None:
    parsed = parse_national_id(build(14, 3, 38))

    assert (parsed.birth_date, parsed.is_d_number, parsed.is_synthetic) == (date(1938, 3, 14), False, False)


def test_d_number_has_four_added_to_the_first_digit() -> None:
    parsed = parse_national_id(build(54, 3, 38))

    assert (parsed.birth_date, parsed.is_d_number, parsed.is_synthetic) == (date(1938, 3, 14), True, False)


def test_synthetic_number_with_forty_added_to_the_month() -> None:
    parsed = parse_national_id(build(14, 43, 38))

    assert (parsed.birth_date, parsed.is_d_number, parsed.is_synthetic) == (date(1938, 3, 14), False, True)


@pytest.mark.parametrize("month", [43, 83])
def test_d_number_can_also_be_synthetic(month: int) -> None:
    parsed = parse_national_id(build(54, month, 38))

    assert (parsed.birth_date, parsed.is_d_number, parsed.is_synthetic) == (date(1938, 3, 14), True, True)


@pytest.mark.parametrize(
    ("two_digit_year", "individual_numbers", "year"),
    [
        (38, range(0, 20), 1938),
        (99, range(499, 479, -1), 1999),
        (54, range(500, 520), 1854),
        (99, range(749, 729, -1), 1899),
        (0, range(500, 520), 2000),
        (39, range(999, 979, -1), 2039),
        (40, range(900, 920), 1940),
        (99, range(999, 979, -1), 1999),
    ],
)
def test_century_follows_from_individual_number_and_year(
    two_digit_year: int, individual_numbers: range, year: int
) -> None:
    assert parse_national_id(build(1, 1, two_digit_year, individual_numbers)).birth_date == date(year, 1, 1)


# --- rejected numbers, each with its reason ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1483381005",
        "148338100581",
        "14833-810058",
        "148338  10058",
        "1483 3810058",
        "1483381005x",
        "14.03.38 10058",
        "١٤٨٣٣٨١٠٠٥٨",  # Arabic-Indic digits: str.isdigit() says yes, the register says no.
    ],
)
def test_anything_but_eleven_ascii_digits_is_rejected(text: str) -> None:
    assert problem_of(text) is NationalIdProblem.NOT_ELEVEN_DIGITS


@pytest.mark.parametrize("text", ["14833810059", "14833810068", "14833810158", "24833810058"])
def test_wrong_check_digits_are_rejected(text: str) -> None:
    assert problem_of(text) is NationalIdProblem.BAD_CHECK_DIGITS


def test_nine_digits_whose_first_check_digit_would_be_ten_have_no_valid_number() -> None:
    first_nine = next(f"140338{i:03d}" for i in range(500) if with_check_digits(f"140338{i:03d}") is None)

    assert not any(is_valid_national_id(f"{first_nine}{ending:02d}") for ending in range(100))


@pytest.mark.parametrize(
    ("day", "month", "two_digit_year"),
    [
        (0, 3, 38),
        (32, 3, 38),
        (40, 3, 38),
        (72, 3, 38),  # D-number for day 32
        (14, 0, 38),
        (14, 13, 38),
        (14, 40, 38),
        (14, 53, 38),  # +40 synthetic for month 13
        (14, 80, 38),
        (14, 93, 38),  # +80 synthetic for month 13
        (31, 4, 38),
        (29, 2, 0),  # 1900 was not a leap year
        (29, 2, 38),
    ],
)
def test_impossible_dates_are_rejected(day: int, month: int, two_digit_year: int) -> None:
    assert problem_of(build(day, month, two_digit_year)) is NationalIdProblem.BAD_DATE


def test_29_february_2000_is_a_real_date() -> None:
    assert parse_national_id(build(29, 2, 0, range(500, 1000))).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("two_digit_year", "individual_numbers"),
    [
        (40, range(500, 520)),
        (53, range(749, 729, -1)),
        (40, range(750, 770)),
        (54, range(750, 770)),
        (99, range(899, 879, -1)),
        (45, range(600, 620)),
    ],
)
def test_individual_numbers_never_issued_for_the_year_are_rejected(
    two_digit_year: int, individual_numbers: range
) -> None:
    number = build(1, 1, two_digit_year, individual_numbers)

    assert problem_of(number) is NationalIdProblem.BAD_INDIVIDUAL_NUMBER


# --- not leaking the number ----------------------------------------------------------------------------


def test_masked_shows_only_the_real_birth_date() -> None:
    assert masked("14833810058") == "140338 *****"
    assert masked(build(54, 83, 38)) == "140338 *****"


def test_masked_rejects_invalid_numbers() -> None:
    with pytest.raises(NationalIdError):
        masked("14833810059")


def test_repr_and_error_messages_do_not_contain_the_number() -> None:
    assert "10058" not in repr(parse_national_id("14833810058"))
    with pytest.raises(NationalIdError) as caught:
        parse_national_id("14833810059")
    assert "10059" not in str(caught.value)


def test_error_survives_pickling_with_its_reason() -> None:
    error = pickle.loads(pickle.dumps(NationalIdError(NationalIdProblem.BAD_DATE)))

    assert error.reason is NationalIdProblem.BAD_DATE


# --- properties of generated valid numbers -------------------------------------------------------------


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[str, date, bool, bool]:
    """A valid number built from a birth date, an individual number issued for its century, and a kind."""
    birth_date = draw(st.dates(min_value=date(1854, 1, 1), max_value=date(2039, 12, 31)))
    if birth_date.year < 1900:
        individual_number = draw(st.integers(500, 749))
    elif birth_date.year < 1940:
        individual_number = draw(st.integers(0, 499))
    elif birth_date.year < 2000:
        individual_number = draw(st.integers(0, 499) | st.integers(900, 999))
    else:
        individual_number = draw(st.integers(500, 999))
    is_d_number = draw(st.booleans())
    month_offset = draw(st.sampled_from([0, 40, 80]))
    day = birth_date.day + (40 if is_d_number else 0)
    number = with_check_digits(
        f"{day:02d}{birth_date.month + month_offset:02d}{birth_date.year % 100:02d}{individual_number:03d}"
    )
    assume(number is not None)
    assert number is not None
    return number, birth_date, is_d_number, month_offset != 0


@given(valid_numbers())
def test_parse_round_trips_birth_date_and_kind(case: tuple[str, date, bool, bool]) -> None:
    number, birth_date, is_d_number, is_synthetic = case

    assert parse_national_id(number) == NationalId(number, birth_date, is_d_number, is_synthetic)
    assert parse_national_id(f" {number[:6]} {number[6:]} ").value == number


@given(valid_numbers(), st.integers(0, 10), st.integers(1, 9))
def test_any_single_digit_substitution_is_caught_by_the_check_digits(
    case: tuple[str, date, bool, bool], position: int, shift: int
) -> None:
    # Every weight is between 1 and 10 and 11 is prime, so changing one digit always changes the weighted
    # sum modulo 11: no substitution anywhere can slip through, not just in the check digits themselves.
    number = case[0]
    digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + digit + number[position + 1 :]

    assert problem_of(changed) is NationalIdProblem.BAD_CHECK_DIGITS


@given(valid_numbers())
def test_masked_hides_everything_but_the_birth_date(case: tuple[str, date, bool, bool]) -> None:
    number, birth_date, *_ = case

    assert masked(number) == f"{birth_date:%d%m}{birth_date.year % 100:02d} *****"


@given(st.text())
def test_validating_arbitrary_text_agrees_with_parsing_it(text: str) -> None:
    try:
        parse_national_id(text)
    except NationalIdError:
        parsed = False
    else:
        parsed = True
    assert is_valid_national_id(text) is parsed


# --- age ----------------------------------------------------------------------------------------------

birth_dates = st.dates(min_value=date(1854, 1, 1), max_value=date(2039, 12, 31))


def birthday_in(year: int, birth_date: date) -> date:
    if (birth_date.month, birth_date.day) == (2, 29) and not isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2000, 2, 29), 0),
        (date(2001, 2, 28), 0),
        (date(2001, 3, 1), 1),
        (date(2004, 2, 28), 3),
        (date(2004, 2, 29), 4),
        (date(2005, 2, 28), 4),
        (date(2005, 3, 1), 5),
    ],
)
def test_born_on_29_february_has_birthday_on_1_march_in_other_years(day: date, age: int) -> None:
    assert age_on(date(2000, 2, 29), day) == age


def test_age_of_cast_member_on_a_given_day() -> None:
    assert age_on(date(1938, 3, 14), date(2026, 3, 13)) == 87
    assert age_on(date(1938, 3, 14), date(2026, 3, 14)) == 88


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@given(birth_dates, st.integers(1, 120))
def test_age_increases_by_exactly_one_on_the_birthday(birth_date: date, years: int) -> None:
    birthday = birthday_in(birth_date.year + years, birth_date)

    assert age_on(birth_date, birthday) == years
    assert age_on(birth_date, birthday - timedelta(days=1)) == years - 1


@given(birth_dates, st.integers(0, 50_000), st.integers(0, 50_000))
def test_age_is_never_negative_and_never_decreases(birth_date: date, offset: int, more: int) -> None:
    earlier = birth_date + timedelta(days=offset)
    later = earlier + timedelta(days=more)

    assert 0 <= age_on(birth_date, earlier) <= age_on(birth_date, later)
    assert age_on(birth_date, birth_date) == 0
