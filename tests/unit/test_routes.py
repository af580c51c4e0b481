"""Each page has a title in the catalog, also with a trailing slash."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homecare import routes
from homecare.domain.public_ids import is_public_id
from homecare.i18n import CATALOGS, DEFAULT_LANGUAGE


def test_every_page_title_is_in_the_catalog() -> None:
    for key in routes.TITLE_KEYS.values():
        assert key in CATALOGS[DEFAULT_LANGUAGE]


def test_a_trailing_slash_does_not_matter() -> None:
    assert routes.title_key("/kommuner/") == "municipalities.title"
    assert routes.title_key("") == routes.title_key("/") == "nav.home"


def test_an_unknown_path_is_titled_not_found() -> None:
    assert routes.title_key("/finnes-ikke") == "not_found.title"


def test_a_thread_is_found_from_its_address_and_only_there() -> None:
    assert routes.thread_in(routes.thread("abc_-1")) == "abc_-1"
    assert routes.thread_in(routes.thread("abc") + "/") == "abc"
    assert routes.thread_in(routes.MESSAGES) == ""
    assert routes.thread_in("/meldinger/a/b") == ""
    assert routes.thread_in("/logg/abc") == ""


@given(st.text(max_size=40))
def test_only_what_a_random_public_id_can_look_like_is_looked_up(value: str) -> None:
    assert is_public_id(value) == (
        0 < len(value) <= 32 and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)
    )


def test_a_nul_byte_or_a_path_is_no_public_id() -> None:
    assert is_public_id("QQ0MXPoFexiIWdYWya0L-w")
    assert not is_public_id("\x00") and not is_public_id("../etc") and not is_public_id(None)
