"""Meldinger: the inbox. A module of its own: Reflex bundles a page module's components together, and the
inbox needs none of the forms' (the file picker, the text fields)."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import internal_link, page_layout, page_title, pager
from homecare.state.i18n import t
from homecare.state.messages import PAGE_SIZE, InboxState, ThreadRow


def not_taking_part() -> rx.Component:
    return ds.notification_panel(rx.el.p(t("messages.not_taking_part")), variant="info")


def _thread_row(row: rx.Var[ThreadRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            internal_link(row.topic, routes.MESSAGES + "/" + row.public_id, class_name="hc-strong"),
            rx.cond(row.unread > 0, rx.fragment(" ", ds.badge(row.unread_text, color="cherry"))),
        ),
        rx.el.p(row.last_preview),
        rx.el.p(row.when, class_name="hc-help-text"),
        class_name="hc-session",
    )


def inbox_page() -> rx.Component:
    return page_layout(
        routes.MESSAGES,
        page_title("messages.title"),
        rx.el.p(t("messages.intro"), class_name="hc-lead"),
        rx.cond(
            InboxState.loaded,
            rx.fragment(
                rx.cond(
                    InboxState.takes_part,
                    rx.el.p(
                        internal_link(t("messages.new_button"), routes.NEW_MESSAGE, class_name="hc-button")
                    ),
                    not_taking_part(),
                ),
                rx.cond(
                    InboxState.threads.length() > 0,
                    rx.el.ul(rx.foreach(InboxState.threads, _thread_row), class_name="hc-session-list"),
                    rx.el.p(t("messages.empty")),
                ),
                rx.cond(
                    InboxState.total > PAGE_SIZE,
                    pager(InboxState, "messages.title"),
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
