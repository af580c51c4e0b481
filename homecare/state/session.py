"""Who is logged in and whom they act for, found on the server from the HttpOnly session cookie.

Every event that touches a person's data goes through `_with_access`, which runs the one access check
(services/access.py) first. The browser gets names to show, never the session id or a person's database id.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from homecare import routes
from homecare.auth.sessions import SESSION_COOKIE, cookie_value
from homecare.db import session_scope
from homecare.models.columns import utc_now
from homecare.rate_limits import client_address
from homecare.services.access import Access, AccessDenied, AccessProblem, check_access, switch_subject
from homecare.services.power_of_attorney import representable
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings
from homecare.state.i18n import I18nState

Result = TypeVar("Result")


CHOICE_TTL_SECONDS = 60
# What a person is told when an event fails on the server (never what failed, nor how).
SERVER_PROBLEMS = {"unavailable": "errors.unavailable", "failed": "errors.failed"}


class SessionState(I18nState):
    """What the header and the banner show about the login and the person acted for."""

    logged_in: bool = False
    actor_name: str = ""
    subject_name: str = ""
    on_behalf: bool = False
    can_choose: bool = False
    unread_messages: int = 0
    access_notice: str = ""
    # A new value asks the page to load the front page anew (components/document.py).
    page_load_request: str = ""
    # When this tab last looked up whether its person may act for others (for the header's switch link).
    _choice_checked: tuple[int, float] | None = None
    # Whom this tab showed last. The person acted for is kept per login, so another tab can change it: this
    # tab must then not go on with data or keys that belong to someone else.
    _subject_seen: int | None = None

    def _session_token(self) -> str | None:
        return cookie_value(self.router.headers.cookie, get_settings().cookie_name(SESSION_COOKIE))

    @contextmanager
    def _access(
        self, action: UsageAction | None = None, *, require_terms: bool = True
    ) -> Iterator[tuple[Session, Access]]:
        """The database and the checked access, for one event; raises AccessDenied."""
        now = utc_now()
        with session_scope() as db:
            try:
                access = check_access(
                    db, get_settings(), self._session_token(), now, action=action, require_terms=require_terms
                )
            except AccessDenied:
                db.commit()  # keep what the check wrote: the ended session, the return to oneself, the log
                raise
            session_state = self._session_state()
            seen = session_state._subject_seen
            if seen is not None and seen != access.subject_id:
                session_state._subject_seen = access.subject_id
                db.commit()
                raise AccessDenied(AccessProblem.SUBJECT_CHANGED_ELSEWHERE)
            session_state._subject_seen = access.subject_id
            session_state.logged_in = True
            session_state.actor_name = access.actor.full_name
            session_state.subject_name = access.subject.full_name
            session_state.on_behalf = access.on_behalf
            session_state.can_choose = access.on_behalf or session_state._may_choose(db, access, now)
            session_state.unread_messages = access.unread_messages
            yield db, access

    def _with_access(
        self,
        action: UsageAction | None,
        work: Callable[[Session, Access], Result],
        *,
        require_terms: bool = True,
    ) -> Result | rx.event.EventSpec:
        """Run `work` with the checked access, or answer the refusal instead. It runs here, on the event
        loop, for SQLite and PostgreSQL alike: an event runs one to three short statements, and handing them
        to a thread and back under the GIL cost more than the wait (docs/performance.md, fourth round)."""
        try:
            with self._access(action, require_terms=require_terms) as (db, access):
                return work(db, access)
        except AccessDenied as denied:
            return self._denied(denied)

    def _may_choose(self, db: Session, access: Access, now: datetime) -> bool:
        """Whether the header offers to switch person. The list behind it is looked up at most once a minute
        per tab (three statements on every event otherwise); the person chooser itself always looks afresh."""
        checked = self._choice_checked
        if (
            checked is None
            or checked[0] != access.actor_id
            or time.monotonic() - checked[1] > CHOICE_TTL_SECONDS
        ):
            self.can_choose = bool(representable(db, access.actor_id, now))
            self._choice_checked = (access.actor_id, time.monotonic())
        return self.can_choose

    def _client_address(self) -> str:
        """Where this page's connection comes from (the client behind our own proxies)."""
        return client_address(
            self.router.session.client_ip,
            self.router.headers.raw_headers.get("x-forwarded-for"),
            get_settings().proxy_hops,
        )

    def _too_many(self, wait_seconds: float) -> str:
        """The message for a limit reached, with the minutes to wait."""
        return self._tr("limits.too_many", minutes=max(math.ceil(wait_seconds / 60), 1))

    def _session_state(self) -> SessionState:
        state: rx.State = self
        while type(state) is not SessionState:
            assert state.parent_state is not None
            state = state.parent_state
        return state  # type: ignore[return-value]

    def _denied(self, denied: AccessDenied) -> rx.event.EventSpec | None:
        if denied.problem is AccessProblem.TERMS_NOT_ACCEPTED:
            return rx.redirect(routes.TERMS)
        session_state = self._session_state()
        seen = session_state._subject_seen
        # Forget what the pages of this tab have loaded (each page also clears its data when it loads).
        session_state.reset()
        if denied.problem is AccessProblem.SUBJECT_CHANGED_ELSEWHERE:
            session_state._subject_seen = seen
            session_state.access_notice = self._tr("representation.changed_elsewhere")
            return rx.redirect(routes.MY_PAGE)
        if denied.problem is AccessProblem.REPRESENTATION_ENDED:
            session_state.access_notice = self._tr(
                "representation.ended", name=denied.former_subject_name or self._tr("representation.someone")
            )
            return rx.redirect(routes.MY_PAGE)
        # A full page load: the next page opens a new connection that carries the browser's current cookies.
        session_state.page_load_request = secrets.token_hex(8)
        return None

    @rx.var
    def unread_text(self) -> str:
        return self._tr("messages.unread", count=self.unread_messages)

    @rx.var
    def acting_for_text(self) -> str:
        return self._tr("shell.acting_for", name=self.subject_name) if self.on_behalf else ""

    @rx.event
    def identify(self) -> rx.event.EventSpec | None:
        """On public pages: show who is logged in, if anyone; nobody needs to be."""
        try:
            with self._access(require_terms=False):
                pass
        except AccessDenied as denied:
            if denied.problem is not AccessProblem.NOT_LOGGED_IN:
                return self._denied(denied)
            self._session_state().reset()
        return None

    @rx.event
    def require_login(self):
        """On pages that need a login but not accepted terms (the terms page itself)."""
        return self._with_access(None, lambda db, access: None, require_terms=False)

    @rx.event
    def return_to_self(self):
        """Stop acting for someone else."""

        def work(db: Session, access: Access) -> rx.event.EventSpec:
            switch_subject(db, access, access.actor_id, utc_now())
            self._switched_to(access.actor_id)
            return rx.redirect(routes.MY_PAGE)

        return self._with_access(None, work)

    def _switched_to(self, subject_id: int) -> None:
        """This tab changed whom it acts for: forget the pages' data, and expect the new person from now."""
        session_state = self._session_state()
        session_state.reset()
        session_state._subject_seen = subject_id

    @rx.event
    def dismiss_notice(self):
        self._session_state().access_notice = ""

    @rx.event
    def show_problem(self, problem: str):
        """Tell the person that their last step failed on the server (state/problems.py sends this)."""
        key = SERVER_PROBLEMS.get(problem) if isinstance(problem, str) else None
        if key is not None:
            self._session_state().access_notice = self._tr(key)
