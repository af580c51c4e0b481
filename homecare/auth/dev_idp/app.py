"""The Starlette app of the development identity provider: ID-porten's endpoints, on Authlib's server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
from authlib.common.security import is_secure_transport
from authlib.oauth2.rfc6749 import OAuth2Error
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from homecare.auth.dev_idp.keys import load_or_create_signing_key, public_key_set
from homecare.auth.dev_idp.pages import (
    ACR_FIELD,
    ACTION_FIELD,
    CANCEL_ACTION,
    CAST_FIELD,
    NATIONAL_ID_FIELD,
    NOT_SYNTHETIC,
    REQUEST_ID_FIELD,
    UNKNOWN_ACR,
    CastButton,
    LoginForm,
    error_page,
    logged_out_page,
    login_page,
    page_language,
)
from homecare.auth.dev_idp.server import (
    ACR_HIGH,
    ACR_VALUES,
    AUTHORIZE_PATH,
    DEFAULT_LOCALE,
    DISCOVERY_PATH,
    END_SESSION_PATH,
    JWKS_PATH,
    LOG_OUT_EVERYWHERE_PATH,
    TOKEN_PATH,
    Clock,
    DevAuthorizationServer,
    DevIdpRequest,
    Login,
    PendingAuthorization,
    RegisteredClient,
    client_from_settings,
    preferred_locale,
)
from homecare.domain.national_id import NationalIdError, parse_national_id
from homecare.services.demo_cast import CAST
from homecare.settings import Settings, get_settings

# The pages never load anything from elsewhere; framing is refused so the login page cannot be overlaid.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class DevIdpRefusedError(RuntimeError):
    """The development identity provider must not run with these settings."""


def refusal_reason(settings: Settings) -> str | None:
    """Why the provider refuses to run with these settings, or None when it may run."""
    if settings.is_production and not settings.dev_idp_allowed_in_production:
        return (
            "the development identity provider logs anyone in as anyone and must not run in production "
            "(HOMECARE_ENV=production); set HOMECARE_DEV_IDP_ALLOW_IN_PRODUCTION=true only for a demo "
            "that holds synthetic people alone"
        )
    return None


def create_app(
    settings: Settings | None = None,
    *,
    issuer: str | None = None,
    clock: Clock | None = None,
    signing_key: RSAKey | None = None,
    key_file: Path | None = None,
    extra_clients: Sequence[RegisteredClient] = (),
) -> Starlette:
    """The provider as a Starlette app; raises DevIdpRefusedError in production unless explicitly allowed.

    The issuer defaults to settings.oidc_issuer, the key to the PEM file at `key_file` (default
    $HOMECARE_DEV_IDP_KEY_FILE or data/dev-idp-key.pem), and the clock to the system clock in UTC.
    """
    settings = settings or get_settings()
    reason = refusal_reason(settings)
    if reason:
        raise DevIdpRefusedError(reason)
    issuer = (issuer or settings.oidc_issuer).rstrip("/")
    if not is_secure_transport(issuer):
        # Authlib refuses plain http except on loopback (RFC 8252), and so does ID-porten's contract.
        raise ValueError(f"the issuer {issuer!r} must use https, or http on localhost or a loopback address")
    server = DevAuthorizationServer(
        issuer=issuer,
        signing_key=signing_key or load_or_create_signing_key(key_file),
        clients=[client_from_settings(settings), *extra_clients],
        clock=clock or _utc_now,
    )
    endpoints = _Endpoints(server)
    app = Starlette(
        routes=[
            Route(DISCOVERY_PATH, endpoints.discovery, methods=["GET"]),
            Route(JWKS_PATH, endpoints.jwks, methods=["GET"]),
            Route(AUTHORIZE_PATH, endpoints.authorize, methods=["GET"]),
            Route(AUTHORIZE_PATH, endpoints.log_in, methods=["POST"]),
            Route(TOKEN_PATH, endpoints.token, methods=["POST"]),
            Route(END_SESSION_PATH, endpoints.end_session, methods=["GET", "POST"]),
            Route(LOG_OUT_EVERYWHERE_PATH, endpoints.log_out_everywhere, methods=["POST"]),
        ]
    )
    # Tests reach the provider's state (e.g. whether a session has ended) through here.
    app.state.server = server
    return app


class _Endpoints:
    """The HTTP side of each endpoint: read the request in full, hand it to Authlib, render the answer."""

    def __init__(self, server: DevAuthorizationServer) -> None:
        self.server = server
        self.cast = tuple(CastButton(member.full_name, member.national_id) for member in CAST)

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(self.server.metadata())

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(public_key_set(self.server.signing_key))

    async def authorize(self, request: Request) -> Response:
        parameters = request.query_params.multi_items()
        locale = preferred_locale(request.query_params.get("ui_locales"))
        oauth_request = self.server.authorization_request(parameters)
        try:
            self.server.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            return self._authorization_error(oauth_request, error, locale)
        client_id = oauth_request.payload.client_id
        request_id = self.server.store.add_pending(parameters, client_id, locale)
        return _page(login_page(page_language(locale), LoginForm(request_id, client_id), self.cast))

    async def log_in(self, request: Request) -> Response:
        async with request.form() as form:
            fields = {name: str(value) for name, value in form.items()}
        pending = self.server.store.pending(fields.get(REQUEST_ID_FIELD, ""))
        if pending is None:
            return _page(error_page(page_language(DEFAULT_LOCALE), expired=True), status_code=400)
        language = page_language(pending.locale)
        # The form names only the pending request; the request itself is validated again before answering.
        oauth_request = self.server.authorization_request(pending.parameters)
        try:
            grant = self.server.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            self.server.store.finish_pending(pending.request_id)
            return self._authorization_error(oauth_request, error, pending.locale)

        login: Login | None = None
        if fields.get(ACTION_FIELD) != CANCEL_ACTION:
            outcome = self._authenticate(pending, fields)
            if isinstance(outcome, LoginForm):
                return _page(login_page(language, outcome, self.cast), status_code=400)
            login = outcome
        self.server.store.finish_pending(pending.request_id)
        # Without a login Authlib answers access_denied, with the state, to the redirect_uri.
        return self.server.create_authorization_response(oauth_request, grant_user=login, grant=grant)

    async def token(self, request: Request) -> Response:
        async with request.form() as form:
            fields = [(name, str(value)) for name, value in form.multi_items()]
        oauth_request = DevIdpRequest(
            "POST", f"{self.server.issuer}{TOKEN_PATH}", headers=request.headers, form=fields
        )
        return self.server.create_token_response(oauth_request)

    async def end_session(self, request: Request) -> Response:
        # RP-initiated logout allows both GET with a query and POST with a form.
        query = request.query_params.multi_items()
        form: list[tuple[str, str]] = []
        if request.method == "POST":
            async with request.form() as submitted:
                form = [(name, str(value)) for name, value in submitted.multi_items()]
        uri = f"{self.server.issuer}{END_SESSION_PATH}"
        oauth_request = DevIdpRequest(request.method, uri, headers=request.headers, query=query, form=form)
        language = page_language(preferred_locale(oauth_request.payload.data.get("ui_locales")))
        try:
            end_session_request = self.server.validate_endpoint_request("end_session", oauth_request)
        except OAuth2Error as error:
            return _error_page(language, error)
        requested_uri = oauth_request.payload.data.get("post_logout_redirect_uri")
        if requested_uri and end_session_request.redirect_uri is None:
            # Authlib would log out and show a page instead; ID-porten treats an unregistered URI as an error.
            return _page(
                error_page(
                    language,
                    error="invalid_request",
                    description="post_logout_redirect_uri is not registered for the client, "
                    "or id_token_hint is missing",
                ),
                status_code=400,
            )
        response = self.server.create_endpoint_response("end_session", end_session_request)
        return response or _page(logged_out_page(language))

    async def log_out_everywhere(self, request: Request) -> Response:
        """End a provider session and tell every client that takes back-channel logouts, as ID-porten does
        when the person logs out of another service. Form field `sid`; answers what each client said."""
        async with request.form() as submitted:
            sid = str(submitted.get("sid") or "")
        if not sid:
            return JSONResponse({"error": "sid is required"}, status_code=400)
        self.server.store.end_session(sid)
        answers: dict[str, int | str] = {}
        async with httpx.AsyncClient(timeout=5) as http:
            for client in self.server.clients_to_log_out():
                token = self.server.logout_token(sid, client)
                try:
                    sent = await http.post(client.backchannel_logout_uri or "", data={"logout_token": token})
                    answers[client.client_id] = sent.status_code
                except httpx.HTTPError as error:
                    answers[client.client_id] = type(error).__name__
        return JSONResponse(answers)

    def _authenticate(self, pending: PendingAuthorization, fields: dict[str, str]) -> Login | LoginForm:
        """The login for the submitted number and level, or the form to show again with what is wrong."""
        typed = fields.get(CAST_FIELD) or fields.get(NATIONAL_ID_FIELD, "")
        acr = fields.get(ACR_FIELD, ACR_HIGH)
        form = LoginForm(pending.request_id, pending.client_id, national_id=typed, acr=acr)
        if acr not in ACR_VALUES:
            return replace(form, acr=ACR_HIGH, acr_error=UNKNOWN_ACR)
        try:
            national_id = parse_national_id(typed)
        except NationalIdError as error:
            return replace(form, national_id_error=error.reason.value)
        if not national_id.is_synthetic:
            # Like ID-porten's test environment: real people's numbers stay out of development data.
            return replace(form, national_id_error=NOT_SYNTHETIC)
        return self.server.log_in(national_id.value, acr, pending.client_id, pending.locale)

    def _authorization_error(self, oauth_request: DevIdpRequest, error: OAuth2Error, locale: str) -> Response:
        if error.redirect_uri:
            return self.server.authorization_error_response(oauth_request, error)
        # Without a validated client and redirect_uri there is nowhere safe to send the error.
        return _error_page(page_language(locale), error)


def _error_page(language: str, error: OAuth2Error) -> Response:
    page = error_page(language, error=error.error or "", description=error.get_error_description() or "")
    return _page(page, status_code=error.status_code)


def _page(html: str, status_code: int = 200) -> Response:
    return HTMLResponse(html, status_code=status_code, headers=_PAGE_HEADERS)


def _utc_now() -> datetime:
    return datetime.now(UTC)
