"""Tilgjengelighetserklæring: how the service meets the rules for universal design, and what it lacks."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import HELPLINE, page_layout, page_title, phone_link
from homecare.state.i18n import t


def _section(title_key: str, *content: rx.Component) -> rx.Component:
    return rx.el.section(
        ds.title(t(title_key), html_markup="h2", appearance="title3"), *content, class_name="hc-section"
    )


def accessibility_page() -> rx.Component:
    return page_layout(
        routes.ACCESSIBILITY,
        page_title("accessibility.title"),
        rx.el.p(t("accessibility.intro"), class_name="hc-lead"),
        _section("accessibility.status_title", rx.el.p(t("accessibility.status_text"))),
        _section(
            "accessibility.known_title",
            rx.el.ul(
                rx.el.li(t("accessibility.known_sami")),
                rx.el.li(t("accessibility.known_assistive")),
                class_name="hc-list",
            ),
        ),
        _section(
            "accessibility.feedback_title",
            rx.el.p(t("accessibility.feedback_text"), " ", phone_link(HELPLINE), "."),
            rx.el.p(t("accessibility.complaint_text")),
        ),
    )
