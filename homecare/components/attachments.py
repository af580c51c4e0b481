"""Attachments on the message pages: choosing files for a message, and showing those a message carries."""

from __future__ import annotations

import reflex as rx
from reflex.components.react_router.dom import ReactRouterLink

from homecare.components import design_system as ds
from homecare.components.layout import notice_line
from homecare.domain.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, PICKER_EXTENSIONS
from homecare.state.i18n import t
from homecare.state.messages import AttachmentRow, MessagesState, attachment_notice_id


def file_link(row: rx.Var[AttachmentRow]) -> rx.Component:
    """A link that fetches the file from its route (a real request, which runs the access check)."""
    return ReactRouterLink.create(
        row.name,
        to=row.url,
        reload_document=True,
        download=row.name,
        aria_label=row.label,
    )


def _sent_attachment(row: rx.Var[AttachmentRow]) -> rx.Component:
    return rx.el.li(
        rx.cond(
            row.is_image,
            # A preview where it helps: a picture is easier to recognise than its file name.
            rx.el.img(src=row.url, alt=row.name, loading="lazy", class_name="hc-attachment-preview"),
        ),
        rx.el.p(file_link(row), " ", rx.el.span(row.size, class_name="hc-help-text")),
        class_name="hc-attachment",
    )


def sent_attachments(rows: rx.Var[list[AttachmentRow]]) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.el.ul(rx.foreach(rows, _sent_attachment), class_name="hc-attachments"),
    )


def _draft(state: type[MessagesState], row: rx.Var[AttachmentRow]) -> rx.Component:
    return rx.el.li(
        rx.el.span(file_link(row), " ", rx.el.span(row.size, class_name="hc-help-text")),
        ds.button(
            t("attachments.remove"),
            type="button",
            variant="borderless",
            aria_label=row.remove_label,  # names the file for a screen reader
            on_click=state.remove_attachment(row.public_id),
        ),
        class_name="hc-attachment hc-attachment-draft",
    )


def _names_and_reasons(rejected: rx.Var) -> rx.Var:
    """What the server needs to hear about files the browser refused: names and reasons, not the files
    (a refused 50 MB file would otherwise travel over the websocket)."""
    return rx.Var(
        f"({rejected!s}).map((r) => ({{name: r.file.name, codes: r.errors.map((e) => e.code)}}))"
    ).to(list[dict])


def attachment_picker(state: type[MessagesState], upload_id: str) -> rx.Component:
    """Choosing files: a button that opens the phone's or computer's file picker (or drop files on it).

    Each chosen file is sent at once and checked on the server; the message later carries the ones kept.
    """
    heading_id = f"{upload_id}-title"
    return rx.el.section(
        ds.title(t("attachments.title"), html_markup="h2", appearance="title4", id=heading_id),
        rx.el.p(t("attachments.help"), class_name="hc-help-text", id=f"{upload_id}-help"),
        rx.cond(
            state.attachments.length() > 0,
            rx.el.ul(
                rx.foreach(state.attachments, lambda row: _draft(state, row)), class_name="hc-attachments"
            ),
        ),
        rx.upload(
            ds.button(t("attachments.add"), type="button", variant="outline"),
            id=upload_id,
            accept=PICKER_EXTENSIONS,
            max_size=MAX_ATTACHMENT_BYTES,
            max_files=MAX_ATTACHMENTS,
            multiple=True,
            # The button inside takes the keyboard; the drop area itself is not a second tab stop.
            no_keyboard=True,
            on_drop=state.add_attachments(rx.upload_files(upload_id=upload_id)),
            on_drop_rejected=lambda rejected: state.refuse_in_browser(_names_and_reasons(rejected)),
            class_name="hc-dropzone",
        ),
        rx.el.div(
            rx.foreach(state.attachment_errors, lambda text: rx.el.p(text)),
            role="alert",
            class_name="hc-attachment-errors",
        ),
        notice_line(state.attachment_notice, attachment_notice_id(upload_id)),
        aria_labelledby=heading_id,
        class_name="hc-attachment-picker",
    )
