"""Meldinger: the inbox, a thread with its reply form, and a new message."""

from __future__ import annotations

import reflex as rx

from homecare import routes
from homecare.components import design_system as ds
from homecare.components.layout import internal_link, page_layout, pager
from homecare.domain.messages import MAX_TEXT_LENGTH, MAX_TOPIC_LENGTH
from homecare.state.i18n import t
from homecare.state.messages import (
    PAGE_SIZE,
    InboxState,
    MessageRow,
    MessagesState,
    NewMessageState,
    ThreadRow,
    ThreadState,
)


def _before_writing(state: type[MessagesState]) -> rx.Component:
    """What to know before writing: when an answer comes, and that urgent matters go by phone."""
    return rx.fragment(
        rx.el.p(state.answer_by, class_name="hc-strong"),
        ds.notification_panel(rx.el.p(t("messages.urgent")), variant="warn", size="small"),
    )


def _not_taking_part() -> rx.Component:
    return ds.notification_panel(rx.el.p(t("messages.not_taking_part")), variant="info")


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


def _form_error(state: type[MessagesState]) -> rx.Component:
    return rx.cond(
        state.form_error != "",
        ds.notification_panel(rx.el.p(state.form_error), variant="error", role="alert"),
    )


def _thread_row(row: rx.Var[ThreadRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            internal_link(row.topic, routes.MESSAGES + "/" + row.public_id, class_name="hc-strong"),
            rx.cond(row.unread > 0, rx.fragment(" ", ds.badge(row.unread_text, color="cherry"))),
        ),
        rx.el.p(row.last_preview),
        rx.el.p(row.when, class_name="hc-help-text"),
        class_name="hc-session",
    )


def inbox_page() -> rx.Component:
    return page_layout(
        routes.MESSAGES,
        ds.title(t("messages.title"), html_markup="h1", appearance="title1"),
        rx.el.p(t("messages.intro"), class_name="hc-lead"),
        rx.cond(
            InboxState.loaded,
            rx.fragment(
                rx.cond(
                    InboxState.takes_part,
                    rx.el.p(
                        internal_link(t("messages.new_button"), routes.NEW_MESSAGE, class_name="hc-button")
                    ),
                    _not_taking_part(),
                ),
                rx.cond(
                    InboxState.threads.length() > 0,
                    rx.el.ul(rx.foreach(InboxState.threads, _thread_row), class_name="hc-session-list"),
                    rx.el.p(t("messages.empty")),
                ),
                rx.cond(
                    InboxState.total > PAGE_SIZE,
                    pager(InboxState, "messages.title"),
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )


def _message(row: rx.Var[MessageRow]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(row.author, class_name="hc-strong")),
        rx.el.p(row.when, class_name="hc-help-text"),
        # Text, never HTML: React escapes it, and the line breaks are kept by CSS.
        rx.el.p(row.body, class_name="hc-message-body"),
        class_name=rx.cond(row.from_service, "hc-session hc-from-service", "hc-session"),
    )


def thread_page() -> rx.Component:
    return page_layout(
        routes.MESSAGES,
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
                                _text_field(ThreadState, "reply-text"),
                                rx.el.div(
                                    ds.button(t("messages.send"), type="submit"), class_name="hc-actions"
                                ),
                                on_submit=ThreadState.reply,
                                key=ThreadState.form_version,
                                class_name="hc-form",
                            ),
                            class_name="hc-section",
                        ),
                        _not_taking_part(),
                    ),
                ),
                rx.fragment(
                    ds.title(t("messages.thread_title"), html_markup="h1", appearance="title1"),
                    rx.el.p(t("messages.not_found")),
                ),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )


def new_message_page() -> rx.Component:
    return page_layout(
        routes.MESSAGES,
        rx.el.p(internal_link(t("messages.back"), routes.MESSAGES)),
        ds.title(t("messages.new_title"), html_markup="h1", appearance="title1"),
        rx.cond(
            NewMessageState.loaded,
            rx.cond(
                NewMessageState.takes_part,
                rx.fragment(
                    _before_writing(NewMessageState),
                    _form_error(NewMessageState),
                    rx.el.form(
                        rx.el.input(type="hidden", name="form_version", value=NewMessageState.form_version),
                        ds.text_input(
                            label=t("messages.topic_label"),
                            input_id="message-topic",
                            name="topic",
                            max_length=MAX_TOPIC_LENGTH,
                            error=NewMessageState.topic_error != "",
                            error_text=NewMessageState.topic_error,
                        ),
                        _text_field(NewMessageState, "message-text"),
                        rx.el.div(ds.button(t("messages.send"), type="submit"), class_name="hc-actions"),
                        on_submit=NewMessageState.send,
                        key=NewMessageState.form_version,
                        class_name="hc-form",
                    ),
                ),
                _not_taking_part(),
            ),
            ds.loader(aria_label=t("shell.loading"), size="medium"),
        ),
    )
