"""Powers of attorney: granting, ending, changing, and finding the ones in force."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam
from sqlmodel import Session, col, select, update

from homecare.domain.national_id import NationalIdError, parse_national_id
from homecare.domain.power_of_attorney import (
    PORTAL_AREA,
    GrantProblem,
    ServiceArea,
    covers,
    grant_problems,
    is_in_force,
    surname_matches,
    terms_problems,
)
from homecare.domain.time_zone import OSLO
from homecare.domain.usage import UsageOutcome
from homecare.models import Person, PowerOfAttorney, PowerOfAttorneyArea
from homecare.services.events import PowerOfAttorneyEnded, PowerOfAttorneyGranted, publish
from homecare.services.people import find_by_national_id
from homecare.services.terms import has_accepted
from homecare.services.usage_log import UsageAction, record_use


@dataclass(frozen=True)
class Grant:
    """A power of attorney with its areas and both parties, as the pages and the access check need it."""

    id: int
    grantor: Person
    grantee: Person
    areas: frozenset[ServiceArea]
    valid_from: datetime
    valid_to: date | None
    ended_at: datetime | None
    ended_by_id: int | None
    in_force: bool


def _grants(db: Session, *conditions: object, now: datetime) -> list[Grant]:
    rows = db.exec(
        select(PowerOfAttorney).where(*conditions).order_by(col(PowerOfAttorney.valid_from).desc())
    ).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    areas: dict[int, set[ServiceArea]] = {}
    for link in db.exec(
        select(PowerOfAttorneyArea).where(col(PowerOfAttorneyArea.power_of_attorney_id).in_(ids))
    ):
        areas.setdefault(link.power_of_attorney_id, set()).add(ServiceArea(link.area))
    people_ids = {row.grantor_id for row in rows} | {row.grantee_id for row in rows}
    people = {person.id: person for person in db.exec(select(Person).where(col(Person.id).in_(people_ids)))}
    today = now.astimezone(OSLO).date()
    return [
        Grant(
            id=row.id or 0,
            grantor=people[row.grantor_id],
            grantee=people[row.grantee_id],
            areas=frozenset(areas.get(row.id or 0, set())),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            ended_at=row.ended_at,
            ended_by_id=row.ended_by_id,
            in_force=is_in_force(
                valid_from=row.valid_from, valid_to=row.valid_to, ended_at=row.ended_at, now=now, today=today
            ),
        )
        for row in rows
    ]


def grants_given(db: Session, grantor_id: int, now: datetime) -> list[Grant]:
    """Every grant the person has given, in force or not, newest first."""
    return _grants(db, PowerOfAttorney.grantor_id == grantor_id, now=now)


def grants_held(db: Session, grantee_id: int, now: datetime) -> list[Grant]:
    """Every grant the person has been given, in force or not, newest first."""
    return _grants(db, PowerOfAttorney.grantee_id == grantee_id, now=now)


def representable(db: Session, actor_id: int, now: datetime) -> list[Person]:
    """Whom the actor may act for here: those whose grant to the actor is in force and covers the portal.

    Only grants to the actor count; grants that those people hold for others never pass on.
    """
    grants = _grants(
        db, PowerOfAttorney.grantee_id == actor_id, col(PowerOfAttorney.ended_at).is_(None), now=now
    )
    people = {grant.grantor.id: grant.grantor for grant in grants if grant.in_force and covers(grant.areas)}
    return sorted(people.values(), key=lambda person: person.full_name)


def representatives(db: Session, subject_id: int, now: datetime) -> list[Person]:
    """Who may act for the subject now: the grantees of grants in force that cover the portal."""
    grants = _grants(
        db, PowerOfAttorney.grantor_id == subject_id, col(PowerOfAttorney.ended_at).is_(None), now=now
    )
    people = {grant.grantee.id: grant.grantee for grant in grants if grant.in_force and covers(grant.areas)}
    return sorted(people.values(), key=lambda person: person.id or 0)


# Built once (the access check asks this on every event of a representative): building the statement
# costs more than running it.
_COVERING_GRANTS = (
    select(PowerOfAttorney.valid_from, PowerOfAttorney.valid_to, PowerOfAttorney.ended_at)
    .join(
        PowerOfAttorneyArea,
        and_(
            col(PowerOfAttorneyArea.power_of_attorney_id) == PowerOfAttorney.id,
            col(PowerOfAttorneyArea.area) == PORTAL_AREA,
        ),
    )
    .where(
        PowerOfAttorney.grantor_id == bindparam("subject_id"),
        PowerOfAttorney.grantee_id == bindparam("actor_id"),
        col(PowerOfAttorney.ended_at).is_(None),
    )
)


def may_represent(db: Session, *, actor_id: int, subject_id: int, now: datetime) -> bool:
    """Whether the actor may act for the subject now: themself, or by a grant in force covering the portal."""
    if actor_id == subject_id:
        return True
    covering = db.exec(_COVERING_GRANTS, params={"subject_id": subject_id, "actor_id": actor_id}).all()
    today = now.astimezone(OSLO).date()
    return any(
        is_in_force(valid_from=valid_from, valid_to=valid_to, ended_at=ended_at, now=now, today=today)
        for valid_from, valid_to, ended_at in covering
    )


@dataclass(frozen=True)
class GrantRequest:
    """What the grantor typed in the form, not yet checked."""

    national_id: str
    surname: str
    areas: frozenset[ServiceArea]
    valid_to: date | None


def grant(
    db: Session, grantor: Person, request: GrantRequest, now: datetime, terms_version: str
) -> list[GrantProblem]:
    """Grant a power of attorney; returns the problems (then nothing is written), or nothing (granted).

    A refused attempt is written to the grantor's own log, so that probing for people leaves a trace.
    """
    grantor_id = _id(grantor)
    # One grant at a time per grantor: on PostgreSQL this locks the grantor's row until the commit.
    db.exec(select(Person.id).where(Person.id == grantor_id).with_for_update()).first()
    try:
        typed = parse_national_id(request.national_id)
    except NationalIdError:
        typed = None
    grantee = find_by_national_id(db, typed.value) if typed else None
    found = grantee is not None and surname_matches(request.surname, grantee.family_name, grantee.middle_name)
    today = now.astimezone(OSLO).date()
    problems = grant_problems(
        grantor_birth_date=grantor.birth_date,
        grantor_accepted_terms=has_accepted(db, grantor_id, terms_version),
        grantee_birth_date=typed.birth_date if typed else None,
        grantee_found=found,
        grantee_is_grantor=found and grantee is not None and grantee.id == grantor_id,
        areas=request.areas,
        valid_to=request.valid_to,
        today=today,
    )
    if not problems and grantee is not None and _has_grant_in_force(db, grantor_id, _id(grantee), now):
        problems.append(GrantProblem.ALREADY_GRANTED)
    if problems or grantee is None:
        record_use(
            db, action=UsageAction.POA_GRANT_REFUSED, actor_id=grantor_id, subject_id=grantor_id, at=now,
            outcome=UsageOutcome.DENIED, detail=",".join(problems),
        )  # fmt: skip
        return problems
    row = _write_grant(db, grantor_id, _id(grantee), request.areas, request.valid_to, now)
    for subject_id in (grantor_id, _id(grantee)):
        record_use(db, action=UsageAction.POA_GRANTED, actor_id=grantor_id, subject_id=subject_id, at=now)
    publish(db, PowerOfAttorneyGranted(grantor_id, _id(grantee), row.id or 0, now))
    return []


def _id(person: Person) -> int:
    assert person.id is not None, "a person from the database has an id"
    return person.id


def _has_grant_in_force(db: Session, grantor_id: int, grantee_id: int, now: datetime) -> bool:
    grants = _grants(
        db,
        PowerOfAttorney.grantor_id == grantor_id,
        PowerOfAttorney.grantee_id == grantee_id,
        col(PowerOfAttorney.ended_at).is_(None),
        now=now,
    )
    return any(grant.in_force for grant in grants)


def _write_grant(
    db: Session,
    grantor_id: int,
    grantee_id: int,
    areas: Collection[ServiceArea],
    valid_to: date | None,
    now: datetime,
    replaces_id: int | None = None,
) -> PowerOfAttorney:
    row = PowerOfAttorney(
        grantor_id=grantor_id,
        grantee_id=grantee_id,
        valid_from=now,
        valid_to=valid_to,
        replaces_id=replaces_id,
    )
    db.add(row)
    db.flush()
    for area in sorted(areas):
        db.add(PowerOfAttorneyArea(power_of_attorney_id=row.id or 0, area=area))
    return row


def _end(db: Session, grant_id: int, person_id: int, now: datetime) -> bool:
    """End the grant unless someone ended it first; only one of two at the same time can win."""
    result = db.execute(
        update(PowerOfAttorney)
        .where(col(PowerOfAttorney.id) == grant_id, col(PowerOfAttorney.ended_at).is_(None))
        .values(ended_at=now, ended_by_id=person_id)
    )
    return result.rowcount == 1


def end_grant(db: Session, *, person_id: int, grant_id: int, now: datetime) -> bool:
    """End a grant at once; either party may. Returns False for anyone else's or an already ended grant."""
    row = db.get(PowerOfAttorney, grant_id)
    if (
        row is None
        or person_id not in (row.grantor_id, row.grantee_id)
        or not _end(db, grant_id, person_id, now)
    ):
        return False
    for subject_id in (row.grantor_id, row.grantee_id):
        record_use(db, action=UsageAction.POA_ENDED, actor_id=person_id, subject_id=subject_id, at=now)
    publish(db, PowerOfAttorneyEnded(row.grantor_id, row.grantee_id, grant_id, person_id, now))
    return True


def change_grant(
    db: Session,
    *,
    grantor_id: int,
    grant_id: int,
    areas: frozenset[ServiceArea],
    valid_to: date | None,
    now: datetime,
) -> list[GrantProblem]:
    """Change what a grant in force covers or when it ends: it is ended and a new one made in its place."""
    row = db.get(PowerOfAttorney, grant_id)
    today = now.astimezone(OSLO).date()
    if (
        row is None
        or row.grantor_id != grantor_id
        or not is_in_force(
            valid_from=row.valid_from, valid_to=row.valid_to, ended_at=row.ended_at, now=now, today=today
        )
    ):
        return [GrantProblem.NOT_IN_FORCE]
    problems = terms_problems(areas, valid_to, today)
    if problems:
        return problems
    if not _end(db, grant_id, grantor_id, now):
        return [GrantProblem.NOT_IN_FORCE]
    _write_grant(db, grantor_id, row.grantee_id, areas, valid_to, now, replaces_id=row.id)
    for subject_id in (grantor_id, row.grantee_id):
        record_use(db, action=UsageAction.POA_CHANGED, actor_id=grantor_id, subject_id=subject_id, at=now)
    return []
