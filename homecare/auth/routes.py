"""HTTP routes of the login: off to the provider, back from it, and logging out.

These are plain HTTP routes (not Reflex events) because only an HTTP response can set an HttpOnly cookie.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode, urlsplit

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from homecare import routes
from homecare.auth.relying_party import LoginError, RelyingParty, VerifiedLogin, new_code_verifier
from homecare.auth.sessions import (
    LOGIN_ATTEMPT_LIFETIME,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    EndedSession,
    begin_login,
    end_provider_sessions,
    end_session,
    new_secret,
    start_session,
    take_login_attempt,
)
from homecare.db import session_scope
from homecare.domain.login import LoginProblem
from homecare.domain.usage import UsageOutcome
from homecare.i18n import supported_language
from homecare.metrics import LOGINS
from homecare.models import LoginAttempt
from homecare.models.columns import utc_now
from homecare.rate_limits import AbuseLimits, abuse_limits_from, client_address
from homecare.services.people import find_by_national_id
from homecare.services.usage_log import UsageAction, record_use
from homecare.settings import Settings

log = logging.getLogger(__name__)

Handler = Callable[["LoginRoutes", Request], Awaitable[Response]]
# A logout token is a signed JWT of a few hundred bytes; anything much longer is not one.
MAX_LOGOUT_TOKEN_LENGTH = 8192


def _ends_on_the_error_page(handler: Handler) -> Handler:
    """Whatever goes wrong (a database error, a provider answering nonsense) ends on the error page."""

    @wraps(handler)
    async def guarded(self: LoginRoutes, request: Request) -> Response:
        try:
            return await handler(self, request)
        except LoginError as error:
            log.warning("login stopped: %r", str(error))
            return self._failed(error.problem)
        except Exception:
            log.exception("login failed unexpectedly")
            return self._failed(LoginProblem.PROVIDER_UNAVAILABLE)

    return guarded


@dataclass
class LoginRoutes:
    """The login's HTTP routes, with what they need handed in (so tests can give a clock or a provider)."""

    settings: Settings
    relying_party: RelyingParty
    engine: Engine | None = None
    clock: Callable[[], datetime] = utc_now
    limits: AbuseLimits | None = None

    def __post_init__(self) -> None:
        if self.limits is None:
            self.limits = abuse_limits_from(self.settings)

    def routes(self) -> list[Route]:
        return [
            Route(routes.AUTH_LOGIN, self.login, methods=["GET"]),
            Route(routes.AUTH_CALLBACK, self.callback, methods=["GET"]),
            Route(routes.AUTH_LOGOUT, self.logout, methods=["POST"]),
            Route(routes.AUTH_LOGGED_OUT, self.logged_out, methods=["GET"]),
            Route(routes.AUTH_BACKCHANNEL_LOGOUT, self.backchannel_logout, methods=["POST"]),
        ]

    @property
    def _session_cookie(self) -> str:
        return self.settings.cookie_name(SESSION_COOKIE)

    @property
    def _login_cookie(self) -> str:
        return self.settings.cookie_name(LOGIN_COOKIE)

    def _set_cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        # Path / and no Domain: the cookie stays with this host (and may carry the __Host- prefix).
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=self.settings.secure_cookies,
            httponly=True,
            samesite="lax",
        )

    def _delete_cookie(self, response: Response, name: str) -> None:
        response.delete_cookie(
            name, path="/", secure=self.settings.secure_cookies, httponly=True, samesite="lax"
        )

    def _failed(self, problem: LoginProblem) -> Response:
        LOGINS.labels(problem.value).inc()
        response = RedirectResponse(
            f"{routes.LOGIN_FAILED}?{urlencode({'reason': problem.value})}", status_code=303
        )
        self._delete_cookie(response, self._login_cookie)
        return response

    @_ends_on_the_error_page
    async def login(self, request: Request) -> Response:
        address = client_address(
            request.client.host if request.client else None,
            request.headers.get("x-forwarded-for"),
            self.settings.proxy_hops,
        )
        assert self.limits is not None
        if await run_in_threadpool(self.limits.login, address):
            log.warning("login refused: too many from one address")
            return self._failed(LoginProblem.TOO_MANY)
        language = supported_language(request.query_params.get("lang"))
        nonce, code_verifier, now = new_secret(), new_code_verifier(), self.clock()

        def remember() -> str:
            with session_scope(self.engine) as db:
                return begin_login(db, nonce=nonce, code_verifier=code_verifier, language=language, now=now)

        state = await run_in_threadpool(remember)
        url = await self.relying_party.authorization_url(
            state=state, nonce=nonce, code_verifier=code_verifier, language=language
        )
        response = RedirectResponse(url, status_code=302)
        self._set_cookie(response, self._login_cookie, state, int(LOGIN_ATTEMPT_LIFETIME.total_seconds()))
        return response

    @_ends_on_the_error_page
    async def callback(self, request: Request) -> Response:
        query = request.query_params
        state = query.get("state") or ""
        expected = request.cookies.get(self._login_cookie) or ""
        # The state must be the one this browser was sent off with, or someone else's login is being
        # slipped into this browser.
        if not state or not hmac.compare_digest(state.encode(), expected.encode()):
            return self._failed(LoginProblem.BAD_STATE)
        now = self.clock()

        old_token = request.cookies.get(self._session_cookie)

        def take() -> LoginAttempt | None:
            with session_scope(self.engine) as db:
                attempt = take_login_attempt(db, state, now)
                if attempt is not None:
                    # A login this browser started has come back: whatever its outcome, the session the
                    # browser had ends (a shared computer must not stay logged in as the previous person).
                    end_session(db, old_token, now)
                return attempt

        attempt = await run_in_threadpool(take)
        if attempt is None:
            return self._failed(LoginProblem.BAD_STATE)
        if error := query.get("error"):
            log.info("the provider answered with an error: %r", error[:100])
            return self._failed(
                LoginProblem.DENIED if error == "access_denied" else LoginProblem.PROVIDER_UNAVAILABLE
            )
        code = query.get("code")
        if not code:
            return self._failed(LoginProblem.INVALID_TOKEN)
        verified = await self.relying_party.finish_login(
            code=code,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
            returned_issuer=query.get("iss"),
        )
        user_agent = request.headers.get("user-agent")
        token = await run_in_threadpool(self._start, verified, attempt.language, user_agent)
        if token is None:
            return self._failed(LoginProblem.UNKNOWN_PERSON)
        LOGINS.labels("ok").inc()
        response = RedirectResponse(routes.MY_PAGE, status_code=303)
        self._delete_cookie(response, self._login_cookie)
        # A session cookie (no Max-Age): it goes when the browser closes; the row limits its life anyway.
        self._set_cookie(response, self._session_cookie, token, None)
        return response

    def _start(self, verified: VerifiedLogin, language: str, user_agent: str | None) -> str | None:
        now = self.clock()
        with session_scope(self.engine) as db:
            person = find_by_national_id(db, verified.pid)
            if person is None or person.id is None:
                record_use(
                    db, action=UsageAction.LOGIN_REFUSED, actor_id=None, subject_id=None,
                    outcome=UsageOutcome.DENIED, detail="not in the population data", at=now,
                )  # fmt: skip
                return None
            return start_session(
                db,
                self.settings,
                actor_id=person.id,
                idp_sid=verified.sid,
                id_token_hint=verified.id_token,
                language=supported_language(verified.locale or language),
                user_agent=user_agent,
                now=now,
            )

    async def logout(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and origin != _origin(self.settings.public_url):
            return Response("Forbidden", status_code=403)
        now = self.clock()

        def end() -> EndedSession | None:
            with session_scope(self.engine) as db:
                return end_session(db, request.cookies.get(self._session_cookie), now)

        target = routes.HOME
        try:
            ended = await run_in_threadpool(end)
            if ended is not None and ended.id_token_hint:
                hint, state = ended.id_token_hint, new_secret()
                target = await self.relying_party.end_session_url(id_token_hint=hint, state=state) or target
        except Exception:
            # The cookie goes in any case; a session row left behind still runs out by itself.
            log.exception("logout could not end the session row")
        response = RedirectResponse(target, status_code=303)
        self._delete_cookie(response, self._session_cookie)
        # The tab's Reflex state still holds what the person saw: make the browser start afresh.
        response.headers["Clear-Site-Data"] = '"storage"'
        return response

    async def logged_out(self, request: Request) -> Response:
        return RedirectResponse(routes.HOME, status_code=303)

    async def backchannel_logout(self, request: Request) -> Response:
        """The provider, server to server: a person logged out of the national login elsewhere, so their
        sessions here end too. No cookie is involved; the signed logout token is the authority."""
        headers = {"Cache-Control": "no-store"}
        try:
            form = await request.form(max_files=0, max_fields=4)
            token = form.get("logout_token")
            if not isinstance(token, str) or len(token) > MAX_LOGOUT_TOKEN_LENGTH:
                raise LoginError(LoginProblem.INVALID_TOKEN, "no logout_token")
            sid = await self.relying_party.verify_logout_token(token)
        except (LoginError, ValueError, KeyError) as error:
            log.warning("back-channel logout refused: %s", getattr(error, "detail", type(error).__name__))
            return JSONResponse({"error": "invalid_request"}, status_code=400, headers=headers)
        now = self.clock()

        def end() -> list[int]:
            with session_scope(self.engine) as db:
                return end_provider_sessions(db, sid, now)

        actors = await run_in_threadpool(end)
        log.info("back-channel logout ended %d session(s)", len(actors))
        return Response(status_code=200, headers=headers)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
