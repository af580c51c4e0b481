"""A message form is sent once, also when the page was loaded again under it (a reconnect)."""

from __future__ import annotations

from reflex_base.utils.form import FormData
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from homecare.models import Message
from homecare.state.messages import NewMessageState
from tests.state_events import page_state, run


def sent_with(engine: Engine, text: str) -> int:
    with Session(engine) as db:
        return db.exec(select(func.count()).select_from(Message).where(Message.body == text)).one()


def form(version: object, text: str) -> FormData:
    return FormData([("topic", "Spørsmål"), ("text", text), ("form_version", str(version))])


def test_a_form_renumbered_by_a_reload_is_still_sent_and_only_once(
    cast_engine: Engine, kari_logged_in: str
) -> None:
    state = page_state(NewMessageState, kari_logged_in)
    run(state, "load")
    on_the_screen = state.form_version  # type: ignore[attr-defined]
    run(state, "load")  # the connection came back: the page loads again and numbers its form anew
    assert state.form_version > on_the_screen  # type: ignore[attr-defined]

    run(state, "send", form(on_the_screen, "Skrevet før forbindelsen kom tilbake"))
    assert sent_with(cast_engine, "Skrevet før forbindelsen kom tilbake") == 1
    run(state, "send", form(on_the_screen, "Skrevet før forbindelsen kom tilbake"))  # a double click
    assert sent_with(cast_engine, "Skrevet før forbindelsen kom tilbake") == 1
    assert state.form_error == ""  # type: ignore[attr-defined]


def test_a_form_the_page_never_gave_out_is_refused_with_a_word(
    cast_engine: Engine, kari_logged_in: str
) -> None:
    state = page_state(NewMessageState, kari_logged_in)
    run(state, "load")
    for version in (state.form_version + 5, "", "x"):  # type: ignore[attr-defined]
        run(state, "send", form(version, "Fra en side som ble glemt"))
    assert sent_with(cast_engine, "Fra en side som ble glemt") == 0
    assert state.form_error == "Siden ble lastet på nytt. Se over teksten og trykk Send igjen."  # type: ignore[attr-defined]
