"""The development outbox: every SMS and e-mail the development set-up would have sent."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import page_layout, page_title
from homecare.state.development_outbox import DevelopmentOutboxState as State
from homecare.state.development_outbox import OutboxRow
from homecare.state.i18n import t


def _notice(row: rx.Var[OutboxRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            ds.badge(row.channel, color="blueberry"), " ", rx.el.span(row.address, class_name="hc-strong")
        ),
        rx.el.p(row.when, " · ", row.status, class_name="hc-help-text"),
        rx.cond(row.title != "", rx.el.p(row.title, class_name="hc-strong")),
        rx.el.p(row.body, class_name="hc-message-body"),
        class_name="hc-session",
    )


def development_outbox_page() -> rx.Component:
    return page_layout(
        routes.DEVELOPMENT_OUTBOX,
        page_title("dev_outbox.title"),
        rx.cond(
            State.loaded,
            rx.cond(
                State.open,
                rx.fragment(
                    rx.el.p(t("dev_outbox.intro"), class_name="hc-lead"),
                    rx.el.div(
                        ds.button(
                            t("dev_outbox.refresh"), type="button", variant="outline", on_click=State.refresh
                        ),
                        class_name="hc-actions",
                    ),
                    rx.cond(
                        State.rows.length() > 0,
                        rx.el.ul(rx.foreach(State.rows, _notice), class_name="hc-session-list"),
                        rx.el.p(t("dev_outbox.empty")),
                    ),
                ),
                rx.el.p(t("dev_outbox.not_here")),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
