"""Which municipalities take part, as the public page reads it from the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from homecare.services.places import list_participation


def test_every_municipality_is_listed_by_name_with_its_participation(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        places = {place.name: place for place in list_participation(session)}
    assert list(places) == sorted(places)
    assert places["Bergen"].takes_part and places["Bergen"].since == date(2020, 9, 1)
    assert places["Trondheim"].number == "5001"
    assert not places["Tromsø"].takes_part and places["Tromsø"].since is None


def test_oslo_takes_part_by_district(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        oslo = next(place for place in list_participation(session) if place.name == "Oslo")
    assert not oslo.takes_part
    assert oslo.some_districts_take_part
    districts = {district.name: district for district in oslo.districts}
    assert districts["Bydel Frogner"].takes_part and districts["Bydel Frogner"].since == date(2021, 3, 15)
    assert not districts["Bydel Grünerløkka"].takes_part


def test_a_municipality_without_districts_does_not_claim_some_take_part(cast_engine: Engine) -> None:
    with Session(cast_engine) as session:
        stavanger = next(place for place in list_participation(session) if place.name == "Stavanger")
    assert stavanger.districts == ()
    assert not stavanger.some_districts_take_part
