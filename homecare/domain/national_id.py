"""Norwegian national identity numbers (fødselsnummer, D-number, synthetic test numbers)."""

from __future__ import annotations

import re
from calendar import isleap
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# Only ASCII digits: `\d` would also accept e.g. Arabic-Indic digits, which no register issues.
_FORMAT = re.compile(r"([0-9]{6}) ?([0-9]{5})")
_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_D_NUMBER_DAY_OFFSET = 40
# Month +80 marks the population register's synthetic test numbers; month +40 marks other test numbers (and
# the health service's H-numbers). Both are read for their birth date; largest first, so 81-92 is read as +80.
_SYNTHETIC_MONTH_OFFSETS = (80, 40)


class NationalIdProblem(StrEnum):
    """Why a text is not a valid national identity number; the values are stable keys the UI translates."""

    NOT_ELEVEN_DIGITS = "not_eleven_digits"
    BAD_CHECK_DIGITS = "bad_check_digits"
    BAD_DATE = "bad_date"
    BAD_INDIVIDUAL_NUMBER = "bad_individual_number"


_MESSAGES = {
    NationalIdProblem.NOT_ELEVEN_DIGITS: "a national identity number is exactly 11 digits",
    NationalIdProblem.BAD_CHECK_DIGITS: "the check digits of the national identity number do not match",
    NationalIdProblem.BAD_DATE: "the national identity number does not start with a valid date",
    NationalIdProblem.BAD_INDIVIDUAL_NUMBER: "the individual number does not fit the year of birth",
}


class NationalIdError(ValueError):
    """A text is not a valid national identity number; `reason` says why."""

    def __init__(self, reason: NationalIdProblem) -> None:
        # The message never contains the number itself, so the error is safe to log.
        super().__init__(_MESSAGES[reason])
        self.reason = reason

    def __reduce__(self) -> tuple[type[NationalIdError], tuple[NationalIdProblem]]:
        # Default exception pickling would pass the message back in as `reason`.
        return (type(self), (self.reason,))


@dataclass(frozen=True)
class NationalId:
    """A valid national identity number and what it says about its holder."""

    # Left out of repr so the full number does not end up in logs and tracebacks.
    value: str = field(repr=False)
    birth_date: date
    is_d_number: bool
    is_synthetic: bool


def _check_digits(first_nine: list[int]) -> tuple[int, int] | None:
    """The two check digits for the first nine digits, or None when no valid number has these digits."""
    k1 = _mod11_check_digit(first_nine, _K1_WEIGHTS)
    if k1 is None:
        return None
    k2 = _mod11_check_digit([*first_nine, k1], _K2_WEIGHTS)
    if k2 is None:
        return None
    return k1, k2


def _mod11_check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    remainder = 11 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def _century(individual_number: int, two_digit_year: int) -> int | None:
    """The century the individual number was issued in, per Skatteetaten's allocation, or None if none."""
    if individual_number <= 499:
        return 1900
    if individual_number <= 749 and two_digit_year >= 54:
        return 1800
    if two_digit_year <= 39:
        return 2000
    if individual_number >= 900:
        return 1900
    return None


def parse_national_id(text: str) -> NationalId:
    """Parse a fødselsnummer or D-number, real or synthetic.

    Surrounding whitespace and a single space between the six date digits and the five others are accepted
    (`"148338 10058"`). Raises `NationalIdError` carrying the first problem found.
    """
    match = _FORMAT.fullmatch(text.strip())
    if match is None:
        raise NationalIdError(NationalIdProblem.NOT_ELEVEN_DIGITS)
    value = match[1] + match[2]
    digits = [int(c) for c in value]
    if _check_digits(digits[:9]) != (digits[9], digits[10]):
        raise NationalIdError(NationalIdProblem.BAD_CHECK_DIGITS)

    day, month = int(value[0:2]), int(value[2:4])
    two_digit_year, individual_number = int(value[4:6]), int(value[6:9])
    is_d_number = day > _D_NUMBER_DAY_OFFSET
    if is_d_number:
        day -= _D_NUMBER_DAY_OFFSET
    month_offset = next((offset for offset in _SYNTHETIC_MONTH_OFFSETS if month > offset), 0)
    month -= month_offset
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise NationalIdError(NationalIdProblem.BAD_DATE)

    century = _century(individual_number, two_digit_year)
    if century is None:
        raise NationalIdError(NationalIdProblem.BAD_INDIVIDUAL_NUMBER)
    try:
        birth_date = date(century + two_digit_year, month, day)
    except ValueError:
        raise NationalIdError(NationalIdProblem.BAD_DATE) from None
    return NationalId(
        value=value, birth_date=birth_date, is_d_number=is_d_number, is_synthetic=month_offset != 0
    )


def is_valid_national_id(text: str) -> bool:
    try:
        parse_national_id(text)
    except NationalIdError:
        return False
    return True


def _birthday_in(year: int, birth_date: date) -> date:
    if birth_date.month == 2 and birth_date.day == 29 and not isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def age_on(birth_date: date, day: date) -> int:
    """Age in full years on `day`; someone born 29 February has their birthday on 1 March in other years.

    Raises ValueError if `day` is before `birth_date`.
    """
    if day < birth_date:
        raise ValueError("day is before the birth date")
    had_birthday = day >= _birthday_in(day.year, birth_date)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def masked(value: str) -> str:
    """The birth date as DDMMYY followed by five asterisks, e.g. `"140338 *****"` for `"14833810058"`.

    The date is the real birth date, so D-numbers and synthetic numbers show it too. Raises
    `NationalIdError` if `value` is not a valid number.
    """
    birth_date = parse_national_id(value).birth_date
    return f"{birth_date.day:02d}{birth_date.month:02d}{birth_date.year % 100:02d} *****"
