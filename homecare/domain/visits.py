"""What a home visit is: the kinds of service and the states a visit can be in."""

from __future__ import annotations

from enum import StrEnum


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
