"""Which municipalities and districts take part; public information, no person's data."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from homecare.db import get_engine
from homecare.models import District, Municipality

# Participation changes a few times a year; every visitor of the page should not cost a query.
CACHE_SECONDS = 60.0


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

    @property
    def district_names(self) -> tuple[str, ...]:
        return tuple(district.name for district in self.districts)


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


class ParticipationCache:
    """The list, read again at most once a minute per process."""

    def __init__(self, engine: Engine | None = None, seconds: float = CACHE_SECONDS) -> None:
        self._engine = engine
        self._seconds = seconds
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._places: tuple[MunicipalityParticipation, ...] = ()

    def get(self) -> tuple[MunicipalityParticipation, ...]:
        with self._lock:
            if time.monotonic() - self._read_at > self._seconds:
                with Session(self._engine or get_engine()) as session:
                    self._places = tuple(list_participation(session))
                self._read_at = time.monotonic()
            return self._places


participation = ParticipationCache()
