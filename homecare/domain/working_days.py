"""Working days in Norway: weekdays that are not public holidays, with dates as seen in Europe/Oslo."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from homecare.domain.time_zone import OSLO

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
# Our language codes mapped to the holidays package's locale codes. A language is always passed because
# with language=None the package picks names from the process locale, so the same code would give
# Norwegian names on one server and English on another.
# The holidays package names Norway's holidays in Bokmål and English only: Nynorsk and Sámi get Bokmål's.
_PACKAGE_LANGUAGES = {"nb": "no", "nn": "no", "se": "no", "en": "en_US"}


@lru_cache(maxsize=64)
def _public_holidays(year: int, package_language: str) -> Mapping[date, str]:
    # include_sundays=False: Norwegian law makes every Sunday a holiday (helligdag) and the package can
    # list them all as "Søndag"; weekends are excluded separately and must not get a holiday name.
    calendar = holidays.Norway(years=year, include_sundays=False, language=package_language)
    return MappingProxyType(dict(calendar.items()))


def _require_date(day: date) -> None:
    # A datetime is a date subclass but never equal to one, so it would silently miss every holiday.
    if isinstance(day, datetime):
        raise TypeError("expected a date, not a datetime; convert with oslo_date() first")


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday; Christmas Eve and New Year's Eve are working days."""
    _require_date(day)
    return day.weekday() < _SATURDAY and day not in _public_holidays(day.year, _PACKAGE_LANGUAGES["nb"])


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    candidate = day + _ONE_DAY
    while not is_working_day(candidate):
        candidate += _ONE_DAY
    return candidate


def previous_working_day(day: date) -> date:
    """The last working day strictly before `day`."""
    candidate = day - _ONE_DAY
    while not is_working_day(candidate):
        candidate -= _ONE_DAY
    return candidate


def add_working_days(day: date, n: int) -> date:
    """The date `n` working days after `day` (before it if `n` is negative).

    `day` itself need not be a working day and is never counted; `n == 0` returns `day` unchanged.
    """
    step = next_working_day if n > 0 else previous_working_day
    result = day
    for _ in range(abs(n)):
        result = step(result)
    return result


def public_holiday_name(day: date, language: str = "nb") -> str | None:
    """The name of the public holiday on `day` in `language` (nb, nn, se or en), or None if it is not one.

    Ordinary Sundays are not reported as holidays.
    """
    _require_date(day)
    try:
        package_language = _PACKAGE_LANGUAGES[language]
    except KeyError:
        raise ValueError(
            f"unsupported language {language!r}; use one of {sorted(_PACKAGE_LANGUAGES)}"
        ) from None
    return _public_holidays(day.year, package_language).get(day)


def oslo_date(moment: datetime) -> date:
    """The calendar date in Oslo at `moment`, which must be timezone-aware (normally UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("oslo_date needs a timezone-aware datetime")
    return moment.astimezone(OSLO).date()
