"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from sqlmodel import SQLModel

# Named constraints let Alembic alter and drop them, also on SQLite in batch mode.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from homecare.models.api_clients import ApiClient, IdempotentResponse  # noqa: E402
from homecare.models.attachments import Attachment  # noqa: E402
from homecare.models.citizen_events import CitizenEvent, CitizenEventKind  # noqa: E402
from homecare.models.messages import Message, MessageThread  # noqa: E402
from homecare.models.notifications import NotificationPreference, OutboxItem, OutboxStatus  # noqa: E402
from homecare.models.people import Person, TermsConsent  # noqa: E402
from homecare.models.places import District, Municipality, ServiceUnit  # noqa: E402
from homecare.models.power_of_attorney import PowerOfAttorney, PowerOfAttorneyArea  # noqa: E402
from homecare.models.sessions import LoginAttempt, LoginSession  # noqa: E402
from homecare.models.usage_log import UsageLogEntry  # noqa: E402
from homecare.models.visits import HomeVisit  # noqa: E402

__all__ = [
    "ApiClient",
    "Attachment",
    "CitizenEvent",
    "CitizenEventKind",
    "District",
    "HomeVisit",
    "IdempotentResponse",
    "LoginAttempt",
    "LoginSession",
    "Message",
    "MessageThread",
    "Municipality",
    "NotificationPreference",
    "OutboxItem",
    "OutboxStatus",
    "Person",
    "PowerOfAttorney",
    "PowerOfAttorneyArea",
    "SQLModel",
    "ServiceUnit",
    "TermsConsent",
    "UsageLogEntry",
]
