"""Who may grant a power of attorney to whom, and when a grant is in force."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homecare.domain.power_of_attorney import (
    PORTAL_AREA,
    GrantProblem,
    ServiceArea,
    covers,
    grant_problems,
    is_in_force,
    surname_matches,
)

TODAY = date(2026, 12, 4)
ADULT = date(1968, 11, 2)


def problems(
    grantor: date = ADULT,
    grantee: date | None = date(1990, 1, 30),
    *,
    accepted: bool = True,
    found: bool = True,
    same: bool = False,
    areas: tuple[ServiceArea, ...] = (PORTAL_AREA,),
    valid_to: date | None = None,
    today: date = TODAY,
) -> list[GrantProblem]:
    return grant_problems(
        grantor_birth_date=grantor,
        grantor_accepted_terms=accepted,
        grantee_birth_date=grantee,
        grantee_found=found,
        grantee_is_grantor=same,
        areas=areas,
        valid_to=valid_to,
        today=today,
    )


def test_an_adult_may_grant_another_adult_without_end_date() -> None:
    assert problems() == []


def test_the_grantee_must_be_eighteen_on_the_day_of_the_grant() -> None:
    eighteenth_birthday = date(2008, 12, 4)
    assert problems(grantee=eighteenth_birthday) == []
    assert problems(grantee=eighteenth_birthday + timedelta(days=1)) == [GrantProblem.GRANTEE_TOO_YOUNG]


def test_ola_at_fourteen_can_neither_grant_nor_receive() -> None:
    ola = date(2012, 6, 10)
    assert problems(grantee=ola) == [GrantProblem.GRANTEE_TOO_YOUNG]
    assert problems(grantor=ola) == [GrantProblem.GRANTOR_TOO_YOUNG]


def test_the_grantor_must_be_sixteen() -> None:
    sixteenth_birthday = date(2010, 12, 4)
    assert problems(grantor=sixteenth_birthday) == []
    assert problems(grantor=sixteenth_birthday + timedelta(days=1)) == [GrantProblem.GRANTOR_TOO_YOUNG]


def test_someone_born_on_29_february_comes_of_age_on_1_march() -> None:
    leapling = date(2008, 2, 29)
    assert problems(grantee=leapling, today=date(2026, 2, 28)) == [GrantProblem.GRANTEE_TOO_YOUNG]
    assert problems(grantee=leapling, today=date(2026, 3, 1)) == []


def test_the_grantor_must_have_accepted_the_terms() -> None:
    assert problems(accepted=False) == [GrantProblem.GRANTOR_HAS_NOT_ACCEPTED_TERMS]


def test_nobody_found_and_nobody_else_are_refused() -> None:
    assert problems(grantee=None) == [GrantProblem.GRANTEE_NOT_FOUND]
    assert problems(found=False) == [GrantProblem.GRANTEE_NOT_FOUND]
    assert problems(grantee=ADULT, same=True) == [GrantProblem.GRANTEE_IS_GRANTOR]


def test_too_young_is_told_from_the_typed_number_whether_or_not_anyone_has_it() -> None:
    # The same answer for an existing child and a number nobody has: nothing about who exists leaks.
    child = date(2012, 6, 10)
    assert problems(grantee=child, found=True) == problems(grantee=child, found=False)


def test_a_grant_covers_at_least_one_area_and_ends_in_the_future_if_at_all() -> None:
    assert problems(areas=()) == [GrantProblem.NO_AREAS]
    assert problems(valid_to=TODAY) == [GrantProblem.END_DATE_NOT_IN_FUTURE]
    assert problems(valid_to=TODAY + timedelta(days=1)) == []


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 4)))
def test_eligibility_of_a_grantee_follows_the_age_of_eighteen(born: date) -> None:
    eighteen = born.replace(year=born.year + 18) if not (born.month == 2 and born.day == 29) else None
    adult_on = eighteen or date(born.year + 18, 3, 1)
    assert (GrantProblem.GRANTEE_TOO_YOUNG in problems(grantee=born)) == (adult_on > TODAY)


NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def in_force(valid_to: date | None = None, ended_at: datetime | None = None, now: datetime = NOW) -> bool:
    return is_in_force(
        valid_from=NOW - timedelta(days=30), valid_to=valid_to, ended_at=ended_at, now=now, today=now.date()
    )


def test_a_grant_without_end_is_in_force_until_ended() -> None:
    assert in_force()
    assert not in_force(ended_at=NOW - timedelta(seconds=1))
    assert not in_force(ended_at=NOW)


def test_the_end_date_is_the_last_day_of_the_grant() -> None:
    assert in_force(valid_to=NOW.date())
    assert not in_force(valid_to=NOW.date() - timedelta(days=1))


def test_a_grant_is_not_in_force_before_it_starts() -> None:
    assert not in_force(now=NOW - timedelta(days=31))


@given(st.sets(st.sampled_from(list(ServiceArea))))
def test_only_grants_covering_digital_healthcare_let_someone_act_here(areas: set[ServiceArea]) -> None:
    assert covers(areas) == (ServiceArea.DIGITAL_HEALTHCARE in areas)


def test_the_surname_is_matched_without_regard_to_case_or_accents() -> None:
    assert surname_matches("berg", "Berg", "Nordmann")
    assert surname_matches(" Nordmann  Berg ", "Berg", "Nordmann")
    assert surname_matches("HAETTA", "Hætta")
    assert not surname_matches("Nordmann", "Berg", "Nordmann")
    assert not surname_matches("", "Berg")
