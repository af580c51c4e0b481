"""What a home visit is: the kinds of service and the states a visit can be in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum

from homecare.domain.messages import has_control_characters, normalize_text
from homecare.domain.time_zone import OSLO
from homecare.domain.working_days import add_working_days, oslo_date


class ServiceType(StrEnum):
    """The home care services a visit can be for."""

    HOME_NURSING = "home_nursing"
    PRACTICAL_ASSISTANCE = "practical_assistance"
    MEDICATION = "medication"
    WOUND_CARE = "wound_care"


class VisitStatus(StrEnum):
    """Where a visit stands; who cancelled matters to the person reading it."""

    PLANNED = "planned"
    COMPLETED = "completed"
    CANCELLED_BY_CITIZEN = "cancelled_by_citizen"
    CANCELLED_BY_SERVICE = "cancelled_by_service"


# A visit can be cancelled here until a deadline the municipality sets, by default 15:00 on the working
# day before the visit (Norwegian public holidays are not working days).
DEFAULT_CANCEL_CUTOFF = time(15, 0)
DEFAULT_CANCEL_WORKING_DAYS_BEFORE = 1
MAX_CANCEL_NOTE_LENGTH = 500
MAX_NEW_TIME_NOTE_LENGTH = 1000
# The service's staff read the notes as text; line breaks and tabs are fine, other control characters are not.
_ALLOWED_IN_NOTES = frozenset("\n\t")


@dataclass(frozen=True)
class CancellationRule:
    """A municipality's deadline for cancelling: `cutoff` o'clock, `working_days_before` the visit's day."""

    cutoff: time = DEFAULT_CANCEL_CUTOFF
    working_days_before: int = DEFAULT_CANCEL_WORKING_DAYS_BEFORE


DEFAULT_RULE = CancellationRule()


def cancellation_deadline(starts_at: datetime, rule: CancellationRule = DEFAULT_RULE) -> datetime:
    """The last moment (in UTC) at which the visit starting at `starts_at` may be cancelled here.

    Days are counted in Oslo, whatever the UTC date; never later than the visit's start.
    """
    deadline_day = add_working_days(oslo_date(starts_at), -max(rule.working_days_before, 0))
    deadline = datetime.combine(deadline_day, rule.cutoff, tzinfo=OSLO).astimezone(UTC)
    return min(deadline, starts_at.astimezone(UTC))


class CancelProblem(StrEnum):
    """Why a visit cannot be cancelled here."""

    NOT_PLANNED = "not_planned"
    TOO_LATE = "too_late"


def cancel_problem(
    status: VisitStatus, starts_at: datetime, now: datetime, rule: CancellationRule = DEFAULT_RULE
) -> CancelProblem | None:
    """What stands in the way of cancelling a visit now; None when it may be cancelled."""
    if status is not VisitStatus.PLANNED:
        return CancelProblem.NOT_PLANNED
    if now > cancellation_deadline(starts_at, rule):
        return CancelProblem.TOO_LATE
    return None


class CancelReason(StrEnum):
    """The short list of reasons to cancel; OTHER asks for words."""

    NOT_HOME = "not_home"
    IN_HOSPITAL = "in_hospital"
    FAMILY_HELPS = "family_helps"
    NOT_NEEDED = "not_needed"
    OTHER = "other"


class CancelFormProblem(StrEnum):
    REASON_MISSING = "reason_missing"
    NOTE_MISSING = "note_missing"
    NOTE_TOO_LONG = "note_too_long"
    NOTE_HAS_CONTROL_CHARACTERS = "note_has_control_characters"


def _note_problems(note: str, limit: int, too_long: StrEnum, control: StrEnum) -> list:
    problems = []
    if len(note) > limit:
        problems.append(too_long)
    if has_control_characters(note, _ALLOWED_IN_NOTES):
        problems.append(control)
    return problems


def cancel_form_problems(reason: str, note: str) -> list[CancelFormProblem]:
    """What is wrong with a reason (one of CancelReason) and its note (required for OTHER)."""
    note = normalize_text(note)
    if reason not in set(CancelReason):
        return [CancelFormProblem.REASON_MISSING]
    if reason == CancelReason.OTHER and not note:
        return [CancelFormProblem.NOTE_MISSING]
    return _note_problems(
        note,
        MAX_CANCEL_NOTE_LENGTH,
        CancelFormProblem.NOTE_TOO_LONG,
        CancelFormProblem.NOTE_HAS_CONTROL_CHARACTERS,
    )


class PreferredTime(StrEnum):
    """Parts of the day a person may prefer for a new time."""

    MORNING = "morning"
    MIDDAY = "midday"
    AFTERNOON = "afternoon"
    EVENING = "evening"


class NewTimeProblem(StrEnum):
    NOTHING_CHOSEN = "nothing_chosen"
    NOTE_TOO_LONG = "note_too_long"
    NOTE_HAS_CONTROL_CHARACTERS = "note_has_control_characters"


def new_time_problems(weekdays: list[int], times: list[str], note: str) -> list[NewTimeProblem]:
    """A request for a new time needs a preferred day, a time of day or a few words; the note has limits."""
    note = normalize_text(note)
    valid_days = [day for day in weekdays if 0 <= day <= 6]
    valid_times = [part for part in times if part in set(PreferredTime)]
    if not valid_days and not valid_times and not note:
        return [NewTimeProblem.NOTHING_CHOSEN]
    return _note_problems(
        note,
        MAX_NEW_TIME_NOTE_LENGTH,
        NewTimeProblem.NOTE_TOO_LONG,
        NewTimeProblem.NOTE_HAS_CONTROL_CHARACTERS,
    )
