"""The shapes of the integration API's requests and answers (they make its OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from homecare.domain.messages import has_control_characters
from homecare.domain.visits import ServiceType, VisitStatus
from homecare.models import CitizenEventKind


def _usable(value: str) -> str:
    # Control characters never come from a keyboard (and PostgreSQL refuses a NUL byte outright).
    if has_control_characters(value, frozenset("\n\t")):
        raise ValueError("contains characters that cannot be used")
    return value


def _in_our_time(moment: datetime) -> datetime:
    if not 2000 <= moment.year <= 2100:
        raise ValueError("must be between the years 2000 and 2100")
    return moment


Text = Annotated[str, AfterValidator(_usable)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_our_time)]

NATIONAL_ID = Field(pattern=r"^\d{11}$", description="National identity number (fødselsnummer or D-number)")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """An error, as RFC 9457 application/problem+json."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, str] | None = Field(default=None, description="What is wrong with which field")


class ServiceUnitOut(BaseModel):
    id: int
    name: str
    phone: str | None


class PersonIn(Strict):
    given_name: Text = Field(min_length=1, max_length=100)
    middle_name: Text | None = Field(default=None, max_length=100)
    family_name: Text = Field(min_length=1, max_length=100)
    service_unit_id: int = Field(ge=1, le=2**31 - 1, description="The unit that gives the person home care")
    district: Text | None = Field(default=None, max_length=100)
    mobile: Text | None = Field(default=None, max_length=30, description="Norwegian numbers may omit +47")
    email: Text | None = Field(default=None, max_length=254)


class PersonOut(BaseModel):
    national_id: str
    given_name: str
    middle_name: str | None
    family_name: str
    service_unit_id: int | None = Field(description="None when the person no longer receives home care here")
    mobile: str | None
    email: str | None


class VisitIn(Strict):
    national_id: str = NATIONAL_ID
    starts_at: Moment
    ends_at: Moment
    service_type: ServiceType
    staff_name: Text | None = Field(default=None, max_length=150)


class VisitOut(BaseModel):
    service_unit_id: int
    external_id: str
    national_id: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    service_type: ServiceType
    staff_name: str | None
    status: VisitStatus
    version: int
    cancel_reason: str | None


class CancelIn(Strict):
    reason: Text = Field(min_length=1, max_length=500)


class CompleteIn(Strict):
    completed_at: Moment
    staff_name: Text | None = Field(default=None, max_length=150)


class MessageIn(Strict):
    national_id: str = NATIONAL_ID
    staff_name: Text = Field(min_length=1, max_length=150, description='For example "nurse Line Hansen"')
    text: Text = Field(min_length=1, max_length=4000)
    topic: Text | None = Field(default=None, max_length=100, description="Required for a new thread")
    thread_id: Text | None = Field(default=None, max_length=32, description="Reply in this thread")


class MessageOut(BaseModel):
    thread_id: str
    created_at: AwareDatetime


class AttachmentOut(BaseModel):
    id: str
    name: str
    media_type: str
    size: int
    sha256: str


class EventOut(BaseModel):
    id: int = Field(description="The cursor: ask for events after it")
    kind: CitizenEventKind
    at: AwareDatetime
    service_unit_id: int
    national_id: str
    acknowledged: bool
    visit_external_id: str | None = None
    cancel_reason: str | None = None
    cancel_note: str | None = None
    thread_id: str | None = None
    topic: str | None = None
    text: str | None = None
    written_by: str | None = None
    on_behalf_of: str | None = None
    attachments: list[AttachmentOut] = []


class EventsOut(BaseModel):
    events: list[EventOut]
    next_cursor: int = Field(description="Pass as `after` to get the events that follow")


class AcknowledgeIn(Strict):
    up_to: int = Field(ge=0, le=2**31 - 1, description="Every event with an id up to this one is handled")


class AcknowledgeOut(BaseModel):
    acknowledged: int


class ParticipationIn(Strict):
    takes_part: bool
    since: date | None = None


class ParticipationOut(BaseModel):
    takes_part: bool
    since: date | None
    cancel_cutoff: str
    cancel_working_days_before: int
