"""Every public method of a state is an event the browser can call: only the intended ones may exist."""

from __future__ import annotations

import reflex as rx

import homecare.homecare  # noqa: F401 - registers every state
from homecare.state.i18n import I18nState

# The events each state offers the browser, besides Reflex's own (setvar and the hydrate machinery).
INTENDED_EVENTS: dict[str, set[str]] = {
    "I18nState": {"set_language"},
    "SessionState": {"identify", "require_login", "return_to_self", "dismiss_notice", "show_problem"},
    "MunicipalitiesState": {"load", "set_query"},
    "MyPageState": {"load"},
    "SessionsState": {"load", "end"},
    "TermsState": {"accept_terms"},
    "LoginFailedState": {"load"},
    "RepresentationState": {"load", "choose"},
    "PowersOfAttorneyState": {
        "load",
        "grant",
        "ask_end",
        "cancel_end",
        "confirm_end",
        "start_change",
        "cancel_change",
        "save_change",
    },
    "UsageLogState": {"load", "next_page", "previous_page"},
    "MessagesState": {"add_attachments", "refuse_in_browser", "remove_attachment"},
    "InboxState": {"load", "next_page", "previous_page"},
    "ThreadState": {"load", "reply"},
    "NewMessageState": {"load", "send"},
    "NotificationSetupState": {"load", "save"},
    "DevelopmentOutboxState": {"load", "refresh"},
    "AppointmentsState": {
        "load",
        "show_upcoming",
        "show_past",
        "next_week",
        "previous_week",
        "next_page",
        "previous_page",
        "ask_cancel",
        "choose_reason",
        "back_to_reason",
        "confirm_cancel",
        "close_step",
        "ask_new_time",
        "send_new_time",
    },
}


def own_events(state: type[rx.State]) -> set[str]:
    """The events a state defines itself, including any it redefines under an inherited name."""
    parent = state.get_parent_state()
    inherited = parent.event_handlers if parent is not None else {}
    return {
        name
        for name, handler in state.event_handlers.items()
        if name != "setvar" and (name not in inherited or inherited[name].fn is not handler.fn)
    }


def portal_states() -> list[type[rx.State]]:
    found, waiting = [], [I18nState]
    while waiting:
        state = waiting.pop()
        found.append(state)
        waiting.extend(state.get_substates())
    return found


def test_every_state_offers_only_its_intended_events() -> None:
    states = portal_states()
    assert {state.__name__ for state in states} == set(INTENDED_EVENTS)
    for state in states:
        assert own_events(state) == INTENDED_EVENTS[state.__name__], state.__name__


def test_only_explicit_setters_exist_so_setvar_reaches_nothing_else() -> None:
    for state in portal_states():
        setters = {name for name in state.event_handlers if name.startswith("set_")}
        assert setters <= {"set_language", "set_query"}, state.__name__
