"""The Reflex app: pages registered here, in one place."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.i18n import CATALOGS, DEFAULT_LANGUAGE
from homecare.pages.help import help_page
from homecare.pages.home import home_page
from homecare.pages.municipalities import municipalities_page
from homecare.pages.not_found import not_found_page
from homecare.state.i18n import I18nState
from homecare.state.municipalities import MunicipalitiesState

DEFAULT_TEXT = CATALOGS[DEFAULT_LANGUAGE]


def _title(key: str) -> str:
    # The document title before the chosen language is known; sync_document replaces it.
    return DEFAULT_TEXT["shell.document_title"].format(page=DEFAULT_TEXT[key], app=DEFAULT_TEXT["app.name"])


app = rx.App(
    html_lang=DEFAULT_LANGUAGE,
    stylesheets=["/homecare.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
)
app.add_page(home_page, route=routes.HOME, title=_title("nav.home"), on_load=I18nState.sync_document)
app.add_page(
    municipalities_page,
    route=routes.MUNICIPALITIES,
    title=_title("municipalities.title"),
    on_load=[I18nState.sync_document, MunicipalitiesState.load],
)
app.add_page(help_page, route=routes.HELP, title=_title("help.title"), on_load=I18nState.sync_document)
app.add_page(not_found_page, route="404", title=_title("not_found.title"), on_load=I18nState.sync_document)
