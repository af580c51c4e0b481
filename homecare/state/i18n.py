"""The chosen language, remembered in the browser, and how pages look up their strings."""

from __future__ import annotations

import reflex as rx

from homecare.i18n import (
    CATALOGS,
    DEFAULT_LANGUAGE,
    PARTIAL,
    catalog,
    content_language,
    language_from_browser,
    supported_language,
    translate,
)
from homecare.routes import TITLED_ROUTES, title_key


class I18nState(rx.State):
    """Root of the portal's states: everything shown depends on the language."""

    # Empty until the person chooses: until then the browser's own language (its Accept-Language) counts.
    language: str = rx.LocalStorage("", name="homecare.language", sync=True)

    @rx.var
    def text(self) -> dict[str, str]:
        """The catalog of the chosen language, sent to the browser once per language change."""
        return catalog(self.lang)

    @rx.var
    def lang(self) -> str:
        """The chosen language, always one we have; before any choice, the browser's."""
        if self.language:
            return supported_language(self.language)
        return language_from_browser(self.router.headers.accept_language)

    def _tr(self, key: str, **values: object) -> str:
        """A string in the chosen language, for text that states compute."""
        return translate(self.lang, key, **values)

    @rx.var
    def titles(self) -> dict[str, str]:
        """The document title of every page in the chosen language (components/document.py sets it)."""
        return {route: document_title(self.lang, route) for route in TITLED_ROUTES}

    @rx.event
    def set_language(self, language: str):
        self.language = supported_language(language)


def document_title(language: str, path: str) -> str:
    """The browser tab's title for the page at `path`: "Page - Municipal home healthcare services"."""
    page = translate(language, title_key(path))
    return translate(language, "shell.document_title", page=page, app=translate(language, "app.name"))


def content_lang(route: str) -> rx.Var[str]:
    """The `lang` of the main part of the page at `route` (i18n.content_language, in the browser)."""
    falling_back = sorted(language for language in PARTIAL if content_language(language, route) != language)
    if not falling_back:
        return I18nState.lang
    return rx.cond(rx.Var.create(falling_back).contains(I18nState.lang), DEFAULT_LANGUAGE, I18nState.lang)


def t(key: str) -> rx.Var[str]:
    """The string `key` in the chosen language; an unknown key fails when the page is built."""
    if key not in CATALOGS[DEFAULT_LANGUAGE]:
        raise KeyError(f"no string {key!r} in the catalog")
    return I18nState.text[key]
