"""Powers of attorney: who may grant to whom, what a grant covers, and when it is in force."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum

from homecare.domain.national_id import age_on
from homecare.domain.search import fold_for_search

MIN_GRANTOR_AGE = 16
MIN_GRANTEE_AGE = 18


class ServiceArea(StrEnum):
    """Areas a power of attorney can cover; this portal acts only under DIGITAL_HEALTHCARE."""

    DIGITAL_HEALTHCARE = "digital_healthcare"
    PRESCRIPTIONS = "prescriptions"
    APPOINTMENTS_AT_HOSPITALS = "appointments_at_hospitals"


# The area this portal needs to act for someone.
PORTAL_AREA = ServiceArea.DIGITAL_HEALTHCARE


class GrantProblem(StrEnum):
    """Why a grant cannot be made; each has its own message in the catalogs."""

    GRANTOR_TOO_YOUNG = "grantor_too_young"
    GRANTOR_HAS_NOT_ACCEPTED_TERMS = "grantor_has_not_accepted_terms"
    # One answer for "no such person" and "the surname does not match": nobody can probe who exists.
    GRANTEE_NOT_FOUND = "grantee_not_found"
    GRANTEE_IS_GRANTOR = "grantee_is_grantor"
    GRANTEE_TOO_YOUNG = "grantee_too_young"
    NO_AREAS = "no_areas"
    END_DATE_NOT_IN_FUTURE = "end_date_not_in_future"
    ALREADY_GRANTED = "already_granted"
    NOT_IN_FORCE = "not_in_force"


def surname_matches(typed: str, family_name: str, middle_name: str | None = None) -> bool:
    """Whether `typed` is the person's surname: case, accents and spacing aside.

    A surname often comes with a middle name ("Nordmann Berg"): that and the last name alone both count.
    """
    wanted = fold_for_search(typed)
    if not wanted:
        return False
    names = {fold_for_search(family_name)}
    if middle_name:
        names.add(fold_for_search(f"{middle_name} {family_name}"))
    return wanted in names


def terms_problems(areas: Collection[ServiceArea], valid_to: date | None, today: date) -> list[GrantProblem]:
    """What is wrong with what a grant covers and when it ends (for a new grant and for a change)."""
    problems: list[GrantProblem] = []
    if not areas:
        problems.append(GrantProblem.NO_AREAS)
    if valid_to is not None and valid_to <= today:
        problems.append(GrantProblem.END_DATE_NOT_IN_FUTURE)
    return problems


def grantee_too_young(grantee_birth_date: date, today: date) -> bool:
    """Decided from the birth date in the typed number alone, before anyone is looked up: the answer then
    tells nothing about who exists."""
    return grantee_birth_date > today or age_on(grantee_birth_date, today) < MIN_GRANTEE_AGE


def grant_problems(
    *,
    grantor_birth_date: date,
    grantor_accepted_terms: bool,
    grantee_birth_date: date | None,
    grantee_found: bool,
    grantee_is_grantor: bool,
    areas: Collection[ServiceArea],
    valid_to: date | None,
    today: date,
) -> list[GrantProblem]:
    """Everything that stops a grant made `today`.

    `grantee_birth_date` comes from the typed number (None when it is not a valid number); `grantee_found`
    says whether a person with that number and surname exists.
    """
    problems: list[GrantProblem] = []
    if age_on(grantor_birth_date, today) < MIN_GRANTOR_AGE:
        problems.append(GrantProblem.GRANTOR_TOO_YOUNG)
    if not grantor_accepted_terms:
        problems.append(GrantProblem.GRANTOR_HAS_NOT_ACCEPTED_TERMS)
    if grantee_birth_date is not None and grantee_too_young(grantee_birth_date, today):
        problems.append(GrantProblem.GRANTEE_TOO_YOUNG)
    elif grantee_birth_date is None or not grantee_found:
        problems.append(GrantProblem.GRANTEE_NOT_FOUND)
    elif grantee_is_grantor:
        problems.append(GrantProblem.GRANTEE_IS_GRANTOR)
    return problems + terms_problems(areas, valid_to, today)


def is_in_force(
    *, valid_from: datetime, valid_to: date | None, ended_at: datetime | None, now: datetime, today: date
) -> bool:
    """Whether a grant is in force at `now` (`today` is now's date in Oslo; the end date is its last day)."""
    if valid_from > now:
        return False
    if ended_at is not None and ended_at <= now:
        return False
    return valid_to is None or today <= valid_to


def covers(areas: Collection[ServiceArea], area: ServiceArea = PORTAL_AREA) -> bool:
    return area in areas
