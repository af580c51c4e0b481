"""Min side: the start page after logging in."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router.dom import ReactRouterLink

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import HELPLINE, internal_link, page_layout, phone_link
from homecare.state.i18n import t
from homecare.state.my_page import MyPageState


def _not_taking_part() -> rx.Component:
    return ds.notification_panel(
        rx.el.p(t("my_page.not_taking_part_text")),
        rx.el.p(t("my_page.not_taking_part_helpline"), " ", phone_link(HELPLINE), "."),
        variant="info",
        label=MyPageState.not_taking_part_title,
        label_html_markup="h2",
    )


def my_page() -> rx.Component:
    return page_layout(
        routes.MY_PAGE,
        ds.title(MyPageState.greeting, html_markup="h1", appearance="title1"),
        rx.cond(MyPageState.on_behalf, rx.el.p(MyPageState.services_for, class_name="hc-lead")),
        rx.cond(
            MyPageState.loaded,
            rx.fragment(
                rx.el.section(
                    ds.title(t("my_page.since_last_time_title"), html_markup="h2", appearance="title3"),
                    rx.el.p(MyPageState.since_last_time),
                    class_name="hc-section",
                ),
                rx.cond(MyPageState.takes_part, rx.fragment(), _not_taking_part()),
                rx.el.section(
                    ds.title(t("my_page.can_do_title"), html_markup="h2", appearance="title3"),
                    rx.el.ul(
                        rx.el.li(t("home.can_do_messages")),
                        rx.el.li(t("home.can_do_appointments")),
                        rx.el.li(t("home.can_do_notifications")),
                        class_name="hc-list",
                    ),
                    class_name="hc-section",
                ),
                rx.el.section(
                    ds.title(t("my_page.security_title"), html_markup="h2", appearance="title3"),
                    rx.el.ul(
                        rx.el.li(internal_link(t("my_page.sessions_link"), routes.SESSIONS)),
                        rx.el.li(internal_link(t("nav.powers_of_attorney"), routes.POWERS_OF_ATTORNEY)),
                        rx.el.li(internal_link(t("nav.usage_log"), routes.USAGE_LOG)),
                        # One's own data only: a representative reads the other person's in the portal.
                        rx.cond(
                            MyPageState.on_behalf,
                            rx.fragment(),
                            rx.el.li(
                                ReactRouterLink.create(
                                    t("my_page.download_data"),
                                    to=routes.DATA_EXPORT,
                                    reload_document=True,
                                    download=t("my_page.download_data_name"),
                                )
                            ),
                        ),
                        class_name="hc-link-list",
                    ),
                    class_name="hc-section",
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
