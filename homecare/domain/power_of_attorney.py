"""Powers of attorney: the service areas a grant can cover."""

from __future__ import annotations

from enum import StrEnum


class ServiceArea(StrEnum):
    """Areas a power of attorney can cover; this portal acts only under DIGITAL_HEALTHCARE."""

    DIGITAL_HEALTHCARE = "digital_healthcare"
    PRESCRIPTIONS = "prescriptions"
    APPOINTMENTS_AT_HOSPITALS = "appointments_at_hospitals"
