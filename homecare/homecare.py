"""The Reflex app: pages registered here, in one place, and the login's HTTP routes mounted beside them."""

from __future__ import annotations

import functools
from collections.abc import Callable

import reflex as rx
from reflex.event import EventHandler
from starlette.applications import Starlette
from starlette.routing import Mount

from homecare import routes
from homecare.api.app import PREFIX as API_PREFIX
from homecare.api.app import create_api
from homecare.auth.relying_party import RelyingParty
from homecare.auth.routes import LoginRoutes
from homecare.components.document import DocumentLanguage
from homecare.downloads import DownloadRoutes
from homecare.health import HealthRoutes
from homecare.i18n import DEFAULT_LANGUAGE
from homecare.logs import RequestIds, configure_logging
from homecare.maintenance import run_in_app as run_maintenance
from homecare.metrics import EventMetrics, metrics_routes
from homecare.notify.runner import run_in_app
from homecare.pages.accessibility import accessibility_page
from homecare.pages.appointments import appointments_page
from homecare.pages.development_outbox import development_outbox_page
from homecare.pages.help import help_page
from homecare.pages.home import home_page
from homecare.pages.inbox import inbox_page
from homecare.pages.login_failed import login_failed_page
from homecare.pages.messages import new_message_page, thread_page
from homecare.pages.municipalities import municipalities_page
from homecare.pages.my_page import my_page
from homecare.pages.not_found import not_found_page
from homecare.pages.notification_setup import notification_setup_page
from homecare.pages.powers_of_attorney import powers_of_attorney_page
from homecare.pages.representation import representation_page
from homecare.pages.sessions import sessions_page
from homecare.pages.terms import terms_page
from homecare.pages.usage_log import usage_log_page
from homecare.preflight import deployment_problems
from homecare.request_limits import UploadSizeLimit
from homecare.security_headers import SecurityHeaders
from homecare.settings import get_settings
from homecare.state.appointments import AppointmentsState
from homecare.state.development_outbox import DevelopmentOutboxState
from homecare.state.i18n import I18nState, document_title
from homecare.state.login_failed import LoginFailedState
from homecare.state.messages import InboxState, NewMessageState, ThreadState
from homecare.state.municipalities import MunicipalitiesState
from homecare.state.my_page import MyPageState
from homecare.state.notification_setup import NotificationSetupState
from homecare.state.powers_of_attorney import PowersOfAttorneyState
from homecare.state.problems import backend_problem
from homecare.state.representation import RepresentationState
from homecare.state.session import SessionState
from homecare.state.sessions_page import SessionsState
from homecare.state.usage_log import UsageLogState
from homecare.state_lock_names import own_lock_name


def _title(route: str) -> str:
    # The document title before the chosen language is known; DocumentLanguage replaces it.
    return document_title(DEFAULT_LANGUAGE, route)


def _http_routes() -> Starlette:
    settings = get_settings()
    return Starlette(
        routes=[
            *LoginRoutes(settings, RelyingParty(settings)).routes(),
            *DownloadRoutes(settings).routes(),
            *HealthRoutes(settings).routes(),
            *metrics_routes(settings),
            Mount(API_PREFIX, app=create_api(settings)),
        ]
    )


configure_logging(json_lines=get_settings().is_production or get_settings().json_logs)

if problems := deployment_problems():
    raise RuntimeError("refusing to start with unsafe production settings: " + "; ".join(problems))


app = rx.App(
    html_lang=DEFAULT_LANGUAGE,
    stylesheets=["/homecare.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml")],
    api_transformer=[_http_routes(), UploadSizeLimit, RequestIds, SecurityHeaders],
    backend_exception_handler=backend_problem,
)

app.add_middleware(EventMetrics())

# Public pages show who is logged in, if anyone; the others load their data through the access check.
PUBLIC = [SessionState.identify]
PAGES: tuple[tuple[Callable[[], rx.Component], str, list[EventHandler]], ...] = (
    (home_page, routes.HOME, PUBLIC),
    (municipalities_page, routes.MUNICIPALITIES, [*PUBLIC, MunicipalitiesState.load]),
    (help_page, routes.HELP, PUBLIC),
    (accessibility_page, routes.ACCESSIBILITY, PUBLIC),
    (login_failed_page, routes.LOGIN_FAILED, [*PUBLIC, LoginFailedState.load]),
    (my_page, routes.MY_PAGE, [MyPageState.load]),
    (sessions_page, routes.SESSIONS, [SessionsState.load]),
    (terms_page, routes.TERMS, [SessionState.require_login]),
    (representation_page, routes.CHOOSE_PERSON, [RepresentationState.load]),
    (powers_of_attorney_page, routes.POWERS_OF_ATTORNEY, [PowersOfAttorneyState.load]),
    (usage_log_page, routes.USAGE_LOG, [UsageLogState.load]),
    (inbox_page, routes.MESSAGES, [InboxState.load]),
    (new_message_page, routes.NEW_MESSAGE, [NewMessageState.load]),
    (thread_page, routes.THREAD, [ThreadState.load]),
    (appointments_page, routes.APPOINTMENTS, [AppointmentsState.load]),
    (notification_setup_page, routes.NOTIFICATION_SETUP, [NotificationSetupState.load]),
    (development_outbox_page, routes.DEVELOPMENT_OUTBOX, [DevelopmentOutboxState.load]),
    (not_found_page, routes.NOT_FOUND, PUBLIC),
)
# In each worker, before it serves any event: a name of its own for the state locks it waits for.
app.register_lifespan_task(own_lock_name)
# Notices owed in the outbox are sent from the app unless a dispatcher runs as its own process.
app.register_lifespan_task(run_in_app)
# What has run out is deleted every hour (sessions, sent notices, the usage log after its retention).
app.register_lifespan_task(run_maintenance)


def _with_document(page: Callable[[], rx.Component], route: str) -> Callable[[], rx.Component]:
    """The page, keeping the document's language and title in step with the chosen language."""

    # Reflex groups a page's memoized parts by the module its function comes from, one file per module that
    # every page of that module loads: named after the page's own module, each page keeps its own parts
    # (named after this module, every page would load every page's parts: +45 kB; bench/page_weight).
    @functools.wraps(page)
    def build() -> rx.Component:
        return rx.fragment(
            DocumentLanguage.create(lang=I18nState.lang, title=I18nState.titles[route]), page()
        )

    return build


for page, route, on_load in PAGES:
    app.add_page(_with_document(page, route), route=route, title=_title(route), on_load=on_load)
