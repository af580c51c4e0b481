"""Every event handler, and every HTTP route, with every relation between the actor and the person acted for.

The handlers are found, not listed: a new handler is walked here the day it is added. Ingrid is logged in and
has a person open; then the power of attorney behind it is changed underneath her (valid, without the area,
expired, ended, or none at all), and each handler is called as the browser would call it.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import reflex as rx
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

import homecare.db
import homecare.homecare
from homecare import routes
from homecare.auth.sessions import resolve_session, start_session
from homecare.domain.power_of_attorney import ServiceArea
from homecare.domain.usage import UsageOutcome
from homecare.models import LoginSession, Person, PowerOfAttorney, PowerOfAttorneyArea, UsageLogEntry
from homecare.models.columns import utc_now
from homecare.services.demo_cast import ASLAK, INGRID, KARI, PER, CastMember
from homecare.settings import get_settings
from homecare.state.my_page import MyPageState
from homecare.state.session import SessionState
from homecare.state.usage_log import UsageLogState
from tests.unit.test_state_surface import own_events, portal_states

# Handlers that touch nobody's data: the language, public pages, and moving between steps of a form whose
# data the state already holds (every database read and write goes through the access check).
NO_PERSON_DATA: set[tuple[str, str]] = {
    ("I18nState", "set_language"),
    ("I18nState", "sync_document"),
    ("MunicipalitiesState", "load"),
    ("MunicipalitiesState", "set_query"),
    ("LoginFailedState", "load"),
    ("SessionState", "dismiss_notice"),
    ("PowersOfAttorneyState", "ask_end"),
    ("PowersOfAttorneyState", "cancel_end"),
    ("PowersOfAttorneyState", "start_change"),
    ("PowersOfAttorneyState", "cancel_change"),
}
# The HTTP routes the app has besides Reflex's own; none of them serves a person's data to someone else yet.
KNOWN_HTTP_ROUTES = {routes.AUTH_LOGIN, routes.AUTH_CALLBACK, routes.AUTH_LOGOUT, routes.AUTH_LOGGED_OUT}


def person(db: Session, member: CastMember) -> Person:
    return db.exec(select(Person).where(Person.national_id == member.national_id)).one()


@dataclass(frozen=True)
class Relation:
    """How Ingrid stands to the person she has open, and whether she may go on."""

    name: str
    subject: CastMember
    allowed: bool


RELATIONS = [
    Relation("self", INGRID, allowed=True),
    Relation("valid power of attorney", KARI, allowed=True),
    Relation("power of attorney without the area", PER, allowed=False),
    Relation("expired power of attorney", PER, allowed=False),
    Relation("ended power of attorney", PER, allowed=False),
    Relation("stranger", ASLAK, allowed=False),
]


def set_the_scene(db: Session, relation: Relation) -> None:
    """Change Per's grant to Ingrid as the relation says (the other relations need no change)."""
    ingrid, per = person(db, INGRID), person(db, PER)
    grant = db.exec(
        select(PowerOfAttorney).where(
            PowerOfAttorney.grantor_id == per.id, PowerOfAttorney.grantee_id == ingrid.id
        )
    ).one()
    if relation.name == "power of attorney without the area":
        db.execute(
            delete(PowerOfAttorneyArea).where(col(PowerOfAttorneyArea.power_of_attorney_id) == grant.id)
        )
        db.add(PowerOfAttorneyArea(power_of_attorney_id=grant.id or 0, area=ServiceArea.PRESCRIPTIONS))
    elif relation.name == "expired power of attorney":
        grant.valid_to = utc_now().date() - timedelta(days=2)
    elif relation.name == "ended power of attorney":
        grant.ended_at = utc_now() - timedelta(minutes=1)
        grant.ended_by_id = per.id
    db.add(grant)


def event_handlers() -> Iterator[tuple[type[rx.State], str]]:
    """Every handler each state defines or redefines (an override of an inherited name counts as new)."""
    for state in portal_states():
        for name in sorted(own_events(state)):
            yield state, name


DATA_HANDLERS = [
    (state, name) for state, name in event_handlers() if (state.__name__, name) not in NO_PERSON_DATA
]


def browser_arguments(handler: rx.event.EventHandler) -> list[object]:
    """What a browser might send: something of the declared type, for every parameter."""
    values: dict[str, object] = {"str": "anything", "dict": {}, "int": 0, "bool": True}
    parameters = list(inspect.signature(handler.fn).parameters.values())[1:]
    return [values.get(str(parameter.annotation).split("[")[0], "anything") for parameter in parameters]


@pytest.fixture
def ingrid_logged_in(cast_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(homecare.db, "get_engine", lambda: cast_engine)
    with Session(cast_engine) as db:
        token = start_session(
            db, get_settings(), actor_id=person(db, INGRID).id or 0, idp_sid=None, id_token_hint=None,
            language="nb", user_agent=None, now=utc_now(),
        )  # fmt: skip
        db.commit()
    return token


def open_person(engine: Engine, token: str, relation: Relation) -> None:
    """Ingrid has the relation's person open (chosen while it was allowed); then the grant changes."""
    with Session(engine) as db:
        active = resolve_session(db, get_settings(), token, utc_now())
        assert active is not None
        row = db.get(LoginSession, active.id)
        assert row is not None
        row.subject_id = person(db, relation.subject).id or 0
        db.add(row)
        set_the_scene(db, relation)
        db.execute(delete(UsageLogEntry))
        db.commit()


def vars_naming(tree: dict, name: str, allowed_text: str = "") -> list[str]:
    """The vars of a state tree whose value mentions `name` (besides in `allowed_text`)."""
    found = []
    for key, value in tree.items():
        if isinstance(value, dict) and key.startswith("reflex___state"):
            found += vars_naming(value, name, allowed_text)
        elif name in json.dumps(value, default=str, ensure_ascii=False).replace(allowed_text or "\0", ""):
            found.append(key)
    return found


def call(state_class: type[rx.State], name: str, token: str) -> State:
    """Call one handler as the browser would, on a fresh state tree with Ingrid's cookie; returns the root."""
    root = State(_reflex_internal_init=True)
    root._update_router_vars(
        {"headers": {"cookie": f"hc_session={token}"}, "pathname": routes.MY_PAGE, "asPath": routes.MY_PAGE},
        {},
    )
    state = root.get_substate(state_class.get_full_name().split("."))
    handler = state_class.event_handlers[name]
    handler.fn(state, *browser_arguments(handler))
    return root


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda relation: relation.name)
@pytest.mark.parametrize(
    ("state_class", "name"), DATA_HANDLERS, ids=[f"{state.__name__}.{name}" for state, name in DATA_HANDLERS]
)
def test_every_handler_lets_through_exactly_the_relations_that_may_act(
    ingrid_logged_in: str, cast_engine: Engine, relation: Relation, state_class: type[rx.State], name: str
) -> None:
    open_person(cast_engine, ingrid_logged_in, relation)
    root = call(state_class, name, ingrid_logged_in)

    with Session(cast_engine) as db:
        ingrid, subject = person(db, INGRID), person(db, relation.subject)
        denied = db.exec(
            select(UsageLogEntry).where(
                UsageLogEntry.actor_id == ingrid.id,
                UsageLogEntry.subject_id == subject.id,
                UsageLogEntry.outcome == UsageOutcome.DENIED,
            )
        ).all()
        active = resolve_session(db, get_settings(), ingrid_logged_in, utc_now())
        assert active is not None
    if relation.allowed:
        assert denied == []
        assert active.subject_id in (subject.id, ingrid.id)  # a handler may return her to herself
    else:
        assert len(denied) == 1, "the refused use is in the subject's usage log"
        assert active.subject_id == ingrid.id, "Ingrid is returned to herself"
        session_state = root.get_substate(SessionState.get_full_name().split("."))
        # The notice that access has ended names the person; nothing else about them may be sent.
        assert vars_naming(root.dict(), subject.full_name, session_state.access_notice) == []
        assert subject.full_name in session_state.access_notice


def test_the_check_for_sent_data_sees_a_name_that_is_sent(ingrid_logged_in: str, cast_engine: Engine) -> None:
    open_person(cast_engine, ingrid_logged_in, RELATIONS[1])
    root = call(MyPageState, "load", ingrid_logged_in)
    assert vars_naming(root.dict(), KARI.full_name) != []


def test_every_handler_that_is_left_out_is_one_that_touches_no_persons_data() -> None:
    names = {(state.__name__, name) for state, name in event_handlers()}
    assert names >= NO_PERSON_DATA, "a listed handler no longer exists"
    assert len(DATA_HANDLERS) >= 10


def test_a_logged_out_browser_gets_nothing_from_any_handler(
    cast_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(homecare.db, "get_engine", lambda: cast_engine)
    for state_class, name in DATA_HANDLERS:
        root = call(state_class, name, "no-such-session")
        for member in (INGRID, KARI, PER, ASLAK):
            assert vars_naming(root.dict(), member.full_name) == [], f"{state_class.__name__}.{name}"


def test_every_http_route_is_known_to_this_test() -> None:
    transformer = homecare.homecare.app.api_transformer
    paths = {route.path for route in transformer.routes if getattr(route, "path", "")}  # type: ignore[union-attr]
    assert paths == KNOWN_HTTP_ROUTES, "a new route must be walked with every relation here"


def test_a_tab_stops_when_another_tab_of_the_same_login_changes_the_person(
    ingrid_logged_in: str, cast_engine: Engine
) -> None:
    open_person(cast_engine, ingrid_logged_in, RELATIONS[1])  # Kari, in this tab
    tab = State(_reflex_internal_init=True)
    tab._update_router_vars(
        {"headers": {"cookie": f"hc_session={ingrid_logged_in}"}, "pathname": routes.USAGE_LOG}, {}
    )
    log = tab.get_substate(UsageLogState.get_full_name().split("."))
    UsageLogState.event_handlers["load"].fn(log)
    assert log.rows != []

    # In another tab Ingrid chooses Per instead (the choice belongs to the login, not to the tab).
    with Session(cast_engine) as db:
        active = resolve_session(db, get_settings(), ingrid_logged_in, utc_now())
        assert active is not None
        row = db.get(LoginSession, active.id)
        assert row is not None
        row.subject_id = person(db, PER).id or 0
        db.add(row)
        db.commit()

    UsageLogState.event_handlers["next_page"].fn(log)
    session_state = tab.get_substate(SessionState.get_full_name().split("."))
    assert "annet vindu" in session_state.access_notice
    assert log.rows == []
    assert vars_naming(tab.dict(), PER.full_name) == []
