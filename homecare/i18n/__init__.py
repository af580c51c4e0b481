"""Translations: every string a person reads comes from a catalog here."""

from __future__ import annotations

from homecare import routes
from homecare.i18n.catalogs import en, nb, nn, se

DEFAULT_LANGUAGE = "nb"
# The order is the order of the language switch: Norway's official written languages first.
CATALOGS: dict[str, dict[str, str]] = {"nb": nb.TEXT, "nn": nn.TEXT, "se": se.TEXT, "en": en.TEXT}
LANGUAGES: tuple[str, ...] = tuple(CATALOGS)
# Each language's own name, shown in the language switch in that language.
LANGUAGE_NAMES: dict[str, str] = {
    "nb": "Norsk (bokmål)",
    "nn": "Norsk (nynorsk)",
    "se": "Davvisámegiella",
    "en": "English",
}
# Languages whose catalog covers only part of the portal; the rest is shown in Bokmål. Northern Sámi covers
# the page shell, the login, choosing whom to act for and the notification set-up (the test of the catalogs
# lists the required areas). A native speaker must review the Sámi text before it is offered to the public.
PARTIAL: frozenset[str] = frozenset({"se"})
# The pages whose content a partial language's catalog covers entirely. On every other page the content is
# marked as Bokmål (lang="nb" on the page's main part), so that a screen reader reads the text shown in
# Bokmål as Norwegian (WCAG 3.1.2, language of parts). The header, the navigation and the footer are covered.
PARTIAL_PAGES: dict[str, frozenset[str]] = {
    "se": frozenset(
        {routes.CHOOSE_PERSON, routes.NOTIFICATION_SETUP, routes.MUNICIPALITIES, routes.LOGIN_FAILED}
    ),
}


def supported_language(language: object) -> str:
    """The language to use for `language`: itself when we have it, else the default.

    Takes any value, since the browser can send anything where a language code is expected.
    """
    return language if isinstance(language, str) and language in CATALOGS else DEFAULT_LANGUAGE


# Each language's strings over Bokmål's, merged once: the catalogs never change while the app runs.
_WITH_FALLBACK: dict[str, dict[str, str]] = {
    language: {**CATALOGS[DEFAULT_LANGUAGE], **text} for language, text in CATALOGS.items()
}


def catalog(language: str) -> dict[str, str]:
    """All strings of a language; a key it lacks falls back to Bokmål, never to the key itself."""
    return _WITH_FALLBACK[supported_language(language)]


def content_language(language: str, route: str) -> str:
    """The language of the text in the main part of the page at `route` when `language` is chosen."""
    language = supported_language(language)
    if language in PARTIAL and route not in PARTIAL_PAGES[language]:
        return DEFAULT_LANGUAGE
    return language


def translate(language: str, key: str, **values: object) -> str:
    """One string, with `{name}` placeholders filled in from `values`."""
    text = catalog(language)[key]
    return text.format(**values) if values else text


# Browsers name Bokmål "nb" or just "no" (Norwegian); Sámi may come as "se" or as Sámi in general.
_BROWSER_TAGS = {"no": "nb", "nb": "nb", "nn": "nn", "se": "se", "en": "en"}


def language_from_browser(accept_language: str | None) -> str:
    """The language we have that the browser asks for first (its Accept-Language header), else Bokmål.

    Takes any text: the header is the browser's to send.
    """
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                continue
        language = _BROWSER_TAGS.get(tag.strip().lower().split("-")[0])
        if language is not None and quality > 0:
            wanted.append((-quality, position, language))
    return min(wanted)[2] if wanted else DEFAULT_LANGUAGE
