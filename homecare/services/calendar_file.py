"""Upcoming visits as an iCalendar file: times in Europe/Oslo, nothing about health but the service type."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import icalendar

from homecare.domain.time_zone import OSLO
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.services.visits import VisitView

PRODUCT_ID = "-//Hjemmetjenester//Timeavtaler//NO"


def calendar_file(
    visits: list[VisitView],
    *,
    summary_of: Callable[[ServiceType], str],
    calendar_name: str,
    uid_domain: str,
    now: datetime,
) -> bytes:
    """One event per visit, named by its service type; the same visit keeps the same UID in every file, and
    a cancelled one is marked cancelled (with a higher sequence)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    for visit in visits:
        event = icalendar.Event()
        event.add("uid", f"{visit.public_id}@{uid_domain}")
        event.add("dtstamp", now)
        event.add("dtstart", visit.starts_at.astimezone(OSLO))
        event.add("dtend", visit.ends_at.astimezone(OSLO))
        event.add("summary", summary_of(visit.service_type))
        event.add("sequence", visit.version)
        event.add("status", "CONFIRMED" if visit.status is VisitStatus.PLANNED else "CANCELLED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
