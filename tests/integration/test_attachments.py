"""Attachments: checked on the way in, kept with a checksum, sent with a message, opened through the check."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import homecare.homecare
from homecare import routes
from homecare.auth.sessions import start_session
from homecare.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_UNSENT_ATTACHMENTS,
    AttachmentProblem,
)
from homecare.domain.usage import UsageOutcome
from homecare.downloads import DownloadRoutes
from homecare.models import Attachment, LoginSession, Message, UsageLogEntry
from homecare.request_limits import MAX_UPLOAD_BODY, UploadSizeLimit, upload_path
from homecare.services.attachment_files import AttachmentFiles, checksum
from homecare.services.attachments import (
    Upload,
    add_drafts,
    attachment_for,
    discard_draft,
    purge_abandoned_drafts,
)
from homecare.services.demo_cast import ASLAK, INGRID, KARI, CastMember
from homecare.services.messages import open_thread, send_message
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings
from tests.cast import access, person
from tests.sample_files import EXE, PDF, padded, png

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def upload(name: str, content: bytes) -> Upload:
    # As the state reads it: at most one byte past the limit.
    kept = content[: MAX_ATTACHMENT_BYTES + 1]
    return Upload(name=name, content=kept, size=len(kept))


@pytest.fixture
def files(tmp_path: Path) -> AttachmentFiles:
    return AttachmentFiles(tmp_path / "attachments")


def stored_files(files: AttachmentFiles) -> list[Path]:
    return [path for path in files.folder.rglob("*") if path.is_file()] if files.folder.exists() else []


def test_a_pdf_is_kept_as_a_draft_with_its_checksum_readable_only_by_this_process_user(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        added, refused = add_drafts(
            db, files, access(db, KARI), [upload("Medisinliste.pdf", PDF)], drafts_so_far=0, now=NOW
        )
        db.commit()
        assert refused == []
        (view,) = added
        assert (view.name, view.media_type, view.size) == ("Medisinliste.pdf", "application/pdf", len(PDF))
        row = db.exec(select(Attachment).where(Attachment.public_id == view.public_id)).one()
        assert row.message_id is None
        assert files.read(row.storage_key, row.sha256) == PDF
    (path,) = stored_files(files)
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("brev.pdf", EXE, AttachmentProblem.WRONG_TYPE),
        ("stor.pdf", padded(PDF, MAX_ATTACHMENT_BYTES + 1), AttachmentProblem.TOO_LARGE),
        ("tom.pdf", b"", AttachmentProblem.EMPTY),
    ],
    ids=["a renamed exe", "10 MB and 1 byte", "an empty file"],
)
def test_a_refused_file_leaves_nothing_behind(
    cast_engine: Engine, files: AttachmentFiles, name: str, content: bytes, problem: AttachmentProblem
) -> None:
    with Session(cast_engine) as db:
        added, refused = add_drafts(
            db, files, access(db, KARI), [upload(name, content)], drafts_so_far=0, now=NOW
        )
        db.commit()
        assert added == []
        assert [(r.name, r.problem) for r in refused] == [(name, problem)]
        assert db.exec(select(Attachment)).all() == []
    assert stored_files(files) == []


def test_exactly_ten_megabytes_is_accepted(cast_engine: Engine, files: AttachmentFiles) -> None:
    with Session(cast_engine) as db:
        added, refused = add_drafts(
            db, files, access(db, KARI), [upload("skann.pdf", padded(PDF, MAX_ATTACHMENT_BYTES))],
            drafts_so_far=0, now=NOW,
        )  # fmt: skip
        assert refused == [] and added[0].size == MAX_ATTACHMENT_BYTES


def test_a_sixth_file_is_refused_and_the_five_are_kept(cast_engine: Engine, files: AttachmentFiles) -> None:
    with Session(cast_engine) as db:
        uploads = [upload(f"bilde {n}.png", png()) for n in range(1, 5)]
        first, _ = add_drafts(db, files, access(db, KARI), uploads[:2], drafts_so_far=0, now=NOW)
        later = [*uploads[2:], upload("bilde 5.png", png()), upload("bilde 6.png", png())]
        second, refused = add_drafts(db, files, access(db, KARI), later, drafts_so_far=len(first), now=NOW)
        db.commit()
        assert len(first) + len(second) == 5
        assert [(r.name, r.problem) for r in refused] == [("bilde 6.png", AttachmentProblem.TOO_MANY)]
    assert len(stored_files(files)) == 5


def test_one_person_cannot_pile_up_unsent_files_across_many_forms(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        for _tab in range(MAX_UNSENT_ATTACHMENTS // MAX_ATTACHMENTS):
            added, refused = add_drafts(
                db, files, kari, [upload("a.pdf", PDF)] * MAX_ATTACHMENTS, drafts_so_far=0, now=NOW
            )
            assert len(added) == MAX_ATTACHMENTS and refused == []
        added, refused = add_drafts(db, files, kari, [upload("b.pdf", PDF)], drafts_so_far=0, now=NOW)
        assert added == [] and [r.problem for r in refused] == [AttachmentProblem.TOO_MANY_UNSENT]
        db.commit()
    assert len(stored_files(files)) == MAX_UNSENT_ATTACHMENTS


def test_files_of_a_transaction_that_rolls_back_are_removed_again(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        add_drafts(db, files, access(db, KARI), [upload("a.pdf", PDF)], drafts_so_far=0, now=NOW)
        assert len(stored_files(files)) == 1
        db.rollback()
    assert stored_files(files) == []


def test_a_removed_drafts_file_stays_until_the_removal_is_committed(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        (draft,), _ = add_drafts(db, files, kari, [upload("a.pdf", PDF)], drafts_so_far=0, now=NOW)
        db.commit()
        assert discard_draft(db, files, kari, draft.public_id)
        assert len(stored_files(files)) == 1
        db.rollback()
        assert len(stored_files(files)) == 1 and attachment_for(db, kari, draft.public_id) is not None
        assert discard_draft(db, files, kari, draft.public_id)
        db.commit()
    assert stored_files(files) == []


def test_a_draft_sent_while_the_purge_runs_is_kept(cast_engine: Engine, files: AttachmentFiles) -> None:
    yesterday = NOW - timedelta(days=2)
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        (draft,), _ = add_drafts(db, files, kari, [upload("a.pdf", PDF)], drafts_so_far=0, now=yesterday)
        db.commit()
    with Session(cast_engine) as purging, Session(cast_engine) as sending:
        stale = purging.exec(select(Attachment)).all()  # the purge has read the draft as unsent
        kari = access(sending, KARI)
        sent = send_message(sending, kari, topic="Hei", text="Fil", now=NOW, attachment_ids=[draft.public_id])
        sending.commit()
        assert sent.thread_public_id is not None
        assert stale and purge_abandoned_drafts(purging, files, NOW) == 0
        purging.commit()
    assert len(stored_files(files)) == 1


def test_a_sent_message_carries_its_attachments_and_the_thread_shows_them(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        ingrid_for_kari = access(db, INGRID, KARI)
        added, _ = add_drafts(
            db, files, ingrid_for_kari, [upload("sår.png", png()), upload("liste.pdf", PDF)],
            drafts_so_far=0, now=NOW,
        )  # fmt: skip
        sent = send_message(
            db, ingrid_for_kari, topic="Såret på leggen", text="Se bildet.", now=NOW,
            attachment_ids=[view.public_id for view in added],
        )  # fmt: skip
        db.commit()
        assert sent.thread_public_id is not None
        view = open_thread(db, access(db, KARI), sent.thread_public_id, NOW)
        assert view is not None
        (message,) = view.messages
        assert [(a.name, a.is_image) for a in message.attachments] == [
            ("sår.png", True),
            ("liste.pdf", False),
        ]


def test_a_message_cannot_carry_someone_elses_draft_and_then_nothing_is_sent(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        karis, _ = add_drafts(db, files, access(db, KARI), [upload("a.pdf", PDF)], drafts_so_far=0, now=NOW)
        messages_before = len(db.exec(select(Message)).all())
        sent = send_message(
            db, access(db, INGRID, KARI), topic="Hei", text="Her er Karis fil", now=NOW,
            attachment_ids=[karis[0].public_id],
        )  # fmt: skip
        db.commit()
        assert sent.attachments_gone and sent.thread_public_id is None
        assert len(db.exec(select(Message)).all()) == messages_before
        assert db.exec(select(Attachment)).one().message_id is None


def test_a_removed_draft_is_gone_from_the_disk_and_cannot_be_sent(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        (draft,), _ = add_drafts(db, files, kari, [upload("a.pdf", PDF)], drafts_so_far=0, now=NOW)
        assert not discard_draft(db, files, access(db, INGRID, KARI), draft.public_id), "only its owner"
        assert discard_draft(db, files, kari, draft.public_id)
        db.commit()
        sent = send_message(db, kari, topic="Hei", text="Fil", now=NOW, attachment_ids=[draft.public_id])
        assert sent.attachments_gone
    assert stored_files(files) == []


def test_who_may_open_an_attachment(cast_engine: Engine, files: AttachmentFiles) -> None:
    with Session(cast_engine) as db:
        kari, ingrid_for_kari = access(db, KARI), access(db, INGRID, KARI)
        (sent_file,), _ = add_drafts(db, files, kari, [upload("a.pdf", PDF)], drafts_so_far=0, now=NOW)
        send_message(db, kari, topic="Hei", text="Fil", now=NOW, attachment_ids=[sent_file.public_id])
        (draft,), _ = add_drafts(db, files, kari, [upload("b.pdf", PDF)], drafts_so_far=0, now=NOW)

        assert attachment_for(db, kari, sent_file.public_id) is not None
        assert attachment_for(db, ingrid_for_kari, sent_file.public_id) is not None
        assert attachment_for(db, kari, draft.public_id) is not None, "her own draft"
        assert attachment_for(db, ingrid_for_kari, draft.public_id) is None, "someone else's draft"
        assert attachment_for(db, access(db, INGRID), sent_file.public_id) is None, "not acting for Kari"
        assert attachment_for(db, access(db, ASLAK), sent_file.public_id) is None, "a stranger"


def test_a_damaged_or_missing_file_is_never_handed_out(files: AttachmentFiles) -> None:
    key = files.store(PDF, NOW)
    good = files.read(key, checksum(PDF))
    assert good == PDF
    (path,) = stored_files(files)
    path.write_bytes(PDF + b"tampered")
    assert files.read(key, checksum(PDF)) is None
    path.unlink()
    assert files.read(key, checksum(PDF)) is None
    with pytest.raises(ValueError, match="key"):
        files.read("../../etc/passwd", checksum(PDF))


def test_drafts_never_sent_are_removed_after_a_day_and_sent_files_stay(
    cast_engine: Engine, files: AttachmentFiles
) -> None:
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        yesterday = NOW - timedelta(days=1, minutes=1)
        (old_draft,), _ = add_drafts(db, files, kari, [upload("a.pdf", PDF)], drafts_so_far=0, now=yesterday)
        (old_sent,), _ = add_drafts(db, files, kari, [upload("b.pdf", PDF)], drafts_so_far=0, now=yesterday)
        send_message(db, kari, topic="Hei", text="Fil", now=yesterday, attachment_ids=[old_sent.public_id])
        add_drafts(db, files, kari, [upload("c.pdf", PDF)], drafts_so_far=0, now=NOW)
        db.commit()
        assert purge_abandoned_drafts(db, files, NOW) == 0, "adding the fresh one already purged the old"
        names = sorted(row.file_name for row in db.exec(select(Attachment)).all())
        assert names == ["b.pdf", "c.pdf"]
        assert attachment_for(db, kari, old_draft.public_id) is None
    assert len(stored_files(files)) == 2


# The download route, through HTTP as a browser fetches it.


def login(db: Session, actor: CastMember, subject: CastMember | None = None) -> str:
    token = start_session(
        db, get_settings(), actor_id=person(db, actor).id or 0, idp_sid=None, id_token_hint=None,
        language="nb", user_agent=None, now=datetime.now(UTC),
    )  # fmt: skip
    if subject is not None:
        row = db.exec(select(LoginSession).order_by(LoginSession.id.desc())).first()  # type: ignore[union-attr]
        assert row is not None
        row.subject_id = person(db, subject).id or 0
        db.add(row)
    db.commit()
    return token


@pytest.fixture
def karis_pdf(cast_engine: Engine, files: AttachmentFiles) -> str:
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        (view,), _ = add_drafts(
            db, files, kari, [upload('Medisinliste "ny".pdf', PDF)], drafts_so_far=0, now=NOW
        )
        send_message(db, kari, topic="Liste", text="Vedlagt", now=NOW, attachment_ids=[view.public_id])
        db.commit()
        return view.public_id


def fetch(cast_engine: Engine, files: AttachmentFiles, token: str | None, path: str) -> httpx.Response:
    settings = dataclasses.replace(get_settings(), attachments_dir=files.folder)
    app = Starlette(routes=DownloadRoutes(settings, engine=cast_engine).routes())
    cookies = {"hc_session": token} if token else {}

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://portal", cookies=cookies
        ) as client:
            return await client.get(path)

    return asyncio.run(get())


def test_kari_downloads_her_pdf_as_a_file_never_shown_as_a_page(
    cast_engine: Engine, files: AttachmentFiles, karis_pdf: str
) -> None:
    with Session(cast_engine) as db:
        token = login(db, KARI)
    response = fetch(cast_engine, files, token, routes.attachment(karis_pdf))
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="Medisinliste _ny_.pdf"')
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]
    assert "sandbox" in response.headers["content-security-policy"]


def test_ingrid_acting_for_kari_downloads_it_and_karis_log_says_so(
    cast_engine: Engine, files: AttachmentFiles, karis_pdf: str
) -> None:
    with Session(cast_engine) as db:
        token = login(db, INGRID, KARI)
    response = fetch(cast_engine, files, token, routes.attachment(karis_pdf))
    assert response.status_code == 200
    with Session(cast_engine) as db:
        entry = db.exec(
            select(UsageLogEntry).where(UsageLogEntry.action == UsageAction.ATTACHMENT_OPENED)
        ).one()
        assert (entry.actor_id, entry.subject_id, entry.outcome) == (
            person(db, INGRID).id, person(db, KARI).id, UsageOutcome.OK,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "acting_for"),
    [(ASLAK, None), (INGRID, None), (None, None)],
    ids=["a stranger", "Ingrid acting for herself", "nobody logged in"],
)
def test_anyone_else_is_told_there_is_no_such_file(
    cast_engine: Engine, files: AttachmentFiles, karis_pdf: str, who: CastMember | None, acting_for: None
) -> None:
    with Session(cast_engine) as db:
        token = login(db, who) if who else None
    response = fetch(cast_engine, files, token, routes.attachment(karis_pdf))
    assert response.status_code == 404
    assert PDF not in response.content
    assert "Medisinliste" not in response.text


def test_an_address_that_names_no_file_is_not_found(cast_engine: Engine, files: AttachmentFiles) -> None:
    with Session(cast_engine) as db:
        token = login(db, KARI)
    for public_id in ("no-such-file", "..%2F..%2Fetc%2Fpasswd", "%00"):
        assert fetch(cast_engine, files, token, f"{routes.ATTACHMENTS}/{public_id}").status_code == 404


# The upload limit, before the framework reads a byte.


async def _echo_size(request: Request) -> PlainTextResponse:
    # As the framework's upload route does: a client gone away gets an empty answer, and nothing is handled.
    try:
        body = await request.body()
    except ClientDisconnect:
        return PlainTextResponse("cut off")
    return PlainTextResponse(str(len(body)))


def _limited_app(limit: int) -> UploadSizeLimit:
    inner = Starlette(routes=[Route("/_upload", _echo_size, methods=["POST"])])
    return UploadSizeLimit(inner, limit=limit)


def _post(
    app: UploadSizeLimit, content: bytes | object, headers: dict[str, str] | None = None
) -> httpx.Response:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            return await client.post("/_upload", content=content, headers=headers)  # type: ignore[arg-type]

    return asyncio.run(post())


def test_an_upload_that_says_it_is_too_large_is_refused_before_it_is_read() -> None:
    app = _limited_app(limit=100)
    assert _post(app, b"x" * 100).text == "100"
    assert _post(app, b"x" * 101).status_code == 413


def test_the_portals_own_upload_route_is_behind_the_limit() -> None:
    portal = homecare.homecare.app()

    async def post(length: int) -> httpx.Response:
        transport = httpx.ASGITransport(app=portal)
        headers = {"content-length": str(length), "reflex-client-token": "t", "reflex-event-handler": "none"}
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost:3000") as client:
            return await client.post(upload_path(), content=b"x" * 10, headers=headers)

    assert asyncio.run(post(MAX_UPLOAD_BODY + 1)).status_code == 413
    assert asyncio.run(post(10)).status_code == 400, (
        "a small body reaches the framework (which knows no 'none')"
    )


def test_an_upload_that_grows_too_large_without_saying_so_is_cut_off() -> None:
    app = _limited_app(limit=100)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the body comes in pieces
        for _ in range(5):
            yield b"x" * 50

    assert _post(app, chunks()).text == "cut off"
