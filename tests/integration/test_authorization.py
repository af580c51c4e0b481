"""Every event handler, and every HTTP route, with every relation between the actor and the person acted for.

The handlers are found, not listed: a new handler is walked here the day it is added. Ingrid is logged in and
has a person open; then the power of attorney behind it is changed underneath her (valid, without the area,
expired, ended, or none at all), and each handler is called as the browser would call it.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import reflex as rx
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select
from starlette.applications import Starlette

import homecare.db
import homecare.homecare
from homecare import routes
from homecare.api.app import PREFIX as API_PREFIX
from homecare.auth.sessions import resolve_session, start_session
from homecare.domain.power_of_attorney import ServiceArea
from homecare.domain.usage import UsageOutcome
from homecare.downloads import DownloadRoutes
from homecare.models import (
    Attachment,
    LoginSession,
    Message,
    MessageThread,
    PowerOfAttorney,
    PowerOfAttorneyArea,
    UsageLogEntry,
)
from homecare.models.columns import utc_now
from homecare.services.attachment_files import AttachmentFiles
from homecare.services.attachments import Upload, add_drafts, attach
from homecare.services.demo_cast import ASLAK, INGRID, KARI, PER, CastMember
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings
from homecare.state.my_page import MyPageState
from homecare.state.session import SessionState
from homecare.state.usage_log import UsageLogState
from tests.cast import access, person
from tests.sample_files import PDF
from tests.state_events import run
from tests.unit.test_state_surface import own_events, portal_states

# Handlers that touch nobody's data: the language, public pages, and moving between steps of a form whose
# data the state already holds (every database read and write goes through the access check).
NO_PERSON_DATA: set[tuple[str, str]] = {
    ("I18nState", "set_language"),
    ("MunicipalitiesState", "load"),
    ("MunicipalitiesState", "set_query"),
    ("LoginFailedState", "load"),
    ("SessionState", "dismiss_notice"),
    ("SessionState", "show_problem"),
    ("MessagesState", "refuse_in_browser"),
    ("AppointmentsState", "choose_reason"),
    ("AppointmentsState", "back_to_reason"),
    ("AppointmentsState", "close_step"),
    ("PowersOfAttorneyState", "ask_end"),
    ("PowersOfAttorneyState", "cancel_end"),
    ("PowersOfAttorneyState", "start_change"),
    ("PowersOfAttorneyState", "cancel_change"),
}
# The HTTP routes the app has besides Reflex's own. The login's touch nobody's data but the one logging in;
# the attachment route is walked with every relation below.
KNOWN_HTTP_ROUTES = {
    routes.AUTH_LOGIN,
    routes.AUTH_CALLBACK,
    routes.AUTH_LOGOUT,
    routes.AUTH_LOGGED_OUT,
    # Server to server: the provider's signed logout token, no cookie (test_backchannel_logout.py).
    routes.AUTH_BACKCHANNEL_LOGOUT,
    routes.ATTACHMENT,
    routes.CALENDAR,
    # One's own data only; refused while acting for anyone (tests/integration/test_data_export.py).
    routes.DATA_EXPORT,
    # The integration API: no person logs in there; tests/integration/test_api.py keeps each municipality's
    # system to its own people.
    API_PREFIX,
    # Health for operators: says nothing about anyone.
    routes.HEALTH,
    routes.READY,
    routes.METRICS,
}


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
    """What a browser might send: something of the declared type, for every parameter (a real PDF for an
    upload, so that a handler that let a refused relation through would store it)."""
    values: dict[str, object] = {"str": "anything", "dict": {}, "int": 0, "bool": True, "list[dict]": []}
    parameters = list(inspect.signature(handler.fn).parameters.values())[1:]
    return [
        [rx.UploadFile(file=io.BytesIO(PDF), path=Path("brev.pdf"))]
        if "UploadFile" in str(parameter.annotation)
        else values.get(
            str(parameter.annotation), values.get(str(parameter.annotation).split("[")[0], "anything")
        )
        for parameter in parameters
    ]


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
    result = handler.fn(state, *browser_arguments(handler))
    if inspect.iscoroutine(result):
        asyncio.run(result)
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
        attachments = db.exec(select(Attachment)).all()
    if not relation.allowed:
        assert attachments == [], "nothing a refused relation sends is stored"
    elif name == "add_attachments":
        assert [row.file_name for row in attachments] == ["brev.pdf"], "the walk really sends a file"
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
    transformers = homecare.homecare.app.api_transformer
    (routes_app,) = [app for app in transformers if isinstance(app, Starlette)]  # type: ignore[union-attr]
    paths = {route.path for route in routes_app.routes if getattr(route, "path", "")}
    assert paths == KNOWN_HTTP_ROUTES, "a new route must be walked with every relation here"


def fetch(engine: Engine, token: str, path: str) -> httpx.Response:
    """GET one of the download routes as Ingrid's browser would, with her session cookie."""
    app = Starlette(routes=DownloadRoutes(get_settings(), engine=engine).routes())

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        cookies = {"hc_session": token}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://portal", cookies=cookies
        ) as client:
            return await client.get(path)

    return asyncio.run(get())


@pytest.fixture
def subjects_attachments(cast_engine: Engine) -> dict[str, str]:
    """A sent PDF of each person in the relations, by national id: what Ingrid might ask for."""
    found = {}
    files = AttachmentFiles(get_settings().attachments_dir)
    with Session(cast_engine) as db:
        for member in {relation.subject for relation in RELATIONS}:
            subject, own = person(db, member), access(db, member)
            pdf = Upload(name="brev.pdf", content=PDF, size=len(PDF))
            (draft,), _ = add_drafts(db, files, own, [pdf], drafts_so_far=0, now=utc_now())
            thread = MessageThread(subject_id=subject.id or 0, service_unit_id=1, topic="Brev")
            db.add(thread)
            db.flush()
            message = Message(
                thread_id=thread.id or 0, from_service=False, author_person_id=subject.id, body="x"
            )
            db.add(message)
            db.flush()
            attach(
                db,
                db.exec(select(Attachment).where(Attachment.public_id == draft.public_id)),
                message.id or 0,
            )
            found[member.national_id] = draft.public_id
        db.commit()
    return found


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda relation: relation.name)
def test_the_attachment_route_hands_out_exactly_what_the_relation_may_open(
    ingrid_logged_in: str, cast_engine: Engine, subjects_attachments: dict[str, str], relation: Relation
) -> None:
    open_person(cast_engine, ingrid_logged_in, relation)

    def get(path: str) -> httpx.Response:
        return fetch(cast_engine, ingrid_logged_in, path)

    response = get(routes.attachment(subjects_attachments[relation.subject.national_id]))
    with Session(cast_engine) as db:
        ingrid, subject = person(db, INGRID), person(db, relation.subject)
        denied = db.exec(
            select(UsageLogEntry).where(
                UsageLogEntry.subject_id == subject.id, UsageLogEntry.outcome == UsageOutcome.DENIED
            )
        ).all()
        active = resolve_session(db, get_settings(), ingrid_logged_in, utc_now())
        assert active is not None
    if relation.allowed:
        assert response.status_code == 200 and response.content == PDF
        assert denied == []
    else:
        assert response.status_code == 404 and PDF not in response.content
        assert len(denied) == 1, "the refused use is in the subject's usage log"
        assert active.subject_id == ingrid.id
    # Whatever she has open, a third person's file is never hers to open.
    mine_or_theirs = {relation.subject.national_id, INGRID.national_id}
    others = [pid for nid, pid in subjects_attachments.items() if nid not in mine_or_theirs]
    assert others
    for public_id in others:
        assert get(routes.attachment(public_id)).status_code == 404


def test_a_tab_stops_when_another_tab_of_the_same_login_changes_the_person(
    ingrid_logged_in: str, cast_engine: Engine
) -> None:
    open_person(cast_engine, ingrid_logged_in, RELATIONS[1])  # Kari, in this tab
    tab = State(_reflex_internal_init=True)
    tab._update_router_vars(
        {"headers": {"cookie": f"hc_session={ingrid_logged_in}"}, "pathname": routes.USAGE_LOG}, {}
    )
    log = tab.get_substate(UsageLogState.get_full_name().split("."))
    run(log, "load")
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

    run(log, "next_page")
    session_state = tab.get_substate(SessionState.get_full_name().split("."))
    assert "annet vindu" in session_state.access_notice
    assert log.rows == []
    assert vars_naming(tab.dict(), PER.full_name) == []


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda relation: relation.name)
def test_the_calendar_route_hands_out_exactly_what_the_relation_may_see(
    ingrid_logged_in: str, cast_engine: Engine, relation: Relation
) -> None:
    open_person(cast_engine, ingrid_logged_in, relation)
    response = fetch(cast_engine, ingrid_logged_in, routes.CALENDAR)
    with Session(cast_engine) as db:
        subject = person(db, relation.subject)
        logged = db.exec(select(UsageLogEntry).where(UsageLogEntry.subject_id == subject.id)).all()
    if relation.allowed:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        assert response.text.startswith("BEGIN:VCALENDAR")
        if relation.subject != INGRID:
            assert [entry.action for entry in logged] == [UsageAction.CALENDAR_DOWNLOADED]
    else:
        assert response.status_code == 404 and "VCALENDAR" not in response.text
        assert [entry.outcome for entry in logged] == [UsageOutcome.DENIED]
