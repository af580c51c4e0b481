"""Meldinger: a thread with its reply form, and a new message (the inbox is in pages/inbox.py)."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.attachments import attachment_picker, sent_attachments
from homecare.components.document import FocusRequest, KeepDraft
from homecare.components.layout import internal_link, page_layout, page_title
from homecare.domain.messages import MAX_TEXT_LENGTH, MAX_TOPIC_LENGTH
from homecare.pages.inbox import not_taking_part
from homecare.state.i18n import t
from homecare.state.messages import (
    NEW_TEXT_ID,
    NEW_UPLOAD_ID,
    REPLY_TEXT_ID,
    REPLY_UPLOAD_ID,
    TOPIC_ID,
    MessageRow,
    MessagesState,
    NewMessageState,
    ThreadState,
)


def _before_writing(state: type[MessagesState]) -> rx.Component:
    """What to know before writing: when an answer comes, and that urgent matters go by phone."""
    return rx.fragment(
        rx.el.p(state.answer_by, class_name="hc-strong"),
        ds.notification_panel(rx.el.p(t("messages.urgent")), variant="warn", size="small"),
    )


def _text_field(state: type[MessagesState], field_id: str) -> rx.Component:
    return ds.textarea(
        label=t("messages.text_label"),
        textarea_id=field_id,
        name="text",
        max_characters=MAX_TEXT_LENGTH,
        min_rows=5,
        grow=True,
        error=state.text_error != "",
        error_text=state.text_error,
    )


def _keep_draft(state: type[MessagesState]) -> rx.Component:
    """The text typed into the form survives a reconnect or a reload until the message is sent."""
    return KeepDraft.create(
        storage_key=state.draft_key, version=state.form_version, sent_version=state.sent_version
    )


def _form_error(state: type[MessagesState]) -> rx.Component:
    return rx.cond(
        state.form_error != "",
        ds.notification_panel(rx.el.p(state.form_error), variant="error", role="alert"),
    )


def _message(row: rx.Var[MessageRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(row.author, class_name="hc-strong")),
        rx.el.p(row.when, class_name="hc-help-text"),
        # Text, never HTML: React escapes it, and the line breaks are kept by CSS.
        rx.el.p(row.body, class_name="hc-message-body"),
        sent_attachments(row.attachments),
        class_name=rx.cond(row.from_service, "hc-session hc-from-service", "hc-session"),
    )


def thread_page() -> rx.Component:
    return page_layout(
        routes.MESSAGES,
        FocusRequest.create(target=ThreadState.focus_target, request=ThreadState.focus_request),
        rx.el.p(internal_link(t("messages.back"), routes.MESSAGES)),
        rx.cond(
            ThreadState.loaded,
            rx.cond(
                ThreadState.found,
                rx.fragment(
                    ds.title(ThreadState.topic, html_markup="h1", appearance="title1"),
                    rx.el.ol(rx.foreach(ThreadState.messages, _message), class_name="hc-session-list"),
                    rx.el.p(ThreadState.notice, role="status", aria_live="polite", class_name="hc-summary"),
                    rx.cond(
                        ThreadState.takes_part,
                        rx.el.section(
                            ds.title(t("messages.reply_title"), html_markup="h2", appearance="title3"),
                            _before_writing(ThreadState),
                            _form_error(ThreadState),
                            rx.el.form(
                                rx.el.input(
                                    type="hidden", name="form_version", value=ThreadState.form_version
                                ),
                                _keep_draft(ThreadState),
                                _text_field(ThreadState, REPLY_TEXT_ID),
                                attachment_picker(ThreadState, REPLY_UPLOAD_ID),
                                rx.el.div(
                                    ds.button(t("messages.send"), type="submit"), class_name="hc-actions"
                                ),
                                on_submit=ThreadState.reply,
                                key=ThreadState.form_version,
                                class_name="hc-form",
                            ),
                            class_name="hc-section",
                        ),
                        not_taking_part(),
                    ),
                ),
                rx.fragment(
                    page_title("messages.thread_title"),
                    rx.el.p(t("messages.not_found")),
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )


def new_message_page() -> rx.Component:
    return page_layout(
        routes.MESSAGES,
        FocusRequest.create(target=NewMessageState.focus_target, request=NewMessageState.focus_request),
        rx.el.p(internal_link(t("messages.back"), routes.MESSAGES)),
        page_title("messages.new_title"),
        rx.cond(
            NewMessageState.loaded,
            rx.cond(
                NewMessageState.takes_part,
                rx.fragment(
                    _before_writing(NewMessageState),
                    _form_error(NewMessageState),
                    rx.el.form(
                        rx.el.input(type="hidden", name="form_version", value=NewMessageState.form_version),
                        _keep_draft(NewMessageState),
                        ds.text_input(
                            label=t("messages.topic_label"),
                            input_id=TOPIC_ID,
                            name="topic",
                            max_length=MAX_TOPIC_LENGTH,
                            error=NewMessageState.topic_error != "",
                            error_text=NewMessageState.topic_error,
                        ),
                        _text_field(NewMessageState, NEW_TEXT_ID),
                        attachment_picker(NewMessageState, NEW_UPLOAD_ID),
                        rx.el.div(ds.button(t("messages.send"), type="submit"), class_name="hc-actions"),
                        on_submit=NewMessageState.send,
                        key=NewMessageState.form_version,
                        class_name="hc-form",
                    ),
                ),
                not_taking_part(),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
