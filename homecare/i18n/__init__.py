"""Translations: every string a person reads comes from a catalog here."""

from __future__ import annotations

from homecare.i18n.catalogs import en, nb

DEFAULT_LANGUAGE = "nb"
CATALOGS: dict[str, dict[str, str]] = {"nb": nb.TEXT, "en": en.TEXT}
LANGUAGES: tuple[str, ...] = tuple(CATALOGS)
# Each language's own name, shown in the language switch in that language.
LANGUAGE_NAMES: dict[str, str] = {"nb": "Norsk (bokmål)", "en": "English"}


def supported_language(language: object) -> str:
    """The language to use for `language`: itself when we have it, else the default.

    Takes any value, since the browser can send anything where a language code is expected.
    """
    return language if isinstance(language, str) and language in CATALOGS else DEFAULT_LANGUAGE


def catalog(language: str) -> dict[str, str]:
    """All strings of a language; a key it lacks falls back to Bokmål, never to the key itself."""
    language = supported_language(language)
    if language == DEFAULT_LANGUAGE:
        return CATALOGS[DEFAULT_LANGUAGE]
    return {**CATALOGS[DEFAULT_LANGUAGE], **CATALOGS[language]}


def translate(language: str, key: str, **values: object) -> str:
    """One string, with `{name}` placeholders filled in from `values`."""
    text = catalog(language)[key]
    return text.format(**values) if values else text
