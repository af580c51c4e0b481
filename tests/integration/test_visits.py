"""Home visits in the database: the week, past pages, cancelling in time, a service change meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from homecare.domain.time_zone import OSLO
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.models import (
    CitizenEvent,
    CitizenEventKind,
    HomeVisit,
    Message,
    MessageThread,
    UsageLogEntry,
)
from homecare.services import events
from homecare.services.calendar_file import calendar_file
from homecare.services.demo_cast import ASLAK, INGRID, KARI, PER, CastMember
from homecare.services.events import VisitChangedByService
from homecare.services.messages import ThreadPurpose
from homecare.services.usage_log import UsageAction
from homecare.services.visits import (
    CancelOutcome,
    calendar_visits,
    cancel_visit,
    change_visit_by_service,
    past_visits,
    request_new_time,
    visits_between,
)
from tests.cast import access, person
from tests.conftest import SEED_DAY

# Friday 4 December 2026, 13:00 in Oslo: before the 15:00 deadline for Monday's visits.
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def oslo_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=OSLO)


def visit_on(db: Session, member: CastMember, day: date, hour: int = 8) -> HomeVisit:
    starts = datetime.combine(day, time(hour), tzinfo=OSLO)
    return db.exec(
        select(HomeVisit).where(HomeVisit.subject_id == person(db, member).id, HomeVisit.starts_at == starts)
    ).one()


MONDAY = SEED_DAY + timedelta(days=3)


def test_karis_week_is_in_time_order_with_the_staff_who_come(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        week = visits_between(
            db, access(db, KARI), oslo_midnight(SEED_DAY), oslo_midnight(SEED_DAY + timedelta(days=7)), NOW
        )
        assert len(week) == 8  # a morning visit every day, and wound care on day +3
        assert [view.starts_at for view in week] == sorted(view.starts_at for view in week)
        assert week[4].service_type is ServiceType.WOUND_CARE
        assert all(view.staff_name for view in week)


def test_the_service_cancelling_hides_the_staff_name(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        views, total = past_visits(db, access(db, PER), oslo_midnight(SEED_DAY), NOW, page=0, page_size=20)
        assert total == 1
        (cancelled,) = views
        assert cancelled.status is VisitStatus.CANCELLED_BY_SERVICE and cancelled.staff_name is None


def test_a_year_of_daily_visits_comes_a_page_at_a_time_newest_first(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        kari = person(db, KARI)
        for back in range(8, 373):
            starts = datetime.combine(SEED_DAY - timedelta(days=back), time(8), tzinfo=OSLO)
            db.add(
                HomeVisit(
                    subject_id=kari.id or 0, service_unit_id=kari.service_unit_id or 0, starts_at=starts,
                    ends_at=starts + timedelta(minutes=30), service_type=ServiceType.MEDICATION,
                    status=VisitStatus.COMPLETED, staff_name="Line Hansen",
                )
            )  # fmt: skip
        db.commit()
        first, total = past_visits(db, access(db, KARI), oslo_midnight(SEED_DAY), NOW, page=0, page_size=20)
        assert total == 372
        assert len(first) == 20
        assert first[0].starts_at.astimezone(OSLO).date() == SEED_DAY - timedelta(days=1)
        last, _ = past_visits(db, access(db, KARI), oslo_midnight(SEED_DAY), NOW, page=18, page_size=20)
        assert len(last) == 12


def test_ingrid_cancels_karis_monday_visit_and_the_service_is_told_once(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        visit = visit_on(db, KARI, MONDAY)
        done = cancel_visit(
            db, access(db, INGRID, KARI), visit.public_id, seen_version=visit.version,
            reason="in_hospital", note="  Innlagt på Haukeland  ", now=NOW,
        )  # fmt: skip
        db.commit()
        assert done.outcome is CancelOutcome.CANCELLED
        db.refresh(visit)
        assert visit.status is VisitStatus.CANCELLED_BY_CITIZEN
        assert visit.cancelled_by_id == person(db, INGRID).id
        assert (visit.cancel_reason_code, visit.cancel_reason) == ("in_hospital", "Innlagt på Haukeland")
        assert visit.version == 2

        again = cancel_visit(
            db, access(db, KARI), visit.public_id, seen_version=1, reason="not_home", note="", now=NOW
        )
        assert again.outcome is CancelOutcome.CHANGED
        queued = db.exec(select(CitizenEvent).where(CitizenEvent.visit_id == visit.id)).all()
        assert [(event.kind, event.service_unit_id) for event in queued] == [
            (CitizenEventKind.VISIT_CANCELLED, visit.service_unit_id)
        ]
        logged = db.exec(
            select(UsageLogEntry).where(UsageLogEntry.action == UsageAction.VISIT_CANCELLED)
        ).all()
        assert [(entry.actor_id, entry.subject_id) for entry in logged] == [
            (person(db, INGRID).id, person(db, KARI).id)
        ]


def test_after_the_deadline_nothing_is_cancelled(cast_engine: Engine) -> None:
    too_late = datetime(2026, 12, 4, 14, 1, tzinfo=UTC)  # 15:01 in Oslo
    with Session(cast_engine) as db:
        visit = visit_on(db, KARI, MONDAY)
        done = cancel_visit(
            db, access(db, KARI), visit.public_id, seen_version=1, reason="not_home", note="", now=too_late
        )
        assert done.outcome is CancelOutcome.TOO_LATE
        db.refresh(visit)
        assert visit.status is VisitStatus.PLANNED and visit.version == 1
        assert db.exec(select(CitizenEvent)).all() == []


def test_a_bad_reason_or_someone_elses_visit_changes_nothing(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        visit = visit_on(db, KARI, MONDAY)
        invalid = cancel_visit(
            db, access(db, KARI), visit.public_id, seen_version=1, reason="other", note="", now=NOW
        )
        assert invalid.outcome is CancelOutcome.INVALID
        for stranger in (access(db, ASLAK), access(db, INGRID), access(db, INGRID, PER)):
            done = cancel_visit(
                db, stranger, visit.public_id, seen_version=1, reason="not_home", note="", now=NOW
            )
            assert done.outcome is CancelOutcome.NOT_FOUND
        db.refresh(visit)
        assert visit.status is VisitStatus.PLANNED


def test_a_change_by_the_service_since_the_person_looked_wins(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        visit = visit_on(db, KARI, MONDAY)
        moved = change_visit_by_service(
            db, visit.id or 0, seen_version=1, now=NOW, starts_at=visit.starts_at + timedelta(hours=2),
            ends_at=visit.ends_at + timedelta(hours=2),
        )  # fmt: skip
        assert moved is not None and moved.version == 2
        done = cancel_visit(
            db, access(db, KARI), visit.public_id, seen_version=1, reason="not_home", note="", now=NOW
        )
        assert done.outcome is CancelOutcome.CHANGED
        assert change_visit_by_service(db, visit.id or 0, seen_version=1, now=NOW, staff_name="X") is None


@pytest.fixture
def published() -> Iterator[list[VisitChangedByService]]:
    seen: list[VisitChangedByService] = []
    events.subscribe(VisitChangedByService, lambda _db, event: seen.append(event))  # type: ignore[arg-type]
    yield seen
    events._subscribers[VisitChangedByService].pop()


def test_a_change_by_the_service_is_published_for_the_notifications(
    cast_engine: Engine, published: list[VisitChangedByService]
) -> None:
    with Session(cast_engine) as db:
        visit = visit_on(db, KARI, MONDAY)
        change_visit_by_service(db, visit.id or 0, seen_version=1, now=NOW, cancel_reason="Staff illness")
        assert [(event.visit_id, event.cancelled) for event in published] == [(visit.id, True)]


@pytest.mark.parametrize("round_", range(5))
def test_a_cancellation_and_a_change_by_the_service_at_the_same_moment_exactly_one_wins(
    cast_engine: Engine, round_: int
) -> None:
    with Session(cast_engine) as db:
        visit = visit_on(db, KARI, MONDAY + timedelta(days=round_))
        visit_id, public_id = visit.id or 0, visit.public_id
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def citizen() -> None:
        with Session(cast_engine) as db:
            kari = access(db, KARI)
            start.wait()
            results["citizen"] = cancel_visit(
                db, kari, public_id, seen_version=1, reason="not_home", note="", now=NOW
            ).outcome
            db.commit()

    def service() -> None:
        with Session(cast_engine) as db:
            start.wait()
            results["service"] = change_visit_by_service(
                db, visit_id, seen_version=1, now=NOW, staff_name="Ny"
            )
            db.commit()

    threads = [threading.Thread(target=citizen), threading.Thread(target=service)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    citizen_won = results["citizen"] is CancelOutcome.CANCELLED
    service_won = results["service"] is not None
    assert citizen_won != service_won, results
    with Session(cast_engine) as db:
        stored = db.get(HomeVisit, visit_id)
        assert stored is not None and stored.version == 2
        assert stored.status is (VisitStatus.CANCELLED_BY_CITIZEN if citizen_won else VisitStatus.PLANNED)
        queued = db.exec(select(CitizenEvent).where(CitizenEvent.visit_id == visit_id)).all()
        assert len(queued) == (1 if citizen_won else 0)
        if not citizen_won:
            assert results["citizen"] is CancelOutcome.CHANGED


def test_requests_for_a_new_time_go_to_one_thread_and_to_the_service(cast_engine: Engine) -> None:
    with Session(cast_engine) as db:
        ingrid_for_kari = access(db, INGRID, KARI)
        first_visit, second_visit = visit_on(db, KARI, MONDAY), visit_on(db, KARI, MONDAY + timedelta(days=1))
        topic = "Ønske om ny tid"
        first = request_new_time(
            db, ingrid_for_kari, first_visit.public_id, text=f"{topic}: mandag", topic=topic, now=NOW
        )
        second = request_new_time(
            db, ingrid_for_kari, second_visit.public_id, text=f"{topic}: tirsdag", topic=topic,
            now=NOW + timedelta(minutes=5),
        )  # fmt: skip
        db.commit()
        assert first is not None and second is not None
        assert first.thread_public_id == second.thread_public_id
        thread = db.exec(select(MessageThread).where(MessageThread.public_id == first.thread_public_id)).one()
        assert (thread.topic, thread.purpose) == ("Ønske om ny tid", ThreadPurpose.NEW_TIME_REQUESTS)
        bodies = db.exec(
            select(Message.body).where(Message.thread_id == thread.id).order_by(col(Message.id))
        ).all()
        assert bodies == ["Ønske om ny tid: mandag", "Ønske om ny tid: tirsdag"]
        queued = db.exec(
            select(CitizenEvent).where(CitizenEvent.kind == CitizenEventKind.NEW_TIME_REQUESTED)
        ).all()
        assert [event.visit_id for event in queued] == [first_visit.id, second_visit.id]
        actions = db.exec(
            select(UsageLogEntry.action).where(UsageLogEntry.subject_id == person(db, KARI).id)
        ).all()
        assert actions.count(UsageAction.NEW_TIME_REQUESTED) == 2


def test_the_calendar_holds_the_planned_visits_in_oslo_time_and_nothing_but_the_service_type(
    cast_engine: Engine,
) -> None:
    with Session(cast_engine) as db:
        kari = access(db, KARI)
        cancel_visit(
            db,
            kari,
            visit_on(db, KARI, MONDAY).public_id,
            seen_version=1,
            reason="not_home",
            note="",
            now=NOW,
        )
        visits = calendar_visits(db, kari, NOW)
        content = calendar_file(
            visits, summary_of=lambda kind: f"Tjeneste {kind.value}", calendar_name="Timeavtaler",
            uid_domain="portal.example", now=NOW,
        )  # fmt: skip
    calendar = icalendar.Calendar.from_ical(content)
    found = list(calendar.walk("VEVENT"))
    assert len(found) == len(visits) == 13 + 1  # 13 mornings ahead and wound care
    statuses = [str(event["STATUS"]) for event in found]
    assert statuses.count("CANCELLED") == 1, "a calendar that took the visit in earlier takes it out again"
    first = found[0]
    assert first["DTSTART"].dt.tzinfo is not None and str(first["DTSTART"].params["TZID"]) == "Europe/Oslo"
    assert first["DTSTART"].dt.hour == 8
    assert {str(event["SUMMARY"]) for event in found} == {"Tjeneste medication", "Tjeneste wound_care"}
    assert {int(event["SEQUENCE"]) for event in found} == {1, 2}
    text = content.decode()
    for private in ("Line Hansen", "Kari", "14833810058", "Bergenhus"):
        assert private not in text
    assert len({str(event["UID"]) for event in found}) == len(found)
