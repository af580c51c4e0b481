"""State of the page "Which municipalities are taking part?"."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from homecare.domain.search import fold_for_search, matches_place
from homecare.i18n.formatting import format_date
from homecare.services.places import MunicipalityParticipation, participation
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
    """The list, filtered by what the person types. The places live in a cache shared by all visitors."""

    query: str = ""
    loaded: bool = False

    @rx.event
    def load(self):
        self.loaded = True

    @rx.event
    def set_query(self, value: str):
        self.query = value[:MAX_QUERY_LENGTH] if isinstance(value, str) else ""

    @rx.var
    def rows(self) -> list[MunicipalityRow]:
        if not self.loaded:
            return []
        wanted = fold_for_search(self.query)
        return [
            self._row(place)
            for place in participation.get()
            if matches_place(wanted, place.name, place.number, place.district_names)
        ]

    @rx.var
    def summary(self) -> str:
        if not self.loaded:
            return ""
        shown = len(self.rows)
        if shown == 0:
            return self._tr("municipalities.none_found", query=self.query.strip())
        return self._tr("municipalities.count", shown=shown, total=len(participation.get()))

    def _row(self, place: MunicipalityParticipation) -> MunicipalityRow:
        if place.takes_part and place.since:
            since = format_date(place.since, self.lang)
            status, kind = self._tr("municipalities.takes_part_since", date=since), "yes"
        elif place.some_districts_take_part:
            status, kind = self._tr("municipalities.some_districts"), "partly"
        else:
            status, kind = self._tr("municipalities.not_taking_part"), "no"
        districts = [
            self._tr(
                "municipalities.district_takes_part_since",
                district=district.name,
                date=format_date(district.since, self.lang),
            )
            if district.takes_part and district.since
            else self._tr("municipalities.district_not_taking_part", district=district.name)
            for district in place.districts
        ]
        return MunicipalityRow(place.number, place.name, status, kind, districts)
