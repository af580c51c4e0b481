"""Choose whom you want to view information for: oneself, or someone who granted a power of attorney."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import page_layout, page_title
from homecare.state.i18n import t
from homecare.state.representation import PersonChoice, RepresentationState


def _choice(choice: rx.Var[PersonChoice]) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            rx.el.span(choice.name, class_name="hc-strong"),
            rx.cond(choice.is_actor, rx.el.span(" (", t("representation.yourself"), ")")),
            rx.cond(choice.is_current, ds.badge(t("representation.current"), color="blueberry")),
            class_name="hc-session-device",
        ),
        rx.el.p(t("representation.born").replace("{born}", choice.born)),
        rx.cond(
            choice.is_current,
            rx.fragment(),
            ds.button(
                t("representation.choose").replace("{name}", choice.name),
                on_click=RepresentationState.choose(choice.key),
            ),
        ),
        class_name="hc-session",
    )


def representation_page() -> rx.Component:
    return page_layout(
        routes.CHOOSE_PERSON,
        page_title("representation.title"),
        rx.el.p(t("representation.intro"), class_name="hc-lead"),
        rx.cond(
            RepresentationState.problem != "",
            ds.notification_panel(rx.el.p(RepresentationState.problem), variant="error", role="alert"),
        ),
        rx.el.ul(rx.foreach(RepresentationState.choices, _choice), class_name="hc-session-list"),
        rx.cond(RepresentationState.choices.length() == 1, rx.el.p(t("representation.none"))),
    )
