"""State of the terms page: a person sees only this until they accept the current version."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from homecare import routes
from homecare.models.columns import utc_now
from homecare.services.access import Access
from homecare.services.terms import accept
from homecare.settings import get_settings
from homecare.state.session import SessionState


class TermsState(SessionState):
    """Accepting is recorded with version and time; "Not now" is a logout (an HTTP form, not an event)."""

    @rx.var
    def version_text(self) -> str:
        return self._tr("terms.version", version=get_settings().terms_version)

    @rx.event
    def accept_terms(self):
        def work(db: Session, access: Access) -> rx.event.EventSpec:
            accept(db, access.actor_id, get_settings().terms_version, utc_now())
            return rx.redirect(routes.MY_PAGE)

        return self._with_access(None, work, require_terms=False)
