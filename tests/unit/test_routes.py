"""Each page has a title in the catalog, also with a trailing slash."""

from __future__ import annotations

from homecare import routes
from homecare.i18n import CATALOGS, DEFAULT_LANGUAGE


def test_every_page_title_is_in_the_catalog() -> None:
    for key in routes.TITLE_KEYS.values():
        assert key in CATALOGS[DEFAULT_LANGUAGE]


def test_a_trailing_slash_does_not_matter() -> None:
    assert routes.title_key("/kommuner/") == "municipalities.title"
    assert routes.title_key("") == routes.title_key("/") == "nav.home"


def test_an_unknown_path_is_titled_not_found() -> None:
    assert routes.title_key("/finnes-ikke") == "not_found.title"
