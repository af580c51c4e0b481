"""Which municipalities and districts take part; public information, no person's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from homecare.models import District, Municipality


@dataclass(frozen=True)
class DistrictParticipation:
    """A district and whether it takes part."""

    name: str
    takes_part: bool
    since: date | None


@dataclass(frozen=True)
class MunicipalityParticipation:
    """A municipality, whether it takes part as a whole, and its districts where they decide."""

    number: str
    name: str
    takes_part: bool
    since: date | None
    districts: tuple[DistrictParticipation, ...]

    @property
    def some_districts_take_part(self) -> bool:
        return not self.takes_part and any(district.takes_part for district in self.districts)


def list_participation(session: Session) -> list[MunicipalityParticipation]:
    """Every municipality, by name, with its districts."""
    districts: dict[int, list[DistrictParticipation]] = {}
    for district in session.exec(select(District).order_by(District.name)):
        districts.setdefault(district.municipality_id, []).append(
            DistrictParticipation(district.name, district.takes_part, district.taking_part_since)
        )
    return [
        MunicipalityParticipation(
            number=municipality.number,
            name=municipality.name,
            takes_part=municipality.takes_part,
            since=municipality.taking_part_since,
            districts=tuple(districts.get(municipality.id or 0, ())),
        )
        for municipality in session.exec(select(Municipality).order_by(Municipality.name))
    ]
