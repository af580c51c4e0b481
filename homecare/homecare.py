"""The Reflex app: pages registered here, in one place, and the login's HTTP routes mounted beside them."""

from __future__ import annotations

import reflex as rx
from starlette.applications import Starlette

from homecare import routes
from homecare.auth.relying_party import RelyingParty
from homecare.auth.routes import LoginRoutes
from homecare.i18n import DEFAULT_LANGUAGE
from homecare.pages.help import help_page
from homecare.pages.home import home_page
from homecare.pages.login_failed import login_failed_page
from homecare.pages.municipalities import municipalities_page
from homecare.pages.my_page import my_page
from homecare.pages.not_found import not_found_page
from homecare.pages.powers_of_attorney import powers_of_attorney_page
from homecare.pages.representation import representation_page
from homecare.pages.sessions import sessions_page
from homecare.pages.terms import terms_page
from homecare.pages.usage_log import usage_log_page
from homecare.settings import get_settings, production_problems
from homecare.state.i18n import I18nState, document_title
from homecare.state.login_failed import LoginFailedState
from homecare.state.municipalities import MunicipalitiesState
from homecare.state.my_page import MyPageState
from homecare.state.powers_of_attorney import PowersOfAttorneyState
from homecare.state.representation import RepresentationState
from homecare.state.session import SessionState
from homecare.state.sessions_page import SessionsState
from homecare.state.usage_log import UsageLogState


def _title(route: str) -> str:
    # The document title before the chosen language is known; sync_document replaces it.
    return document_title(DEFAULT_LANGUAGE, route)


def _http_routes() -> Starlette:
    settings = get_settings()
    return Starlette(routes=LoginRoutes(settings, RelyingParty(settings)).routes())


if problems := production_problems(get_settings()):
    raise RuntimeError("refusing to start with unsafe production settings: " + "; ".join(problems))


app = rx.App(
    html_lang=DEFAULT_LANGUAGE,
    stylesheets=["/homecare.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
    api_transformer=_http_routes(),
)

PUBLIC = [I18nState.sync_document, SessionState.identify]
app.add_page(home_page, route=routes.HOME, title=_title(routes.HOME), on_load=PUBLIC)
app.add_page(
    municipalities_page,
    route=routes.MUNICIPALITIES,
    title=_title(routes.MUNICIPALITIES),
    on_load=[*PUBLIC, MunicipalitiesState.load],
)
app.add_page(help_page, route=routes.HELP, title=_title(routes.HELP), on_load=PUBLIC)
app.add_page(
    login_failed_page,
    route=routes.LOGIN_FAILED,
    title=_title(routes.LOGIN_FAILED),
    on_load=[*PUBLIC, LoginFailedState.load],
)
app.add_page(
    my_page,
    route=routes.MY_PAGE,
    title=_title(routes.MY_PAGE),
    on_load=[I18nState.sync_document, MyPageState.load],
)
app.add_page(
    sessions_page,
    route=routes.SESSIONS,
    title=_title(routes.SESSIONS),
    on_load=[I18nState.sync_document, SessionsState.load],
)
app.add_page(
    terms_page,
    route=routes.TERMS,
    title=_title(routes.TERMS),
    on_load=[I18nState.sync_document, SessionState.require_login],
)
PROTECTED = [I18nState.sync_document]
app.add_page(
    representation_page,
    route=routes.CHOOSE_PERSON,
    title=_title(routes.CHOOSE_PERSON),
    on_load=[*PROTECTED, RepresentationState.load],
)
app.add_page(
    powers_of_attorney_page,
    route=routes.POWERS_OF_ATTORNEY,
    title=_title(routes.POWERS_OF_ATTORNEY),
    on_load=[*PROTECTED, PowersOfAttorneyState.load],
)
app.add_page(
    usage_log_page,
    route=routes.USAGE_LOG,
    title=_title(routes.USAGE_LOG),
    on_load=[*PROTECTED, UsageLogState.load],
)
app.add_page(not_found_page, route="404", title=_title("/404"), on_load=PUBLIC)
