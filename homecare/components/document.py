"""The page's effects on the document (its language and title, a full page load, where the focus goes),
driven by state vars through small React components of our own (assets/document_effects.js): the portal
runs under a Content-Security-Policy without 'unsafe-eval', so the server never sends code to run."""

from __future__ import annotations

import reflex as rx

_LIBRARY = "$/public/document_effects.js"


class DocumentLanguage(rx.Component):
    """Sets `<html lang>` and the document title whenever they change."""

    library = _LIBRARY
    tag = "DocumentLanguage"
    lang: rx.Var[str]
    title: rx.Var[str]


class FullPageLoad(rx.Component):
    """Loads `href` as a whole new page, once for each new `request`."""

    library = _LIBRARY
    tag = "FullPageLoad"
    href: rx.Var[str]
    request: rx.Var[str]


class FocusRequest(rx.Component):
    """Moves the focus to the element with the id `target` each time `request` changes."""

    library = _LIBRARY
    tag = "FocusRequest"
    target: rx.Var[str]
    request: rx.Var[int]


class KeepDraft(rx.Component):
    """Keeps what is typed into the surrounding form in the tab until the server has taken the message."""

    library = _LIBRARY
    tag = "KeepDraft"
    storage_key: rx.Var[str]
    version: rx.Var[int]
    sent_version: rx.Var[int]
