"""Help and user support: the helpline, the municipality, and what to do when it is urgent."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import HELPLINE, page_layout, page_title, phone_link
from homecare.state.i18n import t

EMERGENCY = "113"
OUT_OF_HOURS = "116 117"


def help_page() -> rx.Component:
    return page_layout(
        routes.HELP,
        page_title("help.title"),
        rx.el.section(
            ds.title(t("help.helpline_title"), html_markup="h2", appearance="title3"),
            rx.el.p(t("help.helpline_text"), " ", phone_link(HELPLINE), "."),
            rx.el.p(t("help.helpline_hours")),
            class_name="hc-section",
        ),
        rx.el.section(
            ds.title(t("help.municipality_title"), html_markup="h2", appearance="title3"),
            rx.el.p(t("help.municipality_text")),
            class_name="hc-section",
        ),
        ds.notification_panel(
            rx.el.p(t("help.urgent_text")),
            rx.el.ul(
                rx.el.li(phone_link(EMERGENCY), " ", t("help.emergency")),
                rx.el.li(phone_link(OUT_OF_HOURS), " ", t("help.out_of_hours")),
                class_name="hc-list",
            ),
            variant="warn",
            label=t("help.urgent_title"),
            label_html_markup="h2",
        ),
    )
