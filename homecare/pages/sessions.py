"""Active logins: where the person is logged in, and a way to log out the others."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.document import FocusRequest
from homecare.components.layout import notice_line, page_layout, page_title
from homecare.state.i18n import t
from homecare.state.sessions_page import NOTICE_ID, SessionRow, SessionsState


def _session(row: rx.Var[SessionRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            rx.el.span(row.device, class_name="hc-strong"),
            rx.cond(row.is_current, ds.badge(t("sessions.this_device"), color="blueberry")),
            class_name="hc-session-device",
        ),
        rx.el.p(row.started),
        rx.el.p(row.last_active),
        rx.cond(
            row.is_current,
            rx.fragment(),
            ds.button(
                t("sessions.end"),
                variant="outline",
                aria_label=row.end_label,
                on_click=SessionsState.end(row.key),
            ),
        ),
        class_name="hc-session",
    )


def sessions_page() -> rx.Component:
    return page_layout(
        routes.SESSIONS,
        page_title("sessions.title"),
        rx.el.p(t("sessions.intro"), class_name="hc-lead"),
        FocusRequest.create(target=SessionsState.focus_target, request=SessionsState.focus_request),
        notice_line(SessionsState.notice, NOTICE_ID),
        rx.el.ul(rx.foreach(SessionsState.rows, _session), class_name="hc-session-list"),
        rx.cond(SessionsState.rows.length() == 1, rx.el.p(t("sessions.only_this"))),
    )
