"""The page shown for an address that does not exist."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components.layout import internal_link, page_layout, page_title
from homecare.state.i18n import t


def not_found_page() -> rx.Component:
    return page_layout(
        "",
        page_title("not_found.title"),
        rx.el.p(t("not_found.text")),
        rx.el.p(internal_link(t("not_found.home_link"), routes.HOME)),
    )
