"""Finding people, and what their municipality offers them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from homecare.models import District, Municipality, Person


@dataclass(frozen=True)
class Residence:
    """Where a person lives, and whether the service is offered there."""

    municipality_name: str | None
    district_name: str | None
    takes_part: bool


def find_by_national_id(session: Session, national_id: str) -> Person | None:
    return session.exec(select(Person).where(Person.national_id == national_id)).first()


def residence_of(session: Session, person: Person) -> Residence:
    """The service is offered where the municipality, or the person's district of it, takes part."""
    municipality = session.get(Municipality, person.municipality_id) if person.municipality_id else None
    district = session.get(District, person.district_id) if person.district_id else None
    takes_part = bool(municipality and municipality.takes_part) or bool(district and district.takes_part)
    return Residence(
        municipality_name=municipality.name if municipality else None,
        district_name=district.name if district else None,
        takes_part=takes_part,
    )
