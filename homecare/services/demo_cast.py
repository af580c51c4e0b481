"""The fixed demo cast: synthetic people, municipalities and services for the demo and the tests.

The cast is written once; dates that are relative are counted from the day of seeding, in Europe/Oslo.
Seeding a database that already has the cast changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from homecare.domain.notifications import NotificationLevel
from homecare.domain.power_of_attorney import ServiceArea
from homecare.domain.time_zone import OSLO
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.models import (
    District,
    HomeVisit,
    Message,
    MessageThread,
    Municipality,
    NotificationPreference,
    Person,
    PowerOfAttorney,
    PowerOfAttorneyArea,
    ServiceUnit,
    TermsConsent,
)
from homecare.settings import get_settings


@dataclass(frozen=True)
class CastMember:
    """One person of the cast, as DEMO_CAST describes them."""

    key: str
    national_id: str
    given_name: str
    middle_name: str | None
    family_name: str
    birth_date: date
    municipality: str
    district: str | None = None
    mobile: str | None = None
    email: str | None = None
    accepted_terms: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.middle_name, self.family_name) if part)


KARI = CastMember(
    "kari", "14833810058", "Kari", None, "Nordmann", date(1938, 3, 14), "4601",
    mobile="+4755123456", accepted_terms=True,
)  # fmt: skip
PER = CastMember(
    "per", "21873510371", "Per", None, "Nordmann", date(1935, 7, 21), "0301", district="Bydel Frogner",
    accepted_terms=True,
)  # fmt: skip
INGRID = CastMember(
    "ingrid", "02916810051", "Ingrid", "Nordmann", "Berg", date(1968, 11, 2), "4601",
    mobile="+4791234567", email="ingrid.berg@example.no", accepted_terms=True,
)  # fmt: skip
OLA = CastMember("ola", "10861250151", "Ola", None, "Berg", date(2012, 6, 10), "4601")
NORA = CastMember(
    "nora", "30819010095", "Nora", None, "Lind", date(1990, 1, 30), "4601",
    mobile="+4793456789", email="nora.lind@example.no",
)  # fmt: skip
ASLAK = CastMember("aslak", "05855010196", "Aslak", None, "Hætta", date(1950, 5, 5), "5501")

CAST: tuple[CastMember, ...] = (KARI, PER, INGRID, OLA, NORA, ASLAK)


@dataclass(frozen=True)
class PlaceSeed:
    """A municipality or a district and whether it takes part, with its home care service unit."""

    name: str
    takes_part: bool
    since: date | None = None
    service_unit: str | None = None
    # The unit's phone number, for what cannot be done here (a synthetic number, like everything in the cast).
    phone: str | None = None


MUNICIPALITIES: dict[str, PlaceSeed] = {
    "4601": PlaceSeed("Bergen", True, date(2020, 9, 1), "Hjemmesykepleien Bergenhus", "55 00 00 01"),
    "0301": PlaceSeed("Oslo", False),
    "5001": PlaceSeed("Trondheim", True, date(2022, 1, 10), "Hjemmesykepleien Midtbyen", "73 00 00 01"),
    "3216": PlaceSeed("Vestby", True, date(2019, 6, 3), "Hjemmetjenesten i Vestby", "64 00 00 01"),
    "1804": PlaceSeed("Bodø", True, date(2023, 5, 2), "Hjemmetjenesten Bodø sentrum", "75 00 00 01"),
    "1103": PlaceSeed("Stavanger", False),
    "5501": PlaceSeed("Tromsø", False),
}
DISTRICTS: dict[str, tuple[PlaceSeed, ...]] = {
    "0301": (
        PlaceSeed("Bydel Frogner", True, date(2021, 3, 15), "Hjemmetjenesten Frogner", "23 00 00 01"),
        PlaceSeed("Bydel Grünerløkka", False),
    ),
}

NURSES = ("Line Hansen", "Maria Olsen", "Jonas Bakke", "Fatima Ali")
HOME_HELPERS = ("Erik Johansen", "Sofie Nilsen")


def local_moment(day: date, clock: time) -> datetime:
    """A wall-clock time in Oslo on `day`, as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=OSLO)


def seed_demo_cast(session: Session, today: date) -> bool:
    """Write the cast into an empty database; return whether anything was written.

    A database that has people or municipalities already (the cast, or real data) is left alone.
    """
    if session.exec(select(Person.id)).first() is not None:
        return False
    if session.exec(select(Municipality.id)).first() is not None:
        return False
    units = _seed_places(session)
    people = _seed_people(session, units)
    _seed_consents_and_grants(session, people, today)
    _seed_kari_services(session, people, units["4601"], today)
    _seed_per_services(session, people["per"], units["0301/Bydel Frogner"], today)
    session.add(
        NotificationPreference(
            person_id=people["ingrid"].id,
            about_person_id=people["ingrid"].id,
            level=NotificationLevel.ALL,
            by_sms=True,
            by_email=True,
            same_for_represented=True,
        )
    )
    session.flush()
    return True


def _seed_places(session: Session) -> dict[str, ServiceUnit]:
    units: dict[str, ServiceUnit] = {}
    for number, place in MUNICIPALITIES.items():
        municipality = Municipality(
            number=number, name=place.name, takes_part=place.takes_part, taking_part_since=place.since
        )
        session.add(municipality)
        session.flush()
        if place.service_unit:
            units[number] = _add_unit(session, place, municipality.id)
        for district_place in DISTRICTS.get(number, ()):
            district = District(
                municipality_id=municipality.id,
                name=district_place.name,
                takes_part=district_place.takes_part,
                taking_part_since=district_place.since,
            )
            session.add(district)
            session.flush()
            if district_place.service_unit:
                units[f"{number}/{district_place.name}"] = _add_unit(
                    session, district_place, municipality.id, district.id
                )
    return units


def _add_unit(
    session: Session, place: PlaceSeed, municipality_id: int | None, district_id: int | None = None
) -> ServiceUnit:
    assert municipality_id is not None and place.service_unit is not None
    unit = ServiceUnit(
        name=place.service_unit, municipality_id=municipality_id, district_id=district_id, phone=place.phone
    )
    session.add(unit)
    session.flush()
    return unit


def _seed_people(session: Session, units: dict[str, ServiceUnit]) -> dict[str, Person]:
    municipalities = {m.number: m for m in session.exec(select(Municipality))}
    districts = {d.name: d for d in session.exec(select(District))}
    people: dict[str, Person] = {}
    for member in CAST:
        district = districts[member.district] if member.district else None
        person = Person(
            national_id=member.national_id,
            given_name=member.given_name,
            middle_name=member.middle_name,
            family_name=member.family_name,
            birth_date=member.birth_date,
            municipality_id=municipalities[member.municipality].id,
            district_id=district.id if district else None,
            mobile=member.mobile,
            email=member.email,
        )
        session.add(person)
        people[member.key] = person
    people["kari"].service_unit_id = units["4601"].id
    people["per"].service_unit_id = units["0301/Bydel Frogner"].id
    session.flush()
    return people


def _seed_consents_and_grants(session: Session, people: dict[str, Person], today: date) -> None:
    terms_version = get_settings().terms_version
    for member in CAST:
        if member.accepted_terms:
            session.add(
                TermsConsent(
                    person_id=people[member.key].id,
                    terms_version=terms_version,
                    accepted_at=local_moment(today - timedelta(days=90), time(12, 0)),
                )
            )
    grants = (
        (people["kari"], people["ingrid"], today - timedelta(days=60), None, None),
        (people["per"], people["ingrid"], today - timedelta(days=30), today + timedelta(days=365), None),
        (people["kari"], people["nora"], today - timedelta(days=200), None, today - timedelta(days=20)),
    )
    for grantor, grantee, valid_from, valid_to, ended_on in grants:
        grant = PowerOfAttorney(
            grantor_id=grantor.id,
            grantee_id=grantee.id,
            valid_from=local_moment(valid_from, time(12, 0)),
            valid_to=valid_to,
            ended_at=local_moment(ended_on, time(12, 0)) if ended_on else None,
            ended_by_id=grantor.id if ended_on else None,
        )
        session.add(grant)
        session.flush()
        session.add(PowerOfAttorneyArea(power_of_attorney_id=grant.id, area=ServiceArea.DIGITAL_HEALTHCARE))


def _seed_kari_services(session: Session, people: dict[str, Person], unit: ServiceUnit, today: date) -> None:
    kari = people["kari"]
    for offset in range(-7, 14):
        day = today + timedelta(days=offset)
        starts = local_moment(day, time(8, 0))
        past = offset < 0
        session.add(
            HomeVisit(
                subject_id=kari.id,
                service_unit_id=unit.id,
                external_id=f"demo-kari-{day.isoformat()}-morning",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                service_type=ServiceType.MEDICATION,
                staff_name=NURSES[offset % len(NURSES)],
                status=VisitStatus.COMPLETED if past else VisitStatus.PLANNED,
                completed_at=starts + timedelta(minutes=25) if past else None,
            )
        )
    wound_day = today + timedelta(days=3)
    session.add(
        HomeVisit(
            subject_id=kari.id,
            service_unit_id=unit.id,
            external_id=f"demo-kari-{wound_day.isoformat()}-wound",
            starts_at=local_moment(wound_day, time(14, 0)),
            ends_at=local_moment(wound_day, time(14, 45)),
            service_type=ServiceType.WOUND_CARE,
            staff_name=NURSES[0],
        )
    )
    asked = today - timedelta(days=2)
    thread = MessageThread(
        subject_id=kari.id,
        service_unit_id=unit.id,
        topic="Question about medication",
        created_at=local_moment(asked, time(9, 12)),
        last_message_at=local_moment(today - timedelta(days=1), time(13, 40)),
    )
    session.add(thread)
    session.flush()
    session.add_all(
        [
            Message(
                thread_id=thread.id,
                from_service=False,
                author_person_id=kari.id,
                body="Can I take my evening tablets together with the morning ones?",
                created_at=local_moment(asked, time(9, 12)),
            ),
            Message(
                thread_id=thread.id,
                from_service=False,
                author_person_id=people["ingrid"].id,
                on_behalf_of_id=kari.id,
                body="My mother also wonders whether the nurse can bring the new blister packs on Friday.",
                created_at=local_moment(asked, time(18, 30)),
            ),
            Message(
                thread_id=thread.id,
                from_service=True,
                staff_name="nurse Line Hansen",
                body=(
                    "Please keep taking the evening tablets in the evening. "
                    "We will bring the new blister packs on Friday."
                ),
                created_at=local_moment(today - timedelta(days=1), time(13, 40)),
            ),
        ]
    )


def _seed_per_services(session: Session, per: Person, unit: ServiceUnit, today: date) -> None:
    visiting_days = {0, 2, 4}  # Monday, Wednesday, Friday
    for offset in range(28):
        day = today + timedelta(days=offset)
        if day.weekday() not in visiting_days:
            continue
        starts = local_moment(day, time(10, 0))
        session.add(
            HomeVisit(
                subject_id=per.id,
                service_unit_id=unit.id,
                external_id=f"demo-per-{day.isoformat()}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                service_type=ServiceType.PRACTICAL_ASSISTANCE,
                staff_name=HOME_HELPERS[offset % len(HOME_HELPERS)],
            )
        )
    cancelled_day = next(
        today - timedelta(days=back)
        for back in range(1, 8)
        if (today - timedelta(days=back)).weekday() in visiting_days
    )
    starts = local_moment(cancelled_day, time(10, 0))
    session.add(
        HomeVisit(
            subject_id=per.id,
            service_unit_id=unit.id,
            external_id=f"demo-per-{cancelled_day.isoformat()}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            service_type=ServiceType.PRACTICAL_ASSISTANCE,
            status=VisitStatus.CANCELLED_BY_SERVICE,
            cancelled_at=local_moment(cancelled_day - timedelta(days=1), time(15, 30)),
            cancel_reason="Staff illness",
            version=2,
        )
    )
