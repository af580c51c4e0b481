"""Fullmakter: grants given and held, a form to grant one, ending and changing with confirmation, history."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.document import FocusRequest
from homecare.components.layout import notice_line, page_layout, page_title
from homecare.domain.power_of_attorney import PORTAL_AREA, ServiceArea
from homecare.state.i18n import t
from homecare.state.powers_of_attorney import (
    AREAS_FIELD,
    CONFIRM_ID,
    NOTICE_ID,
    GrantRow,
    PowersOfAttorneyState,
    change_button_id,
    end_button_id,
)
from homecare.state.session import SessionState

State = PowersOfAttorneyState


def _facts(row: rx.Var[GrantRow]) -> rx.Component:
    return rx.el.dl(
        rx.el.dt(t("poa.areas")),
        rx.el.dd(row.areas),
        rx.el.dt(t("poa.since")),
        rx.el.dd(row.since),
        rx.el.dt(t("poa.until")),
        rx.el.dd(row.until),
        rx.el.dt(t("poa.status")),
        rx.el.dd(row.status),
        class_name="hc-facts",
    )


def _area_checkboxes(id_prefix: str, chosen: rx.Var[list[str]] | None = None) -> rx.Component:
    """The areas to tick; a new grant starts with the portal's own, a change with what the grant covers."""
    return ds.form_group(
        *[
            ds.checkbox(
                label=t(f"poa.area.{area.value}"),
                input_id=f"{id_prefix}-{area.value}",
                value=area.value,
                checked=chosen.contains(area.value) if chosen is not None else area is PORTAL_AREA,
            )
            for area in ServiceArea
        ],
        legend=t("poa.areas_legend"),
        # The group gives every box this name; each box sends its area as the value.
        name=AREAS_FIELD,
        error=State.areas_error,
    )


def _end_date_field(id_prefix: str, current: rx.Var[str] | str = "") -> rx.Component:
    return rx.fragment(
        ds.text_input(
            label=t("poa.valid_to_label"),
            input_id=f"{id_prefix}-valid-to",
            name="valid_to",
            type="date",
            default_value=current,
            error=State.valid_to_error != "",
            error_text=State.valid_to_error,
        ),
        rx.el.p(t("poa.valid_to_help"), class_name="hc-help-text"),
    )


def _confirm_end(row: rx.Var[GrantRow]) -> rx.Component:
    return rx.cond(
        State.confirming_key == row.key,
        ds.notification_panel(
            rx.el.p(State.confirming_text, id=CONFIRM_ID, tab_index=-1),
            rx.el.div(
                ds.button(t("poa.confirm_yes"), concept="destructive", on_click=State.confirm_end),
                ds.button(t("poa.cancel"), variant="borderless", on_click=State.cancel_end),
                class_name="hc-actions",
            ),
            variant="warn",
            role="alert",
        ),
        ds.button(
            t("poa.end"),
            id=end_button_id(row.key),
            variant="outline",
            aria_label=row.end_label,
            on_click=State.ask_end(row.key),
        ),
    )


def _change_form(row: rx.Var[GrantRow]) -> rx.Component:
    return rx.cond(
        State.changing_key == row.key,
        rx.el.form(
            _area_checkboxes("change", row.area_values),
            _end_date_field("change", row.valid_to),
            rx.el.div(
                ds.button(t("poa.save_change"), type="submit"),
                ds.button(t("poa.cancel"), variant="borderless", on_click=State.cancel_change),
                class_name="hc-actions",
            ),
            on_submit=State.save_change,
            class_name="hc-form",
        ),
        ds.button(
            t("poa.change"),
            id=change_button_id(row.key),
            variant="borderless",
            aria_label=row.change_label,
            on_click=State.start_change(row.key),
        ),
    )


def _given(row: rx.Var[GrantRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(row.other_party, class_name="hc-strong"), " ", row.other_party_born),
        _facts(row),
        rx.el.div(_confirm_end(row), _change_form(row), class_name="hc-actions"),
        class_name="hc-session",
    )


def _held(row: rx.Var[GrantRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(row.other_party, class_name="hc-strong"), " ", row.other_party_born),
        _facts(row),
        rx.el.div(_confirm_end(row), class_name="hc-actions"),
        class_name="hc-session",
    )


def _past(row: rx.Var[GrantRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(row.direction, class_name="hc-strong"), " ", row.other_party_born),
        _facts(row),
        class_name="hc-session",
    )


def _section(title_key: str, rows: rx.Var[list[GrantRow]], render: object, empty_key: str) -> rx.Component:
    return rx.el.section(
        ds.title(t(title_key), html_markup="h2", appearance="title3"),
        rx.cond(
            rows.length() > 0,
            rx.el.ul(rx.foreach(rows, render), class_name="hc-session-list"),  # type: ignore[arg-type]
            rx.el.p(t(empty_key)),
        ),
        class_name="hc-section",
    )


def _grant_form() -> rx.Component:
    return rx.el.section(
        ds.title(t("poa.grant_title"), html_markup="h2", appearance="title3"),
        rx.cond(
            State.form_error != "",
            ds.notification_panel(rx.el.p(State.form_error), variant="error", role="alert"),
        ),
        rx.el.form(
            ds.text_input(
                label=t("poa.national_id_label"),
                input_id="grantee-national-id",
                name="national_id",
                input_mode="numeric",
                auto_complete="off",
                width=14,
                error=State.national_id_error != "",
                error_text=State.national_id_error,
            ),
            ds.text_input(
                label=t("poa.surname_label"),
                input_id="grantee-surname",
                name="surname",
                auto_complete="off",
                error=State.surname_error != "",
                error_text=State.surname_error,
            ),
            _area_checkboxes("grant"),
            _end_date_field("grant"),
            rx.el.div(ds.button(t("poa.grant_button"), type="submit"), class_name="hc-actions"),
            on_submit=State.grant,
            key=State.form_version,
            class_name="hc-form",
        ),
        class_name="hc-section",
    )


def powers_of_attorney_page() -> rx.Component:
    return page_layout(
        routes.POWERS_OF_ATTORNEY,
        page_title("poa.title"),
        rx.el.p(t("poa.intro"), class_name="hc-lead"),
        FocusRequest.create(target=State.focus_target, request=State.focus_request),
        notice_line(State.confirmation, NOTICE_ID),
        rx.cond(
            State.loaded,
            rx.cond(
                State.acting_for_other,
                ds.notification_panel(
                    rx.el.p(t("poa.acting_for_other")),
                    ds.button(t("shell.back_to_self"), on_click=SessionState.return_to_self),
                    variant="info",
                ),
                rx.fragment(
                    _section("poa.given_title", State.given, _given, "poa.none_given"),
                    _section("poa.held_title", State.held, _held, "poa.none_held"),
                    _grant_form(),
                    _section("poa.history_title", State.history, _past, "poa.none_history"),
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
