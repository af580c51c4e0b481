"""Kontaktinformasjon og varseloppsett: where notices go and what they are about."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.document import FocusRequest
from homecare.components.layout import page_layout, page_title
from homecare.domain.notifications import NotificationLevel
from homecare.state.i18n import t
from homecare.state.notification_setup import NotificationSetupState as State


def _level(level: NotificationLevel) -> rx.Component:
    # The label is plain text: the form group knows its radio buttons only when nothing wraps them.
    return ds.radio_button(
        label=t(f"setup.level.{level.value}"),
        input_id=f"level-{level.value}",
        value=level.value,
        default_checked=State.level == level.value,
    )


def _what_the_levels_mean() -> rx.Component:
    return rx.el.ul(
        *[
            rx.el.li(
                rx.el.span(t(f"setup.level.{level.value}"), class_name="hc-strong"),
                ": ",
                t(f"setup.level.{level.value}_help"),
            )
            for level in NotificationLevel
        ],
        class_name="hc-help-text hc-level-help",
    )


def _form() -> rx.Component:
    return rx.el.form(
        rx.el.section(
            ds.title(t("setup.contact_title"), html_markup="h2", appearance="title3"),
            ds.text_input(
                label=t("setup.mobile_label"),
                input_id="setup-mobile",
                name="mobile",
                type="tel",
                auto_complete="tel",
                default_value=State.mobile,
                width=20,
                error=State.mobile_error != "",
                error_text=State.mobile_error,
            ),
            rx.el.p(t("setup.mobile_help"), class_name="hc-help-text"),
            ds.text_input(
                label=t("setup.email_label"),
                input_id="setup-email",
                name="email",
                type="email",
                auto_complete="email",
                default_value=State.email,
                width=40,
                error=State.email_error != "",
                error_text=State.email_error,
            ),
            class_name="hc-section",
        ),
        ds.form_group(
            *[_level(level) for level in NotificationLevel],
            legend=t("setup.level_legend"),
            name="level",
            error=State.level_error,
        ),
        _what_the_levels_mean(),
        ds.form_group(
            ds.checkbox(label=t("setup.by_sms"), input_id="channel-sms", value="sms", checked=State.by_sms),
            ds.checkbox(
                label=t("setup.by_email"), input_id="channel-email", value="email", checked=State.by_email
            ),
            legend=t("setup.channels_legend"),
            name="channels",
        ),
        rx.cond(
            (State.about_name == "") & State.represents_anyone,
            ds.form_group(
                ds.checkbox(
                    label=t("setup.same_label"),
                    input_id="same-for-represented",
                    value="on",
                    checked=State.same_for_represented,
                ),
                legend=t("setup.same_legend"),
                name="same_for_represented",
            ),
        ),
        rx.el.div(ds.button(t("setup.save"), type="submit"), class_name="hc-actions"),
        on_submit=State.save,
        key=State.form_version,
        # The server checks the fields and answers in the person's language, not the browser's.
        no_validate=True,
        class_name="hc-form",
    )


def notification_setup_page() -> rx.Component:
    return page_layout(
        routes.NOTIFICATION_SETUP,
        page_title("setup.title"),
        FocusRequest.create(target=State.focus_target, request=State.focus_request),
        rx.el.div(
            rx.cond(
                State.notice != "",
                ds.notification_panel(rx.el.p(State.notice), variant="success", size="small"),
            ),
            role="status",
            aria_live="polite",
        ),
        rx.cond(
            State.loaded,
            rx.fragment(rx.el.p(State.intro, class_name="hc-lead"), _form()),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
