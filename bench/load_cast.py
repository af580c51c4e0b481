"""A synthetic cast for load tests: N representatives, each holding a power of attorney for someone in care.

The demo cast is six people; a load test needs hundreds of logins that do the same things the demo's next of
kin does. Representative number i (counted from 0) always has the same synthetic national identity number, so
seeding again adds only the missing pairs and a benchmark finds the logins it seeded earlier.

Run on its own: `python -m bench.load_cast --users 1000` (on the database `REFLEX_DB_URL` names, after the
demo cast); `bench.event_load --start ...` seeds the database of the portal it starts itself.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from homecare.db import make_engine
from homecare.domain.national_id import parse_national_id
from homecare.domain.power_of_attorney import ServiceArea
from homecare.domain.time_zone import OSLO
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.models import (
    HomeVisit,
    Message,
    MessageThread,
    Municipality,
    Person,
    PowerOfAttorney,
    PowerOfAttorneyArea,
    ServiceUnit,
    TermsConsent,
)
from homecare.services.demo_cast import HOME_HELPERS, NURSES, local_moment
from homecare.settings import get_settings

FAMILY_NAME = "Lasttest"
GIVEN_NAMES = ("Astrid", "Bjørn", "Eli", "Geir", "Hanne", "Jon", "Kjersti", "Lars", "Mona", "Odd")
# Far from the demo cast's individual numbers, and all below 500: born in the 1900s whatever the year.
_INDIVIDUAL_NUMBERS = range(400, 500)
_FIRST_BIRTH_DAY = date(1941, 1, 1)
_SYNTHETIC_MONTH_OFFSET = 80
# Visits from a week back to two weeks ahead, and message threads already in the inbox, per person cared for.
_VISIT_DAYS = range(-7, 14)
_THREADS = 3
_INSERT_CHUNK = 200


@dataclass(frozen=True)
class LoadPair:
    """A representative who logs in, and the person in home care whose power of attorney they hold."""

    index: int
    representative_id: str
    subject_id: str


def synthetic_national_ids() -> Iterator[str]:
    """Synthetic (month + 80) identity numbers that pass the project's own check, in a fixed order."""
    day = _FIRST_BIRTH_DAY
    while True:
        for individual in _INDIVIDUAL_NUMBERS:
            first_nine = f"{day:%d}{day.month + _SYNTHETIC_MONTH_OFFSET:02d}{day:%y}{individual:03d}"
            for check in range(100):
                candidate = f"{first_nine}{check:02d}"
                if _valid(candidate):
                    # Exactly one pair of check digits fits nine digits, or none does.
                    yield candidate
                    break
        day += timedelta(days=1)


def _valid(candidate: str) -> bool:
    try:
        parsed = parse_national_id(candidate)
    except ValueError:
        return False
    return parsed.is_synthetic


def load_pairs(count: int) -> list[LoadPair]:
    """The first `count` pairs; the same numbers on every call."""
    numbers = synthetic_national_ids()
    return [LoadPair(index, next(numbers), next(numbers)) for index in range(count)]


def seed_load_cast(db: Session, count: int, today: date) -> list[LoadPair]:
    """Make sure the first `count` pairs exist (the demo cast's places must be there); return them.

    Each representative has accepted the terms; each person cared for lives in a municipality that takes
    part, is served by its home care unit, has three weeks of visits and three message threads.
    """
    pairs = load_pairs(count)
    units = _taking_part_units(db)
    wanted = [number for pair in pairs for number in (pair.representative_id, pair.subject_id)]
    existing: set[str] = set()
    for start in range(0, len(wanted), _INSERT_CHUNK):
        chunk = wanted[start : start + _INSERT_CHUNK]
        existing.update(db.exec(select(Person.national_id).where(col(Person.national_id).in_(chunk))))
    missing = [pair for pair in pairs if pair.representative_id not in existing]
    for start in range(0, len(missing), _INSERT_CHUNK):
        for pair in missing[start : start + _INSERT_CHUNK]:
            _seed_pair(db, pair, units[pair.index % len(units)], today)
        db.flush()
    return pairs


def _taking_part_units(db: Session) -> list[ServiceUnit]:
    units = db.exec(
        select(ServiceUnit)
        .join(Municipality, col(Municipality.id) == ServiceUnit.municipality_id)
        .where(col(Municipality.takes_part).is_(True), col(ServiceUnit.district_id).is_(None))
        .order_by(col(ServiceUnit.id))
    ).all()
    if not units:
        raise RuntimeError("no home care unit in a municipality that takes part: seed the demo cast first")
    return list(units)


def _person(national_id: str, index: int, given_name: str, **fields: object) -> Person:
    parsed = parse_national_id(national_id)
    return Person(
        national_id=national_id,
        given_name=given_name,
        family_name=f"{FAMILY_NAME} {index}",
        birth_date=parsed.birth_date,
        **fields,
    )


def _seed_pair(db: Session, pair: LoadPair, unit: ServiceUnit, today: date) -> None:
    names = GIVEN_NAMES[pair.index % len(GIVEN_NAMES)], GIVEN_NAMES[(pair.index + 5) % len(GIVEN_NAMES)]
    representative = _person(
        pair.representative_id, pair.index, names[0], municipality_id=unit.municipality_id
    )
    subject = _person(
        pair.subject_id, pair.index, names[1], municipality_id=unit.municipality_id, service_unit_id=unit.id
    )
    db.add_all([representative, subject])
    db.flush()
    assert representative.id is not None and subject.id is not None and unit.id is not None
    since = local_moment(today - timedelta(days=90), time(12, 0))
    db.add(
        TermsConsent(
            person_id=representative.id, terms_version=get_settings().terms_version, accepted_at=since
        )
    )
    grant = PowerOfAttorney(grantor_id=subject.id, grantee_id=representative.id, valid_from=since)
    db.add(grant)
    db.flush()
    assert grant.id is not None
    db.add(PowerOfAttorneyArea(power_of_attorney_id=grant.id, area=ServiceArea.DIGITAL_HEALTHCARE))
    _seed_visits(db, subject.id, unit.id, pair.index, today)
    _seed_threads(db, subject.id, representative.id, unit.id, today)


def _seed_visits(db: Session, subject_id: int, unit_id: int, index: int, today: date) -> None:
    for offset in _VISIT_DAYS:
        day = today + timedelta(days=offset)
        starts = local_moment(day, time(8 + index % 4, 0))
        past = offset < 0
        nursing = offset % 2 == 0
        db.add(
            HomeVisit(
                subject_id=subject_id,
                service_unit_id=unit_id,
                external_id=f"load-{index}-{day.isoformat()}",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30 if nursing else 60),
                service_type=ServiceType.MEDICATION if nursing else ServiceType.PRACTICAL_ASSISTANCE,
                staff_name=(NURSES if nursing else HOME_HELPERS)[offset % 2],
                status=VisitStatus.COMPLETED if past else VisitStatus.PLANNED,
                completed_at=starts + timedelta(minutes=25) if past else None,
            )
        )


def _seed_threads(db: Session, subject_id: int, representative_id: int, unit_id: int, today: date) -> None:
    for number in range(_THREADS):
        asked = local_moment(today - timedelta(days=3 * number + 2), time(9, 15))
        answered = asked + timedelta(hours=5)
        thread = MessageThread(
            subject_id=subject_id,
            service_unit_id=unit_id,
            topic=f"Question {number + 1} about the visits",
            created_at=asked,
            last_message_at=answered,
        )
        db.add(thread)
        db.flush()
        assert thread.id is not None
        db.add_all(
            [
                Message(
                    thread_id=thread.id, from_service=False, author_person_id=representative_id,
                    on_behalf_of_id=subject_id, body="Can the visit on Friday be in the afternoon?",
                    created_at=asked,
                ),
                Message(
                    thread_id=thread.id, from_service=True, staff_name=NURSES[number % len(NURSES)],
                    body="Yes, we will come after lunch on Friday.", created_at=answered,
                ),
            ]
        )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_cast", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="how many representatives (default 1000)")
    parser.add_argument(
        "--database", default=None, help="database URL (default: REFLEX_DB_URL or the project's)"
    )
    arguments = parser.parse_args(argv)
    settings = get_settings()
    if settings.is_production:
        print("The load cast is synthetic: it is never seeded in production.", file=sys.stderr)
        return 2
    engine = make_engine(arguments.database or settings.database_url)
    today = datetime.now(UTC).astimezone(OSLO).date()
    with Session(engine) as db:
        seed_load_cast(db, arguments.users, today)
        db.commit()
    engine.dispose()
    print(f"The load cast holds {arguments.users} representatives.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
