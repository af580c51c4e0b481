"""State of the page "Which municipalities are taking part?"."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from homecare.db import session_scope
from homecare.domain.search import matches_place
from homecare.i18n.formatting import format_date
from homecare.services.places import MunicipalityParticipation, list_participation
from homecare.state.i18n import I18nState

MAX_QUERY_LENGTH = 100


@dataclass
class MunicipalityRow:
    """One municipality as the page shows it: words only, in the chosen language."""

    number: str
    name: str
    status: str
    status_kind: str
    districts: list[str]


class MunicipalitiesState(I18nState):
    """The list, filtered by what the person types; the data itself stays on the server."""

    query: str = ""
    loaded: bool = False
    _participation: list[MunicipalityParticipation] = []  # noqa: RUF012 - Reflex copies state defaults

    @rx.event
    def load(self):
        with session_scope() as session:
            self._participation = list_participation(session)
        self.loaded = True

    @rx.event
    def set_query(self, value: str):
        self.query = value[:MAX_QUERY_LENGTH]

    @rx.var
    def rows(self) -> list[MunicipalityRow]:
        return [
            self._row(place)
            for place in self._participation
            if matches_place(self.query, place.name, place.number)
        ]

    @rx.var
    def summary(self) -> str:
        shown = len(self.rows)
        if shown == 0 and self.loaded:
            return self.tr("municipalities.none_found", query=self.query.strip())
        return self.tr("municipalities.count", shown=shown, total=len(self._participation))

    def _row(self, place: MunicipalityParticipation) -> MunicipalityRow:
        if place.takes_part and place.since:
            status, kind = (
                self.tr("municipalities.takes_part_since", date=format_date(place.since, self.lang)),
                "yes",
            )
        elif place.some_districts_take_part:
            status, kind = self.tr("municipalities.some_districts"), "partly"
        else:
            status, kind = self.tr("municipalities.not_taking_part"), "no"
        districts = [
            self.tr(
                "municipalities.district_takes_part_since",
                district=district.name,
                date=format_date(district.since, self.lang),
            )
            if district.takes_part and district.since
            else self.tr("municipalities.district_not_taking_part", district=district.name)
            for district in place.districts
        ]
        return MunicipalityRow(place.number, place.name, status, kind, districts)
