"""The front page: what the service is and where to go next."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import internal_link, login_link, page_layout, page_title
from homecare.state.i18n import t
from homecare.state.session import SessionState


def home_page() -> rx.Component:
    return page_layout(
        routes.HOME,
        page_title("home.title"),
        rx.el.p(t("home.intro"), class_name="hc-lead"),
        rx.el.section(
            rx.cond(
                SessionState.logged_in,
                internal_link(t("home.go_to_my_page"), routes.MY_PAGE, class_name="hc-button"),
                rx.fragment(
                    ds.title(t("home.log_in_title"), html_markup="h2", appearance="title3"),
                    rx.el.p(t("home.log_in_text")),
                    login_link(),
                ),
            ),
            class_name="hc-section hc-login-box",
        ),
        ds.title(t("home.can_do_title"), html_markup="h2", appearance="title3"),
        rx.el.ul(
            rx.el.li(t("home.can_do_messages")),
            rx.el.li(t("home.can_do_appointments")),
            rx.el.li(t("home.can_do_notifications")),
            class_name="hc-list",
        ),
        ds.title(t("home.on_behalf_title"), html_markup="h2", appearance="title3"),
        rx.el.p(t("home.on_behalf_text")),
        rx.el.ul(
            rx.el.li(internal_link(t("home.municipalities_link"), routes.MUNICIPALITIES)),
            rx.el.li(internal_link(t("home.help_link"), routes.HELP)),
            class_name="hc-link-list",
        ),
    )
