"""The page shell: skip link, header with the product name and language switch, navigation, footer."""

from __future__ import annotations

import reflex as rx
from reflex.components.el.elements.base import BaseHTML
from reflex.components.react_router.dom import ReactRouterLink
from reflex.vars.base import Var

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.document import FullPageLoad
from homecare.i18n import LANGUAGE_NAMES
from homecare.settings import get_settings
from homecare.state.i18n import I18nState, content_lang, t
from homecare.state.session import SessionState

HELPLINE = "23 32 70 00"
MAIN_ID = "main"

PUBLIC_NAVIGATION: tuple[tuple[str, str], ...] = (
    (routes.MUNICIPALITIES, "nav.municipalities"),
    (routes.HELP, "nav.help"),
)
LOGGED_IN_NAVIGATION: tuple[tuple[str, str], ...] = (
    (routes.MESSAGES, "nav.messages"),
    (routes.APPOINTMENTS, "nav.appointments"),
    (routes.POWERS_OF_ATTORNEY, "nav.powers_of_attorney"),
    (routes.USAGE_LOG, "nav.usage_log"),
)


def internal_link(text: rx.Var[str] | str, route: str | rx.Var[str], **props: object) -> rx.Component:
    """A link to a page of the portal, followed in the browser without reloading."""
    return ReactRouterLink.create(text, to=route, **props)


def phone_link(number: str) -> rx.Component:
    """A number a phone can call with one tap; short codes (113, 116 117) are dialled as they are."""
    digits = number.replace(" ", "")
    return rx.el.a(
        number, href=f"tel:+47{digits}" if len(digits) == 8 else f"tel:{digits}", class_name="hc-phone"
    )


def login_link(text_key: str = "shell.log_in") -> rx.Component:
    """A link that starts the login: a real page load, since the login leaves the app for the provider."""
    return ReactRouterLink.create(
        t(text_key),
        to=routes.AUTH_LOGIN + "?lang=" + I18nState.lang,
        reload_document=True,
        class_name="hc-button",
    )


class NativeForm(BaseHTML):
    """A form the browser itself submits to an HTTP route (Reflex's own form always stops that)."""

    tag = "form"

    action: Var[str]
    method: Var[str]


def logout_button(text_key: str = "shell.log_out", variant: str = "outline") -> rx.Component:
    """Logging out is a form post: only an HTTP response can clear the HttpOnly session cookie."""
    return NativeForm.create(
        ds.button(t(text_key), type="submit", variant=variant),
        action=routes.AUTH_LOGOUT,
        method="post",
        class_name="hc-inline-form",
    )


def profile_menu() -> rx.Component:
    """The actor's name opens "Profile and settings" (a native disclosure, known to screen readers)."""
    return rx.el.details(
        rx.el.summary(
            rx.el.span(t("shell.logged_in_as"), class_name="hc-visually-hidden"),
            " ",
            rx.el.span(SessionState.actor_name, class_name="hc-actor-name"),
            class_name="hc-actor",
        ),
        rx.el.nav(
            rx.el.p(t("setup.profile_menu"), class_name="hc-strong"),
            rx.el.ul(
                rx.el.li(internal_link(t("setup.title"), routes.NOTIFICATION_SETUP)),
                rx.el.li(internal_link(t("my_page.sessions_link"), routes.SESSIONS)),
            ),
            aria_label=t("setup.profile_menu"),
            class_name="hc-profile-menu",
        ),
        class_name="hc-profile",
    )


def user_area() -> rx.Component:
    return rx.el.div(
        rx.cond(
            SessionState.logged_in,
            rx.fragment(
                profile_menu(),
                logout_button(),
            ),
            login_link(),
        ),
        class_name="hc-user-area",
    )


def language_switch() -> rx.Component:
    return rx.el.div(
        ds.select(
            *[rx.el.option(name, value=code, lang=code) for code, name in LANGUAGE_NAMES.items()],
            label=t("shell.language"),
            select_id="language",
            value=I18nState.lang,
            on_change=I18nState.set_language,
            concept="transparent",
        ),
        class_name="hc-language",
    )


def nav_link(key: str, route: str, current_route: str) -> rx.Component:
    # The messages link carries the number of unread messages from the service.
    unread = rx.cond(
        SessionState.unread_messages > 0,
        rx.fragment(" ", ds.badge(SessionState.unread_text, color="cherry")),
    )
    return ReactRouterLink.create(
        t(key),
        unread if route == routes.MESSAGES else rx.fragment(),
        to=route,
        class_name="hc-nav-link",
        aria_current="page" if route == current_route else None,
    )


def header(current_route: str) -> rx.Component:
    return rx.el.header(
        rx.el.div(
            internal_link(t("app.name"), routes.HOME, class_name="hc-product-name"),
            rx.el.div(language_switch(), user_area(), class_name="hc-header-tools"),
            class_name="hc-container hc-header-row",
        ),
        rx.el.nav(
            rx.el.ul(
                rx.el.li(
                    rx.cond(
                        SessionState.logged_in,
                        nav_link("nav.my_page", routes.MY_PAGE, current_route),
                        nav_link("nav.home", routes.HOME, current_route),
                    )
                ),
                *[
                    rx.cond(SessionState.logged_in, rx.el.li(nav_link(key, route, current_route)))
                    for route, key in LOGGED_IN_NAVIGATION
                ],
                rx.cond(
                    SessionState.can_choose,
                    rx.el.li(nav_link("nav.choose_person", routes.CHOOSE_PERSON, current_route)),
                ),
                *[rx.el.li(nav_link(key, route, current_route)) for route, key in PUBLIC_NAVIGATION],
                class_name="hc-container hc-nav-list",
            ),
            aria_label=t("shell.main_navigation"),
            class_name="hc-nav",
        ),
        class_name="hc-header",
    )


def acting_for_banner() -> rx.Component:
    """Shown on every page while the actor acts for someone else, with a way back to themself."""
    return rx.cond(
        SessionState.on_behalf,
        rx.el.div(
            rx.el.div(
                rx.el.p(SessionState.acting_for_text, class_name="hc-banner-text"),
                ds.button(t("shell.back_to_self"), variant="outline", on_click=SessionState.return_to_self),
                class_name="hc-container hc-banner-row",
            ),
            role="region",
            aria_label=t("shell.acting_for_region"),
            class_name="hc-banner",
        ),
    )


def access_notice() -> rx.Component:
    """Told once, when access to someone ended while the person had them open."""
    return rx.cond(
        SessionState.access_notice != "",
        ds.notification_panel(
            rx.el.p(SessionState.access_notice),
            # The notice and its button go: the focus goes to the page's content, not back to the top.
            ds.button(
                t("shell.close"),
                variant="borderless",
                on_click=[SessionState.dismiss_notice, rx.set_focus(MAIN_ID)],
            ),
            variant="warn",
            role="alert",
        ),
    )


def pager(state: type[rx.State], label_key: str) -> rx.Component:
    """Previous and next page buttons and "Page 2 of 5", for a state with page, page_text, has_next and
    previous_page/next_page events."""
    return rx.el.nav(
        ds.button(
            t("usage_log.previous"),
            variant="outline",
            disabled=state.page == 0,  # type: ignore[attr-defined]
            on_click=state.previous_page,  # type: ignore[attr-defined]
        ),
        rx.el.p(state.page_text, role="status", aria_live="polite"),  # type: ignore[attr-defined]
        ds.button(
            t("usage_log.next"),
            variant="outline",
            disabled=~state.has_next,  # type: ignore[attr-defined]
            on_click=state.next_page,  # type: ignore[attr-defined]
        ),
        aria_label=t(label_key),
        class_name="hc-actions",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.el.div(
            rx.el.p(t("shell.footer_helpline"), " ", phone_link(HELPLINE), "."),
            rx.el.p(internal_link(t("shell.footer_accessibility"), routes.ACCESSIBILITY)),
            *([] if get_settings().is_production else [rx.el.p(t("shell.footer_about"))]),
            class_name="hc-container",
        ),
        class_name="hc-footer",
    )


def notice_line(text: rx.Var[str], element_id: str) -> rx.Component:
    """A line saying what just happened, announced (a status region) and able to take the focus when the
    button that did it is gone (state/focus.py)."""
    return rx.el.p(
        text, id=element_id, tab_index=-1, role="status", aria_live="polite", class_name="hc-summary"
    )


def page_title(key: str) -> rx.Component:
    """The page's heading. Every page's title is in every language's catalog, also where the rest of the
    page falls back to Bokmål (i18n.PARTIAL_PAGES), so it carries the chosen language of its own."""
    return ds.title(rx.el.span(t(key), lang=I18nState.lang), html_markup="h1", appearance="title1")


def page_layout(current_route: str, *content: rx.Component) -> rx.Component:
    """Wrap a page's content in the shell every page shares."""
    return rx.el.div(
        rx.el.a(
            t("shell.skip_to_content"),
            href=f"#{MAIN_ID}",
            class_name="hc-skip-link",
            # Following the link alone scrolls; moving focus makes the next Tab start in the content.
            on_click=rx.set_focus(MAIN_ID),
        ),
        FullPageLoad.create(href=routes.HOME, request=SessionState.page_load_request),
        header(current_route),
        acting_for_banner(),
        rx.el.main(
            rx.el.div(access_notice(), *content, class_name="hc-container hc-content"),
            id=MAIN_ID,
            tab_index=-1,
            lang=content_lang(current_route),
        ),
        footer(),
        class_name="hc-page",
    )
