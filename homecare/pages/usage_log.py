"""Logg over bruk: who used the subject's data, and when."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import page_layout, page_title, pager
from homecare.state.i18n import t
from homecare.state.usage_log import LogRow, UsageLogState


def _row(row: rx.Var[LogRow]) -> rx.Component:
    return ds.table_row(
        ds.table_cell(row.when, data_label=t("usage_log.when")),
        ds.table_cell(row.who, data_label=t("usage_log.who")),
        ds.table_cell(
            row.what,
            rx.cond(row.refused, rx.fragment(" ", ds.badge(t("usage_log.refused"), color="cherry"))),
            data_label=t("usage_log.what"),
        ),
    )


def usage_log_page() -> rx.Component:
    return page_layout(
        routes.USAGE_LOG,
        page_title("usage_log.title"),
        rx.el.p(t("usage_log.intro"), class_name="hc-lead"),
        rx.cond(
            UsageLogState.loaded,
            rx.cond(
                UsageLogState.rows.length() > 0,
                rx.fragment(
                    ds.table(
                        ds.table_head(
                            ds.table_row(
                                ds.table_head_cell(t("usage_log.when")),
                                ds.table_head_cell(t("usage_log.who")),
                                ds.table_head_cell(t("usage_log.what")),
                            )
                        ),
                        ds.table_body(rx.foreach(UsageLogState.rows, _row)),
                        breakpoint_config={"breakpoint": "md", "variant": "block"},
                    ),
                    pager(UsageLogState, "usage_log.pages_label"),
                ),
                rx.el.p(t("usage_log.empty")),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
