"""Home visits: what the subject sees, cancelling one in time, and the service changing one.

A cancellation and a change by the service may meet: both write only if the visit still has the version they
saw, so exactly one of them wins and the other is told; nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, func, select, update

from homecare.domain.messages import normalize_text
from homecare.domain.public_ids import is_public_id
from homecare.domain.visits import (
    DEFAULT_RULE,
    CancelFormProblem,
    CancellationRule,
    CancelProblem,
    ServiceType,
    VisitStatus,
    cancel_form_problems,
    cancel_problem,
    cancellation_deadline,
)
from homecare.models import CitizenEvent, CitizenEventKind, HomeVisit, Municipality, Person, ServiceUnit
from homecare.services.access import Access
from homecare.services.events import VisitChangedByService, VisitCompleted, publish
from homecare.services.messages import Sent, ThreadPurpose, send_message, thread_for_purpose
from homecare.services.usage_log import UsageAction, record_use


@dataclass(frozen=True)
class VisitView:
    """A visit as the pages show it: no ids but its random public one, no staff phone numbers."""

    public_id: str
    starts_at: datetime
    ends_at: datetime
    service_type: ServiceType
    status: VisitStatus
    staff_name: str | None
    cancelled_by: str | None
    cancelled_by_subject: bool
    deadline: datetime
    cancel_problem: CancelProblem | None
    version: int


@dataclass(frozen=True)
class UnitContact:
    """The home care service unit, for what cannot be done here."""

    name: str
    phone: str | None


def cancellation_rule(db: Session, service_unit_id: int) -> CancellationRule:
    """The deadline rule of the municipality the unit belongs to."""
    municipality = db.exec(
        select(Municipality)
        .join(ServiceUnit, col(ServiceUnit.municipality_id) == Municipality.id)
        .where(ServiceUnit.id == service_unit_id)
    ).first()
    if municipality is None:
        return DEFAULT_RULE
    return CancellationRule(municipality.cancel_cutoff, municipality.cancel_working_days_before)


def unit_contact(db: Session, access: Access) -> UnitContact | None:
    unit = db.get(ServiceUnit, access.subject.service_unit_id) if access.subject.service_unit_id else None
    return UnitContact(unit.name, unit.phone) if unit else None


def _views(db: Session, visits: list[HomeVisit], now: datetime) -> list[VisitView]:
    cancellers = {visit.cancelled_by_id for visit in visits if visit.cancelled_by_id}
    people = db.exec(select(Person).where(col(Person.id).in_(cancellers))).all()
    names: dict[int | None, str] = {person.id: person.full_name for person in people}
    units = {visit.service_unit_id for visit in visits}
    rules = {unit_id: cancellation_rule(db, unit_id) for unit_id in units}
    return [_view(visit, names, rules[visit.service_unit_id], now) for visit in visits]


def _view(visit: HomeVisit, names: dict[int | None, str], rule: CancellationRule, now: datetime) -> VisitView:
    shows_staff = visit.status in (VisitStatus.PLANNED, VisitStatus.COMPLETED)
    return VisitView(
        public_id=visit.public_id,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        service_type=visit.service_type,
        status=visit.status,
        staff_name=visit.staff_name if shows_staff else None,
        cancelled_by=names.get(visit.cancelled_by_id) if visit.cancelled_by_id else None,
        cancelled_by_subject=visit.cancelled_by_id == visit.subject_id,
        deadline=cancellation_deadline(visit.starts_at, rule),
        cancel_problem=cancel_problem(visit.status, visit.starts_at, now, rule),
        version=visit.version,
    )


def visits_between(
    db: Session, access: Access, start: datetime, end: datetime, now: datetime
) -> list[VisitView]:
    """The subject's visits starting in [start, end), in time order."""
    visits = db.exec(
        select(HomeVisit)
        .where(
            HomeVisit.subject_id == access.subject_id, HomeVisit.starts_at >= start, HomeVisit.starts_at < end
        )
        .order_by(col(HomeVisit.starts_at), col(HomeVisit.id))
    ).all()
    return _views(db, list(visits), now)


def past_visits(
    db: Session, access: Access, before: datetime, now: datetime, *, page: int, page_size: int
) -> tuple[list[VisitView], int]:
    """One page of the subject's visits that started before `before`, newest first, and how many there are."""
    where = (HomeVisit.subject_id == access.subject_id, HomeVisit.starts_at < before)
    total = db.exec(select(func.count()).select_from(HomeVisit).where(*where)).one()
    visits = db.exec(
        select(HomeVisit)
        .where(*where)
        .order_by(col(HomeVisit.starts_at).desc(), col(HomeVisit.id).desc())
        .offset(max(page, 0) * page_size)
        .limit(page_size)
    ).all()
    return _views(db, list(visits), now), total


def _visit_of(db: Session, access: Access, public_id: str) -> HomeVisit | None:
    """The subject's visit with this public id; another person's visit is as good as none."""
    if not is_public_id(public_id):
        return None
    return db.exec(
        select(HomeVisit).where(HomeVisit.public_id == public_id, HomeVisit.subject_id == access.subject_id)
    ).first()


def visit_view(db: Session, access: Access, public_id: str, now: datetime) -> VisitView | None:
    visit = _visit_of(db, access, public_id)
    return _views(db, [visit], now)[0] if visit else None


class CancelOutcome(StrEnum):
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    TOO_LATE = "too_late"
    # The service changed, moved, cancelled or completed it since the person saw it: nothing was written.
    CHANGED = "changed"


@dataclass(frozen=True)
class Cancelled:
    outcome: CancelOutcome
    problems: tuple[CancelFormProblem, ...] = ()


def cancel_visit(
    db: Session, access: Access, public_id: str, *, seen_version: int, reason: str, note: str, now: datetime
) -> Cancelled:
    """Cancel the subject's visit as it was seen (`seen_version`), with a reason; queue it for the service."""
    visit = _visit_of(db, access, public_id)
    if visit is None or visit.id is None:
        return Cancelled(CancelOutcome.NOT_FOUND)
    problems = cancel_form_problems(reason, note)
    if problems:
        return Cancelled(CancelOutcome.INVALID, tuple(problems))
    if visit.version != seen_version or visit.status is not VisitStatus.PLANNED:
        return Cancelled(CancelOutcome.CHANGED)
    if cancel_problem(visit.status, visit.starts_at, now, cancellation_rule(db, visit.service_unit_id)):
        return Cancelled(CancelOutcome.TOO_LATE)
    written = db.execute(
        update(HomeVisit)
        .where(
            col(HomeVisit.id) == visit.id,
            col(HomeVisit.version) == seen_version,
            col(HomeVisit.status) == VisitStatus.PLANNED,
        )
        .values(
            status=VisitStatus.CANCELLED_BY_CITIZEN,
            cancelled_at=now,
            cancelled_by_id=access.actor_id,
            cancel_reason_code=reason,
            cancel_reason=normalize_text(note) or None,
            version=seen_version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.expire(visit)  # the row changed underneath the loaded object (or not): read it afresh when used
    if written.rowcount != 1:  # type: ignore[attr-defined]
        return Cancelled(CancelOutcome.CHANGED)
    db.add(
        CitizenEvent(
            service_unit_id=visit.service_unit_id,
            kind=CitizenEventKind.VISIT_CANCELLED,
            dedup_key=f"visit_cancelled:{visit.id}",
            subject_id=access.subject_id,
            visit_id=visit.id,
            created_at=now,
        )
    )
    record_use(
        db, action=UsageAction.VISIT_CANCELLED, actor_id=access.actor_id, subject_id=access.subject_id, at=now
    )
    return Cancelled(CancelOutcome.CANCELLED)


def change_visit_by_service(
    db: Session,
    visit_id: int,
    *,
    seen_version: int,
    now: datetime,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    staff_name: str | None = None,
    cancel_reason: str | None = None,
) -> HomeVisit | None:
    """The service moves, re-staffs or cancels a visit as it saw it; None when it changed meanwhile.

    The integration API calls this. A change publishes VisitChangedByService for the notifications.
    """
    changes: dict[str, object] = {"version": seen_version + 1, "updated_at": now}
    if starts_at is not None:
        changes["starts_at"] = starts_at
    if ends_at is not None:
        changes["ends_at"] = ends_at
    if staff_name is not None:
        changes["staff_name"] = staff_name[:150] or None  # "" takes the name away
    if cancel_reason is not None:
        changes |= {
            "status": VisitStatus.CANCELLED_BY_SERVICE,
            "cancelled_at": now,
            "cancel_reason": cancel_reason[:500],
        }
    written = db.execute(
        update(HomeVisit)
        .where(col(HomeVisit.id) == visit_id, col(HomeVisit.version) == seen_version)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        return None
    visit = db.get(HomeVisit, visit_id, populate_existing=True)
    assert visit is not None
    publish(
        db,
        VisitChangedByService(
            subject_id=visit.subject_id,
            visit_id=visit_id,
            version=visit.version,
            cancelled=cancel_reason is not None,
            at=now,
        ),
    )
    return visit


def complete_visit_by_service(
    db: Session, visit_id: int, *, completed_at: datetime, staff_name: str | None, now: datetime
) -> HomeVisit | None:
    """The service records a visit as made (the integration API calls this); None when it was cancelled or
    completed already. A completion publishes VisitCompleted, which the completed-visit notices hear."""
    changes: dict[str, object] = {
        "status": VisitStatus.COMPLETED,
        "completed_at": completed_at,
        "updated_at": now,
    }
    if staff_name:
        changes["staff_name"] = staff_name[:150]
    written = db.execute(
        update(HomeVisit)
        .where(col(HomeVisit.id) == visit_id, col(HomeVisit.status) == VisitStatus.PLANNED)
        .values(**changes, version=HomeVisit.version + 1)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:  # type: ignore[attr-defined]
        return None
    visit = db.get(HomeVisit, visit_id, populate_existing=True)
    assert visit is not None
    publish(db, VisitCompleted(subject_id=visit.subject_id, visit_id=visit_id, at=now))
    return visit


def calendar_visits(db: Session, access: Access, now: datetime, days: int = 90) -> list[VisitView]:
    """The visits from now on, for a calendar file: the planned ones, and the cancelled ones, so that a
    calendar that took them in from an earlier file takes them out again."""
    visits = visits_between(db, access, now, now + timedelta(days=days), now)
    kept = (VisitStatus.PLANNED, VisitStatus.CANCELLED_BY_CITIZEN, VisitStatus.CANCELLED_BY_SERVICE)
    return [visit for visit in visits if visit.status in kept]


def request_new_time(
    db: Session, access: Access, public_id: str, *, text: str, topic: str, now: datetime
) -> Sent | None:
    """Ask the service for a new time for a planned visit: a message in the subject's thread for such requests
    (started with `topic` the first time); None when there is no such planned visit."""
    visit = _visit_of(db, access, public_id)
    if visit is None or visit.status is not VisitStatus.PLANNED or visit.starts_at <= now:
        return None
    return send_message(
        db,
        access,
        text=text,
        topic=topic,
        thread_public_id=thread_for_purpose(db, access, ThreadPurpose.NEW_TIME_REQUESTS),
        purpose=ThreadPurpose.NEW_TIME_REQUESTS,
        about_visit_id=visit.id,
        now=now,
    )
