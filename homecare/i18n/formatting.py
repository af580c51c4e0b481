"""Dates and times shown in Europe/Oslo, in the words of the chosen language (Babel)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time

from homecare.domain.time_zone import OSLO
from homecare.i18n import supported_language

BABEL_LOCALES: dict[str, str] = {"nb": "nb_NO", "en": "en_GB"}


def _locale(language: str) -> str:
    return BABEL_LOCALES[supported_language(language)]


def format_day(day: date, language: str) -> str:
    """A date with its weekday: "mandag 7. desember 2026"."""
    return babel_format_date(day, "full", locale=_locale(language))


def format_date(day: date, language: str) -> str:
    """A date without weekday: "7. desember 2026"."""
    return babel_format_date(day, "long", locale=_locale(language))


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
