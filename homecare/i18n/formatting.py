"""Dates and times shown in Europe/Oslo, in the words of the chosen language (Babel)."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.units import format_unit

from homecare.domain.time_zone import OSLO
from homecare.i18n import supported_language

BABEL_LOCALES: dict[str, str] = {"nb": "nb_NO", "nn": "nn_NO", "se": "se_NO", "en": "en_GB"}
# Babel (CLDR) has the Northern Sámi names of months and weekdays but no date patterns of its own for them: it
# falls back to the international root pattern ("2026 juovlamánnu 4, bearjadat"). Sámi texts in Norway write
# the month in the genitive before the day, numbered "b." (beaivi, day): "juovlamánu 4. b. 2026".
_SAMI = "se"
_SAMI_NAMES = Locale.parse(BABEL_LOCALES[_SAMI])


def _locale(language: str) -> str:
    return BABEL_LOCALES[supported_language(language)]


def format_day(day: date, language: str) -> str:
    """A date with its weekday: "mandag 7. desember 2026"."""
    if supported_language(language) == _SAMI:
        return f"{_SAMI_NAMES.days['format']['wide'][day.weekday()]}, {_sami_date(day)}"
    return babel_format_date(day, "full", locale=_locale(language))


def format_date(day: date, language: str) -> str:
    """A date without weekday: "7. desember 2026"."""
    if supported_language(language) == _SAMI:
        return _sami_date(day)
    return babel_format_date(day, "long", locale=_locale(language))


def _sami_date(day: date) -> str:
    # Every month name ends in "mánnu" (month), whose genitive is "mánu".
    month = _SAMI_NAMES.months["format"]["wide"][day.month]
    return f"{month.removesuffix('mánnu')}mánu {day.day}. b. {day.year}"


def format_time(moment: datetime, language: str) -> str:
    """A clock time in Oslo: "08:00"."""
    return babel_format_time(_in_oslo(moment), "HH:mm", locale=_locale(language))


def format_moment(moment: datetime, language: str) -> str:
    """A date and time in Oslo: "mandag 7. desember 2026, 08:00"."""
    local = _in_oslo(moment)
    return f"{format_day(local.date(), language)}, {format_time(local, language)}"


def _in_oslo(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times are kept in UTC and shown in Europe/Oslo")
    return moment.astimezone(OSLO)


def format_file_size(size: int, language: str) -> str:
    """A file's size as file pickers show it (1 MB is 1024 * 1024 bytes, the unit of the attachment limit)."""
    locale = _locale(language)
    if size < 1024 * 1024:
        return format_unit(max(round(size / 1024), 1), "digital-kilobyte", length="short", locale=locale)
    megabytes = size / 1024 / 1024
    return format_unit(megabytes, "digital-megabyte", length="short", locale=locale, format="#,##0.#")


def format_time_window(start: datetime, end: datetime, language: str) -> str:
    """A stretch of time on one day in Oslo, with an en dash: "08:00 to 08:30"."""
    return f"{format_time(start, language)}\u2013{format_time(end, language)}"
