"""Writing to the home care service and reading its answers, as the subject or for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from homecare.auth.sessions import start_session
from homecare.domain.messages import MessageProblem
from homecare.models import Message, MessageThread, UsageLogEntry
from homecare.services import events
from homecare.services.access import check_access, switch_subject
from homecare.services.demo_cast import ASLAK, INGRID, KARI, NORA, PER
from homecare.services.events import ServiceMessagePosted
from homecare.services.messages import inbox, open_thread, post_service_message, send_message, unread_count
from homecare.services.terms import accept
from homecare.settings import get_settings
from tests.cast import access, person

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_karis_inbox_shows_her_thread_with_one_unread_reply(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        threads, total = inbox(db, kari.id or 0, page=0, page_size=20)
        assert total == 1
        (thread,) = threads
        assert thread.topic == "Question about medication"
        assert thread.unread == 1
        assert thread.last_preview.startswith("Please keep taking")
        assert unread_count(db, kari.id or 0) == 1


def test_the_access_check_counts_the_unread_messages_of_the_person_acted_for(cast_engine: Engine) -> None:
    """The header's count comes with the access check: the count of the subject, not of the actor."""
    settings = get_settings()
    with Session(cast_engine) as db:
        ingrid, kari = person(db, INGRID), person(db, KARI)
        accept(db, ingrid.id or 0, settings.terms_version, NOW)
        token = start_session(
            db, settings, actor_id=ingrid.id or 0, idp_sid=None, id_token_hint=None, language="nb",
            user_agent=None, now=NOW,
        )  # fmt: skip
        as_herself = check_access(db, settings, token, NOW)
        assert as_herself.unread_messages == unread_count(db, ingrid.id or 0) == 0
        assert switch_subject(db, as_herself, kari.id or 0, NOW)
        for_kari = check_access(db, settings, token, NOW)
        assert for_kari.subject_id == kari.id and for_kari.unread_messages == 1
        (summary,), _ = inbox(db, kari.id or 0, page=0, page_size=20)
        assert open_thread(db, for_kari, summary.public_id, NOW) is not None
        assert check_access(db, settings, token, NOW).unread_messages == 0


def test_opening_a_thread_shows_who_wrote_and_marks_the_replies_read_by_the_reader(
    cast_engine: Engine,
) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        (summary,), _ = inbox(db, kari.id or 0, page=0, page_size=20)
        view = open_thread(db, access(db, INGRID, KARI), summary.public_id, NOW)
        assert view is not None
        authors = [(m.author, m.on_behalf_of) for m in view.messages]
        assert authors == [
            ("Kari Nordmann", None),
            ("Ingrid Nordmann Berg", "Kari Nordmann"),
            ("Hjemmesykepleien Bergenhus, nurse Line Hansen", None),
        ]
        db.commit()
        assert unread_count(db, kari.id or 0) == 0
        reply = db.exec(select(Message).where(Message.from_service)).one()
        assert reply.read_at == NOW and reply.read_by_id == person(db, INGRID).id


def test_someone_elses_thread_cannot_be_opened_or_answered(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        (summary,), _ = inbox(db, kari.id or 0, page=0, page_size=20)
        assert open_thread(db, access(db, NORA), summary.public_id, NOW) is None
        sent = send_message(db, access(db, NORA), text="Hello", now=NOW, thread_public_id=summary.public_id)
        assert sent.thread_public_id is None and sent.thread_not_found
        assert db.exec(select(func.count()).select_from(Message)).one() == 3


def test_ingrid_writes_for_kari_and_it_shows(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        sent = send_message(
            db,
            access(db, INGRID, KARI),
            topic="  Ny tid for besøk ",
            text=" Kan dere komme kl. 09?\r\n",
            now=NOW,
        )
        assert sent.problems == () and sent.thread_public_id
        db.commit()
        thread = db.exec(select(MessageThread).where(MessageThread.public_id == sent.thread_public_id)).one()
        assert thread.topic == "Ny tid for besøk" and thread.subject_id == person(db, KARI).id
        message = db.exec(select(Message).where(Message.thread_id == thread.id)).one()
        assert message.body == "Kan dere komme kl. 09?"
        assert message.author_person_id == person(db, INGRID).id
        assert message.on_behalf_of_id == person(db, KARI).id
        logged = db.exec(select(UsageLogEntry).where(UsageLogEntry.action == "message_sent")).one()
        assert logged.subject_id == person(db, KARI).id and logged.actor_id == person(db, INGRID).id
        threads, _ = inbox(db, person(db, KARI).id or 0, page=0, page_size=20)
        assert threads[0].public_id == sent.thread_public_id, "newest activity first"


@pytest.mark.parametrize(
    ("topic", "text", "problem"),
    [
        ("", "Hei", MessageProblem.TOPIC_MISSING),
        ("Emne", "   ", MessageProblem.TEXT_MISSING),
        ("Emne", "x" * 4001, MessageProblem.TEXT_TOO_LONG),
        ("x" * 101, "Hei", MessageProblem.TOPIC_TOO_LONG),
        ("Emne", "bell\x07", MessageProblem.TEXT_HAS_CONTROL_CHARACTERS),
    ],
)
def test_a_bad_message_is_refused_and_nothing_is_stored(
    cast_engine: Engine, topic: str, text: str, problem: MessageProblem
) -> None:
    with Session(cast_engine) as db:
        sent = send_message(db, access(db, KARI), topic=topic, text=text, now=NOW)
        assert problem in sent.problems and sent.thread_public_id is None
        assert db.exec(select(func.count()).select_from(MessageThread)).one() == 1
        assert db.exec(select(func.count()).select_from(Message)).one() == 3


def test_aslak_whose_municipality_does_not_take_part_cannot_send(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        sent = send_message(db, access(db, ASLAK), topic="Hei", text="Hei", now=NOW)
        assert sent.not_taking_part and sent.thread_public_id is None


def test_a_message_from_the_service_is_announced_in_the_same_transaction(
    cast_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[ServiceMessagePosted] = []
    monkeypatch.setattr(
        events, "_subscribers", {ServiceMessagePosted: [lambda db, event: heard.append(event)]}
    )
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        (summary,), _ = inbox(db, kari.id or 0, page=0, page_size=20)
        message = post_service_message(
            db,
            subject_id=kari.id or 0,
            staff_name="nurse Maria Olsen",
            text="Vi kommer kl. 09.",
            now=NOW,
            thread_public_id=summary.public_id,
        )
        assert heard == [ServiceMessagePosted(kari.id or 0, message.thread_id, message.id or 0, NOW)]
        with pytest.raises(ValueError, match="thread"):
            post_service_message(
                db,
                subject_id=person(db, PER).id or 0,
                staff_name="x",
                text="y",
                now=NOW,
                thread_public_id=summary.public_id,
            )


def test_ten_thousand_messages_still_give_one_short_page(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        threads = [
            MessageThread(
                subject_id=kari.id or 0,
                service_unit_id=kari.service_unit_id or 0,
                topic=f"Tråd {number}",
                created_at=NOW,
                last_message_at=NOW + timedelta(days=1, seconds=-number),
            )
            for number in range(2000)
        ]
        db.add_all(threads)
        db.flush()
        db.add_all(
            Message(
                thread_id=thread.id or 0,
                from_service=number % 2 == 0,
                staff_name="nurse",
                author_person_id=None,
                body=f"Melding {number}",
                created_at=NOW,
            )
            for thread in threads
            for number in range(5)
        )
        db.commit()
        page, total = inbox(db, kari.id or 0, page=0, page_size=20)
        assert total == 2001 and len(page) == 20
        assert [summary.topic for summary in page[:2]] == ["Tråd 0", "Tråd 1"]
        assert page[0].unread == 3 and page[0].last_preview == "Melding 4"
        last_page, _ = inbox(db, kari.id or 0, page=100, page_size=20)
        assert [summary.topic for summary in last_page] == ["Question about medication"]
        assert unread_count(db, kari.id or 0) == 2000 * 3 + 1
