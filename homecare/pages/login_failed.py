"""Where a login that did not succeed ends: what happened, and a way to try again."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import HELPLINE, internal_link, login_link, page_layout, phone_link
from homecare.state.i18n import t
from homecare.state.login_failed import LoginFailedState


def login_failed_page() -> rx.Component:
    return page_layout(
        routes.LOGIN_FAILED,
        ds.title(LoginFailedState.heading, html_markup="h1", appearance="title1"),
        ds.notification_panel(
            rx.el.p(LoginFailedState.explanation),
            variant=rx.cond(LoginFailedState.unknown_person, "info", "error"),
        ),
        rx.el.p(t("login_failed.helpline"), " ", phone_link(HELPLINE), "."),
        rx.el.div(
            login_link("login_failed.try_again"),
            internal_link(t("login_failed.to_front_page"), routes.HOME),
            class_name="hc-actions",
        ),
    )
