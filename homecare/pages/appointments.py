"""Timeavtaler: the week's visits by day (a week view on wide screens, a list on phones) and past visits."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router.dom import ReactRouterLink

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.document import FocusRequest
from homecare.components.layout import page_layout, page_title, pager
from homecare.domain.visits import (
    MAX_CANCEL_NOTE_LENGTH,
    MAX_NEW_TIME_NOTE_LENGTH,
    CancelReason,
    PreferredTime,
)
from homecare.state.appointments import (
    NOTICE_ID,
    PAST,
    STEP_CONFIRM,
    STEP_NEW_TIME,
    STEP_REASON,
    STEP_TITLE_ID,
    UPCOMING,
    AppointmentsState,
    DayGroup,
    VisitRow,
)
from homecare.state.i18n import t

State = AppointmentsState


def _tab_button(key: str, tab: str, on_click: rx.event.EventHandler) -> rx.Component:
    chosen = State.tab == tab
    return ds.button(
        t(key),
        type="button",
        variant=rx.cond(chosen, "fill", "outline"),
        on_click=on_click,
        custom_attrs={"aria-pressed": rx.cond(chosen, "true", "false")},
    )


def _too_late(row: rx.Var[VisitRow]) -> rx.Component:
    return rx.el.p(
        row.too_late_text,
        rx.cond(
            State.unit_phone != "",
            rx.fragment(
                " ", rx.el.a(State.unit_phone, href=State.unit_phone_href, class_name="hc-phone"), "."
            ),
        ),
        class_name="hc-help-text",
    )


def _visit(row: rx.Var[VisitRow], *, with_day: bool = False) -> rx.Component:
    return rx.el.li(
        rx.el.p(row.day, class_name="hc-help-text") if with_day else rx.fragment(),
        rx.el.p(
            rx.el.span(row.window, class_name="hc-strong"),
            " ",
            ds.badge(row.status_text, color=row.status_color),
        ),
        rx.el.p(row.service),
        rx.cond(row.staff != "", rx.el.p(row.staff)),
        rx.cond(
            row.can_cancel,
            rx.fragment(
                rx.el.p(row.deadline_text, class_name="hc-help-text"),
                rx.el.div(
                    ds.button(
                        t("appointments.cancel"),
                        type="button",
                        variant="outline",
                        on_click=State.ask_cancel(row.public_id),
                        aria_label=row.cancel_label,
                    ),
                    _new_time_button(row),
                    class_name="hc-actions",
                ),
            ),
            rx.cond(
                row.too_late_text != "",
                rx.fragment(_too_late(row), rx.el.div(_new_time_button(row), class_name="hc-actions")),
            ),
        ),
        class_name=rx.cond(row.cancelled, "hc-visit hc-visit-cancelled", "hc-visit"),
    )


def _new_time_button(row: rx.Var[VisitRow]) -> rx.Component:
    return rx.cond(
        row.can_ask_new_time,
        ds.button(
            t("appointments.new_time"),
            type="button",
            variant="borderless",
            on_click=State.ask_new_time(row.public_id),
            aria_label=row.new_time_label,
        ),
    )


def _day(group: rx.Var[DayGroup]) -> rx.Component:
    return rx.el.section(
        ds.title(group.title, html_markup="h2", appearance="title4"),
        rx.cond(group.date_text != "", rx.el.p(group.date_text, class_name="hc-help-text")),
        rx.cond(
            group.visits.length() > 0,
            rx.el.ul(rx.foreach(group.visits, lambda row: _visit(row)), class_name="hc-visit-list"),
            rx.el.p(t("appointments.no_visits_day"), class_name="hc-help-text"),
        ),
        class_name=rx.cond(
            group.visits.length() > 0,
            rx.cond(group.is_today, "hc-day hc-today", "hc-day"),
            "hc-day hc-day-empty",
        ),
    )


def _upcoming() -> rx.Component:
    return rx.fragment(
        rx.el.nav(
            ds.button(
                t("appointments.previous_week"),
                type="button",
                variant="outline",
                disabled=State.week == 0,
                on_click=State.previous_week,
            ),
            rx.el.p(State.week_title, role="status", aria_live="polite", class_name="hc-strong"),
            ds.button(
                t("appointments.next_week"), type="button", variant="outline", on_click=State.next_week
            ),
            aria_label=t("appointments.weeks"),
            class_name="hc-actions hc-week-nav",
        ),
        rx.el.div(rx.foreach(State.days, _day), class_name="hc-week"),
    )


def _past() -> rx.Component:
    return rx.cond(
        State.past.length() > 0,
        rx.fragment(
            rx.el.ul(
                rx.foreach(State.past, lambda row: _visit(row, with_day=True)), class_name="hc-visit-list"
            ),
            rx.cond(State.total > State.past.length(), pager(State, "appointments.tab_past")),
        ),
        rx.el.p(t("appointments.past_empty")),
    )


def _calendar() -> rx.Component:
    return rx.el.section(
        rx.el.p(
            ReactRouterLink.create(
                t("appointments.calendar"),
                to=routes.CALENDAR,
                reload_document=True,
                download=t("appointments.calendar_file_name"),
                class_name="hc-button",
            )
        ),
        rx.el.p(t("appointments.calendar_help"), class_name="hc-help-text"),
        class_name="hc-section",
    )


def _overview() -> rx.Component:
    return rx.fragment(
        rx.el.div(
            _tab_button("appointments.tab_upcoming", UPCOMING, State.show_upcoming),
            _tab_button("appointments.tab_past", PAST, State.show_past),
            role="group",
            aria_label=t("appointments.views"),
            class_name="hc-actions",
        ),
        rx.cond(State.tab == PAST, _past(), _upcoming()),
        _calendar(),
    )


def _step_title(key: str) -> rx.Component:
    # Focus moves here when the step opens (tabIndex -1: reachable by script, not a tab stop).
    return rx.el.div(ds.title(t(key), html_markup="h2", appearance="title2"), id=STEP_TITLE_ID, tab_index=-1)


def _step_button(key: str, on_click: rx.event.EventHandler, variant: str) -> rx.Component:
    return ds.button(t(key), type="button", variant=variant, on_click=on_click)


def _reason_step() -> rx.Component:
    return rx.el.form(
        ds.form_group(
            *[
                ds.radio_button(
                    label=t(f"appointments.reason.{reason.value}"),
                    input_id=f"reason-{reason.value}",
                    value=reason.value,
                    default_checked=State.chosen_reason == reason.value,
                )
                for reason in CancelReason
            ],
            legend=t("appointments.reason_legend"),
            name="reason",
            error=State.reason_error,
        ),
        ds.textarea(
            label=t("appointments.note_label"),
            textarea_id="cancel-note",
            name="note",
            default_value=State.note,
            max_characters=MAX_CANCEL_NOTE_LENGTH,
            min_rows=3,
            grow=True,
            error=State.note_error != "",
            error_text=State.note_error,
        ),
        rx.el.div(
            ds.button(t("appointments.next"), type="submit"),
            ds.button(
                t("appointments.close"), type="button", variant="borderless", on_click=State.close_step
            ),
            class_name="hc-actions",
        ),
        on_submit=State.choose_reason,
        class_name="hc-form",
    )


def _confirm_step() -> rx.Component:
    return rx.fragment(
        rx.el.p(State.reason_text),
        rx.el.p(t("appointments.confirm_text")),
        rx.el.div(
            ds.button(
                t("appointments.confirm"), type="button", concept="destructive", on_click=State.confirm_cancel
            ),
            ds.button(
                t("appointments.back"), type="button", variant="outline", on_click=State.back_to_reason
            ),
            ds.button(t("appointments.keep"), type="button", variant="borderless", on_click=State.close_step),
            class_name="hc-actions",
        ),
    )


def _choices(legend_key: str, name: str, options: list[tuple[str, str]], id_prefix: str) -> rx.Component:
    return ds.form_group(
        *[
            ds.checkbox(label=t(label_key), input_id=f"{id_prefix}-{value}", value=value)
            for value, label_key in options
        ],
        legend=t(legend_key),
        name=name,
    )


def _new_time_step() -> rx.Component:
    return rx.fragment(
        rx.el.p(State.new_time_intro),
        rx.cond(
            State.form_error != "",
            ds.notification_panel(rx.el.p(State.form_error), variant="error", role="alert"),
        ),
        rx.el.form(
            rx.el.input(type="hidden", name="form_version", value=State.form_version),
            _choices(
                "appointments.days_legend",
                "days",
                [(str(day), f"appointments.weekday.{day}") for day in range(7)],
                "day",
            ),
            _choices(
                "appointments.times_legend",
                "times",
                [(part.value, f"appointments.time.{part.value}") for part in PreferredTime],
                "time",
            ),
            ds.textarea(
                label=t("appointments.new_time_note"),
                textarea_id="new-time-note",
                name="note",
                max_characters=MAX_NEW_TIME_NOTE_LENGTH,
                min_rows=3,
                grow=True,
                error=State.note_error != "",
                error_text=State.note_error,
            ),
            rx.el.div(
                ds.button(t("appointments.send_request"), type="submit"),
                ds.button(
                    t("appointments.close"), type="button", variant="borderless", on_click=State.close_step
                ),
                class_name="hc-actions",
            ),
            on_submit=State.send_new_time,
            key=State.form_version,
            class_name="hc-form",
        ),
    )


def _step() -> rx.Component:
    return rx.el.section(
        rx.match(
            State.step,
            (STEP_REASON, _step_title("appointments.cancel_title")),
            (STEP_CONFIRM, _step_title("appointments.confirm_title")),
            (STEP_NEW_TIME, _step_title("appointments.new_time_title")),
            rx.fragment(),
        ),
        rx.el.p(State.chosen_text, class_name="hc-strong"),
        rx.match(
            State.step,
            (STEP_REASON, _reason_step()),
            (STEP_CONFIRM, _confirm_step()),
            (STEP_NEW_TIME, _new_time_step()),
            rx.fragment(),
        ),
        class_name="hc-section hc-visit-step",
    )


def appointments_page() -> rx.Component:
    return page_layout(
        routes.APPOINTMENTS,
        FocusRequest.create(target=State.focus_target, request=State.focus_request),
        page_title("appointments.title"),
        rx.el.p(t("appointments.intro"), class_name="hc-lead"),
        rx.el.div(
            rx.cond(
                State.notice != "",
                ds.notification_panel(rx.el.p(State.notice), variant=State.notice_variant, size="small"),
            ),
            id=NOTICE_ID,
            tab_index=-1,
            role="status",
            aria_live="polite",
        ),
        rx.cond(
            State.loaded,
            rx.cond(State.step == "", _overview(), _step()),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
