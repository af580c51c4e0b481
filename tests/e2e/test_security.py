"""Attacks on the running portal: each is refused, and changes nothing.

The pages' events are sent over the portal's own websocket with any arguments, as a script in the page (or a
tool) could; the HTTP routes are called as another site or a tool could. Kari Nordmann is the attacker
here; Per Nordmann, whose power of attorney she does not hold, is the one she tries to reach.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import socketio
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from homecare import routes
from homecare.auth.sessions import SESSION_COOKIE, secret_hash
from homecare.models import Attachment, HomeVisit, LoginSession, Message, MessageThread
from homecare.models.columns import utc_now
from homecare.services.demo_cast import KARI, PER
from homecare.services.messages import post_service_message
from homecare.settings import get_settings
from homecare.state.appointments import AppointmentsState
from homecare.state.messages import MessagesState, NewMessageState, ThreadState
from homecare.state.representation import RepresentationState
from homecare.state.session import SessionState
from tests.e2e.scenes import end_grants, give_consent, log_in, person
from tests.portal_client import EventSocket, latest, log_in_over_http, run, sent_text
from tests.sample_files import PDF

pytestmark = pytest.mark.e2e

EVIL = "https://evil.example"
HOSTILE = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script><b>fet</b>'


@pytest.fixture(autouse=True)
def kari_holds_no_power_of_attorney_from_per(portal_database: Engine) -> Iterator[None]:
    end_grants(portal_database, PER, KARI)
    give_consent(portal_database, KARI)
    yield


def pers_thread_and_visit(database: Engine) -> tuple[MessageThread, HomeVisit]:
    """A thread of Per's (the service writes to him) and one of his coming visits."""
    with Session(database) as db:
        per = person(db, PER)
        message = post_service_message(
            db, subject_id=per.id or 0, staff_name="Sykepleier Siri Dahl", text="Vi kommer tirsdag.",
            topic=f"Bare for Per {secrets.token_hex(3)}", now=utc_now(),
        )  # fmt: skip
        db.commit()
        thread = db.get(MessageThread, message.thread_id)
        visit = db.exec(
            select(HomeVisit).where(HomeVisit.subject_id == per.id, col(HomeVisit.starts_at) > utc_now())
        ).first()
    assert thread is not None and visit is not None, "the demo cast gives Per visits"
    return thread, visit


def messages_in(database: Engine, thread_id: int | None) -> int:
    with Session(database) as db:
        return db.exec(select(func.count()).select_from(Message).where(Message.thread_id == thread_id)).one()


def test_events_with_another_persons_ids_get_nothing_and_change_nothing(
    portal_url: str, portal_database: Engine
) -> None:
    thread, visit = pers_thread_and_visit(portal_database)
    before = messages_in(portal_database, thread.id)

    async def attack() -> str:
        async with httpx.AsyncClient() as http:
            cookie = await log_in_over_http(http, portal_url, KARI.national_id)
        socket = EventSocket(portal_url, cookie)
        try:
            seen = await socket.open(routes.thread(thread.public_id))
            form = latest(seen, MessagesState, "form_version")
            seen += await socket.send(ThreadState.reply, {"form": {"text": "Hei", "form_version": form}})
            await socket.navigate(routes.APPOINTMENTS)
            seen += await socket.send(AppointmentsState.ask_cancel, {"public_id": visit.public_id})
            seen += await socket.send(AppointmentsState.confirm_cancel, {})
            seen += await socket.send(AppointmentsState.ask_new_time, {"public_id": visit.public_id})
            seen += await socket.send(
                RepresentationState.choose, {"key": str(person_id_of_per(portal_database))}
            )
            seen += await socket.navigate(routes.MY_PAGE)
            assert latest(seen, SessionState, "subject_name") == KARI.full_name
            return sent_text(seen)
        finally:
            await socket.close()

    sent = run(attack())
    assert thread.topic not in sent and PER.full_name not in sent
    assert visit.staff_name is None or visit.staff_name not in sent
    assert messages_in(portal_database, thread.id) == before
    with Session(portal_database) as db:
        unchanged = db.get(HomeVisit, visit.id)
        assert unchanged is not None and (unchanged.status, unchanged.version) == (
            visit.status,
            visit.version,
        )


def person_id_of_per(database: Engine) -> int:
    with Session(database) as db:
        return person(db, PER).id or 0


def test_forged_and_expired_session_cookies_get_nothing(portal_url: str, portal_database: Engine) -> None:
    name = get_settings().cookie_name(SESSION_COOKIE)

    async def my_page_with(cookie: str) -> str:
        socket = EventSocket(portal_url, cookie)
        try:
            seen = await socket.open(routes.MY_PAGE)
            assert latest(seen, SessionState, "logged_in") is not True
            assert latest(seen, SessionState, "page_load_request"), "sent to the front page to log in"
            return sent_text(seen)
        finally:
            await socket.close()

    forged = run(my_page_with(f"{name}={secrets.token_urlsafe(32)}"))
    assert KARI.full_name not in forged

    async def kari_logs_in() -> str:
        async with httpx.AsyncClient() as http:
            return await log_in_over_http(http, portal_url, KARI.national_id)

    cookie = run(kari_logs_in())
    token = cookie.split(f"{name}=", 1)[1].split(";", 1)[0]
    with Session(portal_database) as db:
        # Twelve hours and a minute ago: past the absolute limit, however active it has been.
        long_ago = utc_now() - timedelta(hours=get_settings().session_absolute_hours, minutes=1)
        db.execute(
            update(LoginSession)
            .where(col(LoginSession.token_hash) == secret_hash(token))
            .values(created_at=long_ago)
        )
        db.commit()
    expired = run(my_page_with(cookie))
    assert KARI.full_name not in expired
    with Session(portal_database) as db:
        row = db.exec(select(LoginSession).where(LoginSession.token_hash == secret_hash(token))).one()
        assert row.ended_at is not None and row.end_reason == "expired"
    # The routes that hand out files say nothing either.
    for route in (routes.DATA_EXPORT, routes.CALENDAR):
        answer = httpx.get(f"{portal_url}{route}", headers={"Cookie": cookie})
        assert answer.status_code in (401, 403, 404) and KARI.family_name not in answer.text


def test_a_logged_in_browsers_cookie_opens_no_websocket_for_another_site(portal_url: str) -> None:
    async def from_elsewhere() -> None:
        async with httpx.AsyncClient() as http:
            cookie = await log_in_over_http(http, portal_url, KARI.national_id)
        socket = EventSocket(portal_url, cookie, origin=EVIL)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await socket.open(routes.MY_PAGE)
        await socket.close()

    run(from_elsewhere())


def test_state_changing_routes_refuse_requests_from_another_site(
    portal_url: str, portal_database: Engine
) -> None:
    async def forged_posts() -> list[int]:
        async with httpx.AsyncClient() as http:
            cookie = await log_in_over_http(http, portal_url, KARI.national_id)
            from_evil = {"Cookie": cookie, "Origin": EVIL, "Referer": f"{EVIL}/side"}
            # Each on a connection of its own: a refused request may end its connection, and a POST sent on
            # a connection the server is closing is lost on the way (httpx does not send a POST twice).
            async with httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0)) as forger:
                answers = [
                    await forger.post(f"{portal_url}{routes.AUTH_LOGOUT}", headers=from_evil),
                    await forger.post(
                        f"{portal_url}/_upload", headers=from_evil, files={"files": ("a.pdf", PDF)}
                    ),
                    await forger.post(
                        f"{portal_url}/auth/backchannel-logout", headers=from_evil, data={"logout_token": "x"}
                    ),
                    await forger.post(f"{portal_url}/api/v1/messages", headers=from_evil, json={}),
                ]
            # Kari is still logged in: nothing above ended her session.
            still = EventSocket(portal_url, cookie)
            seen = await still.open(routes.MY_PAGE)
            await still.close()
            assert latest(seen, SessionState, "actor_name") == KARI.full_name
            return [answer.status_code for answer in answers]

    statuses = run(forged_posts())
    assert all(400 <= status < 500 for status in statuses), statuses


def test_oversized_events_bodies_and_uploads_are_refused(portal_url: str, portal_database: Engine) -> None:
    with Session(portal_database) as db:
        own = db.exec(select(func.count()).select_from(Message)).one()

    async def oversized() -> bool:
        async with httpx.AsyncClient() as http:
            cookie = await log_in_over_http(http, portal_url, KARI.national_id)
            try:
                too_big = await http.post(
                    f"{portal_url}/api/v1/messages",
                    headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
                    content=b"[" + b"1," * 6_000_000 + b"1]",
                )
                assert too_big.status_code in (401, 413)
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                pass  # the server stopped reading and closed the connection: refused as well
        socket = EventSocket(portal_url, cookie)
        try:
            seen = await socket.open(routes.NEW_MESSAGE)
            form = {
                "topic": "Stor",
                "text": "x" * 2_000_000,
                "form_version": latest(seen, MessagesState, "form_version"),
            }
            await socket.send(NewMessageState.send, {"form": form})
            return socket.disconnected
        finally:
            await socket.close()

    assert run(oversized()), "the websocket is closed on a message over its limit"
    with Session(portal_database) as db:
        assert db.exec(select(func.count()).select_from(Message)).one() == own


@pytest.mark.parametrize(
    "path",
    [
        "/vedlegg/..%2F..%2F..%2Fetc%2Fpasswd",
        "/vedlegg/%2e%2e/%2e%2e/etc/passwd",
        "/vedlegg/%FF%FE%00",
        "/vedlegg/" + "A" * 5000,
        "/api/v1/persons/%FF%FE",
        "/auth/callback?code=%FF&state=%FE%00",
        "/min-side/mine-data.zip?x=%C3%28",
    ],
)
def test_traversal_and_malformed_addresses_get_a_plain_refusal(portal_url: str, path: str) -> None:
    answer = httpx.get(f"{portal_url}{path}", follow_redirects=False)
    assert 300 <= answer.status_code < 500, answer.status_code
    assert "root:" not in answer.text and "Traceback" not in answer.text


def test_malformed_utf8_in_bodies_is_refused_without_a_server_error(portal_url: str) -> None:
    for path, content_type in (
        ("/api/v1/messages", "application/json"),
        ("/auth/backchannel-logout", "application/x-www-form-urlencoded"),
        (routes.AUTH_LOGOUT, "application/x-www-form-urlencoded"),
    ):
        answer = httpx.post(
            f"{portal_url}{path}",
            content=b'{"text": "\xff\xfe\xc3\x28"}',
            headers={"Content-Type": content_type, "Origin": portal_url},
        )
        # Logging out reads no body: it just logs out (nobody here) and goes on to the front page.
        refused = (300, 500) if path == routes.AUTH_LOGOUT else (400, 500)
        assert refused[0] <= answer.status_code < refused[1], (path, answer.status_code)
        assert "Traceback" not in answer.text


def test_script_and_html_typed_by_a_person_are_kept_and_shown_as_text(
    page: Page, portal_database: Engine
) -> None:
    dialogs: list[Dialog] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog))
    log_in(page, KARI)
    expect(page.get_by_role("heading", level=1, name="Hei, Kari Nordmann")).to_be_visible()
    page.goto(routes.NEW_MESSAGE)
    topic = f"Emne {secrets.token_hex(3)} {HOSTILE[:60]}"
    page.get_by_label("Emne").fill(topic)
    page.get_by_label("Melding", exact=True).fill(HOSTILE)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Legg ved fil").click()
    chooser.value.set_files(
        files=[{"name": "../../../etc/cron.d/plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(page.get_by_text("Lagt ved: plan.pdf.")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1, name=topic)).to_be_visible()
    expect(page.get_by_role("main").get_by_text(HOSTILE, exact=True)).to_be_visible()
    assert page.locator("main b").count() == 0 and page.locator("main img[src=x]").count() == 0
    assert page.evaluate("() => window.hacked") is None and dialogs == []
    with Session(portal_database) as db:
        stored = db.exec(select(Message).where(Message.body == HOSTILE)).first()
        assert stored is not None, "kept as typed"
        names = db.exec(select(Attachment.file_name).where(Attachment.message_id == stored.id)).all()
    assert names == ["plan.pdf"], "only the file's own name is kept"
