"""The page shell: skip link, header with the product name and language switch, navigation, footer."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router.dom import ReactRouterLink

from homecare import routes
from homecare.components import design_system as ds
from homecare.i18n import LANGUAGE_NAMES
from homecare.state.i18n import I18nState, t

HELPLINE = "23 32 70 00"
MAIN_ID = "main"

NAVIGATION: tuple[tuple[str, str], ...] = (
    (routes.HOME, "nav.home"),
    (routes.MUNICIPALITIES, "nav.municipalities"),
    (routes.HELP, "nav.help"),
)


def internal_link(text: rx.Var[str] | str, route: str, **props: object) -> rx.Component:
    """A link to a page of the portal, followed in the browser without reloading."""
    return ReactRouterLink.create(text, to=route, **props)


def phone_link(number: str) -> rx.Component:
    """A phone number that a phone can call with one tap."""
    return rx.el.a(number, href=f"tel:+47{number.replace(' ', '')}", class_name="hc-phone")


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


def header(current_route: str) -> rx.Component:
    return rx.el.header(
        rx.el.div(
            internal_link(t("app.name"), routes.HOME, class_name="hc-product-name"),
            language_switch(),
            class_name="hc-container hc-header-row",
        ),
        rx.el.nav(
            rx.el.ul(
                *[
                    rx.el.li(
                        internal_link(
                            t(key),
                            route,
                            class_name="hc-nav-link",
                            aria_current="page" if route == current_route else None,
                        )
                    )
                    for route, key in NAVIGATION
                ],
                class_name="hc-container hc-nav-list",
            ),
            aria_label=t("shell.main_navigation"),
            class_name="hc-nav",
        ),
        class_name="hc-header",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.el.div(
            rx.el.p(t("shell.footer_helpline"), " ", phone_link(HELPLINE), "."),
            rx.el.p(t("shell.footer_about")),
            class_name="hc-container",
        ),
        class_name="hc-footer",
    )


def page_layout(current_route: str, *content: rx.Component) -> rx.Component:
    """Wrap a page's content in the shell every page shares."""
    return rx.el.div(
        rx.el.a(
            t("shell.skip_to_content"),
            href=f"#{MAIN_ID}",
            class_name="hc-skip-link",
            # Following the link alone scrolls; moving focus makes the next Tab start in the content.
            on_click=rx.call_script(f"document.getElementById('{MAIN_ID}').focus()"),
        ),
        header(current_route),
        rx.el.main(
            rx.el.div(*content, class_name="hc-container hc-content"),
            id=MAIN_ID,
            tab_index=-1,
        ),
        footer(),
        class_name="hc-page",
    )
