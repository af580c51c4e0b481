"""The terms of use: shown alone until the person accepts the current version."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import logout_button, page_layout, page_title
from homecare.state.i18n import t
from homecare.state.terms import TermsState

TERMS_PARAGRAPHS = ("terms.body_1", "terms.body_2", "terms.body_3", "terms.body_4", "terms.body_5")


def terms_page() -> rx.Component:
    return page_layout(
        routes.TERMS,
        page_title("terms.title"),
        rx.el.p(t("terms.intro"), class_name="hc-lead"),
        rx.el.p(TermsState.version_text, class_name="hc-help-text"),
        rx.el.div(*[rx.el.p(t(key)) for key in TERMS_PARAGRAPHS], class_name="hc-terms"),
        rx.el.div(
            ds.button(t("terms.accept"), on_click=TermsState.accept_terms),
            logout_button("terms.not_now", variant="borderless"),
            class_name="hc-actions",
        ),
        rx.el.p(t("terms.not_now_help"), class_name="hc-help-text"),
    )
