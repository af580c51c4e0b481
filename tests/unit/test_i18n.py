"""Every string exists in every complete language, and dates read as people in Norway write them."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reflex.components.component import Component

from homecare.auth.dev_idp.pages import LoginForm, login_page, page_language
from homecare.i18n import (
    CATALOGS,
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    PARTIAL,
    PARTIAL_PAGES,
    catalog,
    content_language,
    language_from_browser,
    supported_language,
    translate,
)
from homecare.i18n.formatting import format_date, format_day, format_file_size, format_moment, format_time
from homecare.routes import TITLE_KEYS

BOKMAAL = CATALOGS[DEFAULT_LANGUAGE]
COMPLETE = [language for language in LANGUAGES if language not in PARTIAL]

# What a partial language must cover, so a person can find their way, log in, choose whom to act for and set
# up notifications in it: the navigation and page shell, the login, the person switcher and the banner
# "acting on behalf of", the notification set-up, and the title of every page.
REQUIRED_PREFIXES = ("shell.", "nav.", "login_failed.", "representation.", "setup.")
REQUIRED_KEYS = {
    "app.name",
    "home.log_in_title",
    "home.log_in_text",
    "home.go_to_my_page",
    "my_page.sessions_link",  # in the profile menu
    "messages.unread",  # the badge on the messages link in the navigation
    "messages.thread_title",
    "not_found.title",
    *TITLE_KEYS.values(),
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def required_keys() -> set[str]:
    return REQUIRED_KEYS | {key for key in BOKMAAL if key.startswith(REQUIRED_PREFIXES)}


def test_the_required_areas_exist_in_bokmaal() -> None:
    # A prefix that matched nothing would make the partial-language test pass without checking anything.
    for prefix in REQUIRED_PREFIXES:
        assert any(key.startswith(prefix) for key in BOKMAAL), prefix
    assert set(BOKMAAL) >= REQUIRED_KEYS


@pytest.mark.parametrize("language", COMPLETE)
def test_a_complete_language_has_every_key_of_bokmaal(language: str) -> None:
    assert set(CATALOGS[language]) == set(BOKMAAL)


def test_nynorsk_and_english_are_complete_and_only_saami_is_partial() -> None:
    assert {"nb", "nn", "en"} <= set(COMPLETE)
    assert {"se"} == PARTIAL


@pytest.mark.parametrize("language", sorted(PARTIAL))
def test_a_partial_language_covers_the_required_areas(language: str) -> None:
    assert sorted(required_keys() - set(CATALOGS[language])) == []


def keys_shown(page: Callable[[], Component]) -> set[str]:
    """The catalog keys that the page's components show, read from the page as it is compiled."""
    return set(re.findall(r'text_rx_state_\?\.\["([a-z_.0-9]+)"\]', str(page())))


@pytest.mark.parametrize("language", sorted(PARTIAL))
def test_a_partial_language_is_the_language_of_exactly_the_pages_it_covers(language: str) -> None:
    from homecare.homecare import PAGES  # the whole portal: imported by this test only

    covered = set(CATALOGS[language])
    for page, route, _ in PAGES:
        shown = keys_shown(page)
        assert shown, route
        missing = sorted(shown - covered)
        assert (content_language(language, route) == language) == (missing == []), (route, missing[:5])
    assert PARTIAL_PAGES[language]


def test_the_content_of_a_page_is_in_the_chosen_language_unless_it_falls_back() -> None:
    assert content_language("se", "/hjelp") == "nb"
    assert content_language("se", "/velg-person") == "se"
    for language in COMPLETE:
        assert content_language(language, "/hjelp") == language
    assert content_language("xx", "/hjelp") == DEFAULT_LANGUAGE


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_has_a_key_bokmaal_lacks(language: str) -> None:
    assert sorted(set(CATALOGS[language]) - set(BOKMAAL)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_has_the_same_placeholders_as_bokmaal(language: str) -> None:
    for key, text in CATALOGS[language].items():
        assert placeholders(text) == placeholders(BOKMAAL[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_string_is_empty_or_has_stray_whitespace(language: str) -> None:
    for key, text in CATALOGS[language].items():
        assert text and text == text.strip() and not re.search(r"\s{2,}", text), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_fills_in_its_placeholders(language: str) -> None:
    # A stray brace would only fail when a person meets the string.
    for text in catalog(language).values():
        text.format(**dict.fromkeys(placeholders(text), "x"))


def test_every_language_is_named_in_itself() -> None:
    assert LANGUAGE_NAMES == {
        "nb": "Norsk (bokmål)",
        "nn": "Norsk (nynorsk)",
        "se": "Davvisámegiella",
        "en": "English",
    }
    assert tuple(LANGUAGE_NAMES) == LANGUAGES


def test_saami_falls_back_to_bokmaal_never_to_a_key() -> None:
    saami = catalog("se")
    assert set(saami) == set(BOKMAAL)
    untranslated = set(BOKMAAL) - set(CATALOGS["se"])
    assert untranslated, "Sámi is declared partial, so some keys should fall back"
    for key in untranslated:
        assert saami[key] == BOKMAAL[key] != key
    assert translate("se", "messages.intro") == BOKMAAL["messages.intro"]
    assert translate("se", "nav.messages") == "Dieđáhusat"
    assert translate("se", "shell.log_in") == "Čálit sisa"


def test_the_english_wording_follows_the_source_page() -> None:
    assert translate("en", "nav.municipalities") == "Which municipalities are taking part?"
    assert translate("en", "nav.help") == "Help and user support"
    assert translate("nb", "nav.municipalities") == "Hvilke kommuner er med?"


def test_the_nynorsk_wording_follows_the_public_health_portal() -> None:
    assert translate("nn", "nav.messages") == "Meldingar"
    assert translate("nn", "nav.appointments") == "Timeavtalar"
    assert translate("nn", "nav.powers_of_attorney") == "Fullmakter"
    assert translate("nn", "shell.log_in") == "Logg inn"
    assert translate("nn", "nav.help") == "Hjelp og brukarstøtte"


def test_placeholders_are_filled_in() -> None:
    assert translate("nb", "municipalities.count", shown=1, total=7) == "Viser 1 av 7 kommuner"
    assert translate("en", "municipalities.count", shown=1, total=7) == "Showing 1 of 7 municipalities"
    assert translate("nn", "municipalities.count", shown=1, total=7) == "Viser 1 av 7 kommunar"


def test_an_unknown_language_falls_back_to_bokmaal() -> None:
    assert supported_language("xx") == DEFAULT_LANGUAGE
    assert supported_language(None) == DEFAULT_LANGUAGE
    assert catalog("xx") == BOKMAAL


@given(st.text(max_size=20))
def test_any_language_code_gives_a_language_we_have(code: str) -> None:
    assert supported_language(code) in LANGUAGES


def test_a_moment_is_shown_in_oslo_time_with_weekday() -> None:
    # 07:00 UTC is 08:00 in Oslo in winter.
    moment = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert format_moment(moment, "nb") == "mandag 7. desember 2026, 08:00"
    assert format_moment(moment, "nn") == "måndag 7. desember 2026, 08:00"
    assert format_moment(moment, "se") == "vuossárga, juovlamánu 7. b. 2026, 08:00"
    assert format_moment(moment, "en") == "Monday, 7 December 2026, 08:00"


def test_summer_time_is_respected() -> None:
    # 06:00 UTC is 08:00 in Oslo in summer.
    for language in LANGUAGES:
        assert format_time(datetime(2026, 6, 15, 6, 0, tzinfo=UTC), language) == "08:00"


def test_dates_without_and_with_weekday() -> None:
    assert format_date(date(2020, 9, 1), "nb") == "1. september 2020"
    assert format_date(date(2020, 9, 1), "en") == "1 September 2020"
    assert format_day(date(2026, 12, 8), "nb") == "tirsdag 8. desember 2026"


def test_nynorsk_dates_have_nynorsk_weekdays() -> None:
    assert format_day(date(2026, 12, 4), "nn") == "fredag 4. desember 2026"
    assert format_day(date(2026, 12, 8), "nn") == "tysdag 8. desember 2026"
    assert format_day(date(2026, 12, 12), "nn") == "laurdag 12. desember 2026"
    assert format_date(date(2020, 9, 1), "nn") == "1. september 2020"


def test_saami_dates_put_the_month_in_the_genitive_before_the_day() -> None:
    assert format_date(date(2020, 9, 1), "se") == "čakčamánu 1. b. 2020"
    assert format_date(date(2027, 1, 6), "se") == "ođđajagemánu 6. b. 2027"
    assert format_day(date(2026, 12, 4), "se") == "bearjadat, juovlamánu 4. b. 2026"
    assert format_day(date(2026, 12, 6), "se") == "sotnabeaivi, juovlamánu 6. b. 2026"


@pytest.mark.parametrize("language", ["nb", "nn", "se"])
def test_file_sizes_use_a_decimal_comma_in_norway(language: str) -> None:
    assert format_file_size(1536 * 1024, language) == "1,5 MB"


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_moment(datetime(2026, 12, 7, 8, 0), "nb")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_development_login_speaks_a_language_the_portal_speaks(language: str) -> None:
    pages_language = page_language(language)
    page = login_page(pages_language, LoginForm("request", "homecare"), [])
    assert pages_language in LANGUAGES
    assert f'<html lang="{pages_language}">' in page


def test_the_development_login_is_nynorsk_for_nynorsk_and_bokmaal_for_saami() -> None:
    assert "<h1>Utviklingsinnlogging</h1>" in login_page(page_language("nn"), LoginForm("r", "c"), [])
    assert "Sikkerheitsnivå" in login_page(page_language("nn"), LoginForm("r", "c"), [])
    assert page_language("se") == "nb"
    assert page_language("de") == "en"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "nb"),
        ("", "nb"),
        ("nb-NO,nb;q=0.9,en;q=0.8", "nb"),
        ("no", "nb"),
        ("nn-NO,nn;q=0.9,nb;q=0.8", "nn"),
        ("se-NO", "se"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("en;q=0.5, nn;q=0.8", "nn"),
        ("fr, nb;q=0", "nb"),
        ("sv-SE", "nb"),
    ],
)
def test_the_first_visit_speaks_the_browsers_language(header: str | None, language: str) -> None:
    assert language_from_browser(header) == language


@given(st.text(max_size=300))
def test_any_accept_language_header_gives_a_language_we_have(header: str) -> None:
    assert language_from_browser(header) in CATALOGS
