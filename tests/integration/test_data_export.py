"""A person downloads their own data as a ZIP of JSON files: no one else's, not while acting for anyone."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from homecare import routes
from homecare.auth.sessions import start_session
from homecare.downloads import DownloadRoutes
from homecare.models import LoginSession, UsageLogEntry
from homecare.models.columns import utc_now
from homecare.services.demo_cast import INGRID, KARI, NORA, PER, CastMember
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings
from tests.cast import person

FILES = {
    "person.json", "messages.json", "visits.json", "powers_of_attorney.json", "notification_setup.json",
    "usage_log.json",
}  # fmt: skip


def logged_in(engine: Engine, member: CastMember, acting_for: CastMember | None = None) -> str:
    with Session(engine) as db:
        token = start_session(
            db, get_settings(), actor_id=person(db, member).id or 0, idp_sid=None, id_token_hint=None,
            language="nb", user_agent=None, now=utc_now(),
        )  # fmt: skip
        if acting_for is not None:
            row = db.exec(select(LoginSession).order_by(LoginSession.id.desc())).first()  # type: ignore[union-attr]
            assert row is not None
            row.subject_id = person(db, acting_for).id or 0
            db.add(row)
        db.commit()
    return token


def download(engine: Engine, token: str | None) -> tuple[int, bytes, dict[str, str]]:
    cookies = {"hc_session": token} if token else {}
    app = Starlette(routes=DownloadRoutes(get_settings(), engine=engine).routes())
    answer = TestClient(app, cookies=cookies).get(routes.DATA_EXPORT)
    return answer.status_code, answer.content, dict(answer.headers)


def test_kari_downloads_her_own_messages_visits_grants_and_log(cast_engine: Engine) -> None:
    status, content, headers = download(cast_engine, logged_in(cast_engine, KARI))
    assert status == 200
    assert headers["content-type"] == "application/zip"
    assert headers["content-disposition"].startswith('attachment; filename="mine-data.zip"')
    assert headers["cache-control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert set(archive.namelist()) == FILES
    data = {name: json.loads(archive.read(name)) for name in FILES}
    assert data["person.json"]["national_id"] == KARI.national_id
    assert data["messages.json"] and all(thread["messages"] for thread in data["messages.json"])
    assert data["visits.json"] and {"starts_at", "service_type", "status"} <= set(data["visits.json"][0])
    assert any(grant["to"] == INGRID.full_name for grant in data["powers_of_attorney.json"])
    text = json.dumps(data, ensure_ascii=False)
    for other in (INGRID, PER, NORA):
        assert other.national_id not in text, "other people appear by name at most"
    with Session(cast_engine) as db:
        logged = db.exec(select(UsageLogEntry).where(UsageLogEntry.action == UsageAction.DATA_EXPORTED)).one()
        assert logged.actor_id == logged.subject_id == person(db, KARI).id


def test_acting_for_someone_or_without_a_login_there_is_nothing(cast_engine: Engine) -> None:
    assert download(cast_engine, logged_in(cast_engine, INGRID, acting_for=KARI))[0] == 404
    assert download(cast_engine, None)[0] == 404
    assert download(cast_engine, "forged-session-id")[0] == 404
    with Session(cast_engine) as db:
        exported = db.exec(
            select(UsageLogEntry).where(UsageLogEntry.action == UsageAction.DATA_EXPORTED)
        ).all()
        assert exported == []


def test_ingrids_own_download_holds_her_grants_not_kari_s_messages(cast_engine: Engine) -> None:
    status, content, _headers = download(cast_engine, logged_in(cast_engine, INGRID))
    assert status == 200
    archive = zipfile.ZipFile(io.BytesIO(content))
    grants = json.loads(archive.read("powers_of_attorney.json"))
    assert {grant["direction"] for grant in grants} == {"received"}
    assert json.loads(archive.read("messages.json")) == []
