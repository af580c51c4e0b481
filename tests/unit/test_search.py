"""Finding a municipality by what a person types."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.search import fold_for_search, matches_place

PLACES = [("Bergen", "4601"), ("Bodø", "1804"), ("Tromsø", "5501"), ("Trondheim", "5001"), ("Oslo", "0301")]
DISTRICTS = {"Oslo": ("Bydel Frogner", "Bydel Grünerløkka")}


def found(query: str) -> list[str]:
    wanted = fold_for_search(query)
    return [name for name, number in PLACES if matches_place(wanted, name, number, DISTRICTS.get(name, ()))]


def test_a_name_is_found_whatever_the_case() -> None:
    assert found("trondheim") == ["Trondheim"]
    assert found("  TRONDHEIM ") == ["Trondheim"]


def test_part_of_a_name_finds_every_place_containing_it() -> None:
    assert found("tro") == ["Tromsø", "Trondheim"]


def test_norwegian_letters_can_be_typed_without_them() -> None:
    assert found("bodo") == ["Bodø"]
    assert found("Tromsø") == ["Tromsø"]


def test_a_number_finds_by_its_beginning() -> None:
    assert found("5001") == ["Trondheim"]
    assert found("50") == ["Trondheim"]
    assert found("03") == ["Oslo"]


def test_nothing_typed_finds_everything() -> None:
    assert len(found("")) == len(PLACES)
    assert len(found("   ")) == len(PLACES)


def test_a_district_finds_its_municipality() -> None:
    assert found("frogner") == ["Oslo"]
    assert found("grunerlokka") == ["Oslo"]


def test_no_match_finds_nothing() -> None:
    assert found("Paris") == []


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    assert fold_for_search(fold_for_search(text)) == fold_for_search(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_every_place_answers_its_own_name(name: str) -> None:
    wanted = fold_for_search(name)
    assert matches_place(wanted, name, "0000") or wanted.isdigit()


@given(st.sampled_from(PLACES), st.text(max_size=10), st.text(max_size=10))
def test_a_longer_query_never_finds_more(place: tuple[str, str], query: str, extra: str) -> None:
    # Whatever a longer query finds, the shorter one it starts with found too.
    name, number = place
    shorter, longer = fold_for_search(query), fold_for_search(query + extra)
    if longer.startswith(shorter) and matches_place(longer, name, number):
        assert matches_place(shorter, name, number) or (longer.isdigit() != shorter.isdigit())
