"""Every string exists in every language, and dates read as people in Norway write them."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.i18n import CATALOGS, DEFAULT_LANGUAGE, LANGUAGES, catalog, supported_language, translate
from homecare.i18n.formatting import format_date, format_day, format_moment, format_time


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_has_every_key_of_bokmaal(language: str) -> None:
    assert set(CATALOGS[language]) == set(CATALOGS[DEFAULT_LANGUAGE])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_has_the_same_placeholders_as_bokmaal(language: str) -> None:
    for key, text in CATALOGS[language].items():
        assert placeholders(text) == placeholders(CATALOGS[DEFAULT_LANGUAGE][key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_string_is_empty_or_has_stray_whitespace(language: str) -> None:
    for key, text in CATALOGS[language].items():
        assert text and text == text.strip() and not re.search(r"\s{2,}", text), key


def test_the_english_wording_follows_the_source_page() -> None:
    assert translate("en", "nav.municipalities") == "Which municipalities are taking part?"
    assert translate("en", "nav.help") == "Help and user support"
    assert translate("nb", "nav.municipalities") == "Hvilke kommuner er med?"


def test_placeholders_are_filled_in() -> None:
    assert translate("nb", "municipalities.count", shown=1, total=7) == "Viser 1 av 7 kommuner"
    assert translate("en", "municipalities.count", shown=1, total=7) == "Showing 1 of 7 municipalities"


def test_an_unknown_language_falls_back_to_bokmaal() -> None:
    assert supported_language("xx") == DEFAULT_LANGUAGE
    assert supported_language(None) == DEFAULT_LANGUAGE
    assert catalog("xx") == CATALOGS[DEFAULT_LANGUAGE]


@given(st.text(max_size=20))
def test_any_language_code_gives_a_language_we_have(code: str) -> None:
    assert supported_language(code) in LANGUAGES


def test_a_moment_is_shown_in_oslo_time_with_weekday() -> None:
    # 07:00 UTC is 08:00 in Oslo in winter.
    moment = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert format_moment(moment, "nb") == "mandag 7. desember 2026, 08:00"
    assert format_moment(moment, "en") == "Monday, 7 December 2026, 08:00"


def test_summer_time_is_respected() -> None:
    # 06:00 UTC is 08:00 in Oslo in summer.
    assert format_time(datetime(2026, 6, 15, 6, 0, tzinfo=UTC), "nb") == "08:00"


def test_dates_without_and_with_weekday() -> None:
    assert format_date(date(2020, 9, 1), "nb") == "1. september 2020"
    assert format_date(date(2020, 9, 1), "en") == "1 September 2020"
    assert format_day(date(2026, 12, 8), "nb") == "tirsdag 8. desember 2026"


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_moment(datetime(2026, 12, 7, 8, 0), "nb")
