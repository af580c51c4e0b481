"""Which municipalities are taking part: searchable by name or number, with their districts."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import page_layout, page_title
from homecare.state.i18n import t
from homecare.state.municipalities import MAX_QUERY_LENGTH, MunicipalitiesState, MunicipalityRow

SEARCH_ID = "municipality-search"


def _row(row: rx.Var[MunicipalityRow]) -> rx.Component:
    return ds.table_row(
        ds.table_cell(
            rx.el.span(row.name, class_name="hc-strong"),
            rx.cond(
                row.districts.length() > 0,
                rx.el.ul(rx.foreach(row.districts, rx.el.li), class_name="hc-district-list"),
            ),
            data_label=t("municipalities.column_municipality"),
        ),
        ds.table_cell(row.number, data_label=t("municipalities.column_number")),
        ds.table_cell(
            rx.el.span(row.status, class_name="hc-status hc-status-" + row.status_kind),
            data_label=t("municipalities.column_status"),
        ),
    )


def municipalities_page() -> rx.Component:
    return page_layout(
        routes.MUNICIPALITIES,
        page_title("municipalities.title"),
        rx.el.p(t("municipalities.intro"), class_name="hc-lead"),
        rx.el.div(
            rx.el.p(t("municipalities.search_help"), class_name="hc-help-text"),
            ds.text_input(
                label=t("municipalities.search_label"),
                input_id=SEARCH_ID,
                name="query",
                type="search",
                # Uncontrolled: a keystroke never waits for the server, so fast typing loses nothing.
                default_value=MunicipalitiesState.query,
                max_length=MAX_QUERY_LENGTH,
                auto_complete="off",
                width=30,
                on_change=MunicipalitiesState.set_query,
            ),
            role="search",
            class_name="hc-search",
        ),
        rx.el.p(MunicipalitiesState.summary, role="status", aria_live="polite", class_name="hc-summary"),
        rx.cond(
            MunicipalitiesState.loaded,
            rx.cond(
                MunicipalitiesState.rows.length() > 0,
                ds.table(
                    ds.table_head(
                        ds.table_row(
                            ds.table_head_cell(t("municipalities.column_municipality")),
                            ds.table_head_cell(t("municipalities.column_number")),
                            ds.table_head_cell(t("municipalities.column_status")),
                        )
                    ),
                    ds.table_body(rx.foreach(MunicipalitiesState.rows, _row)),
                    breakpoint_config={"breakpoint": "md", "variant": "block"},
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
