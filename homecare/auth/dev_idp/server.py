"""Authlib's framework-agnostic OpenID Connect server, adapted to Starlette, held to ID-porten's contract."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
    scope_to_list,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.datastructures import Headers
from starlette.responses import Response

from homecare import routes
from homecare.auth.dev_idp.keys import SIGNING_ALGORITHM, public_key_set
from homecare.settings import Settings

ACR_SUBSTANTIAL = "idporten-loa-substantial"
ACR_HIGH = "idporten-loa-high"
ACR_VALUES = (ACR_SUBSTANTIAL, ACR_HIGH)
AMR_TESTID = "TestID"
UI_LOCALES = ("nb", "nn", "en", "se")
DEFAULT_LOCALE = "nb"
SCOPES = ("openid", "profile")
TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
CODE_LIFETIME = timedelta(seconds=60)
ID_TOKEN_LIFETIME = timedelta(seconds=120)
ACCESS_TOKEN_LIFETIME = timedelta(seconds=120)
# Time a person may spend on the login page before the pending request is forgotten.
PENDING_LIFETIME = timedelta(minutes=10)
AUTHORIZE_PATH = "/authorize"
TOKEN_PATH = "/token"
JWKS_PATH = "/jwks"
END_SESSION_PATH = "/endsession"
# Not ID-porten's: the development provider's stand-in for "the person logged out of another service".
LOG_OUT_EVERYWHERE_PATH = "/logout-everywhere"
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
DISCOVERY_PATH = "/.well-known/openid-configuration"
CLAIMS = (
    "iss",
    "aud",
    "sub",
    "iat",
    "exp",
    "auth_time",
    "nonce",
    "at_hash",
    "pid",
    "acr",
    "amr",
    "sid",
    "locale",
)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RegisteredClient(ClientMixin):
    """A confidential relying party registered with the provider, as ID-porten's self-service would."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()
    # Where the provider posts a logout token when the person logs out elsewhere (Back-Channel Logout 1.0).
    backchannel_logout_uri: str | None = None
    scope: str = " ".join(SCOPES)

    @property
    def client_metadata(self) -> dict[str, Any]:
        # Authlib's EndSessionEndpoint looks the registered logout URIs up here (RFC 7591 metadata).
        return {"post_logout_redirect_uris": list(self.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        # ID-porten requires redirect_uri in every request, so there is no default to fall back on.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(scope_to_list(self.scope))
        return " ".join(s for s in scope_to_list(scope) or [] if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


def client_from_settings(settings: Settings) -> RegisteredClient:
    """The portal as the one client the settings describe."""
    if not settings.oidc_client_secret:
        raise ValueError(
            "HOMECARE_OIDC_CLIENT_SECRET is not set: the development identity provider registers the portal "
            "as a client authenticating with client_secret_basic or client_secret_post"
        )
    return RegisteredClient(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_uris=(settings.oidc_redirect_uri,),
        post_logout_redirect_uris=(settings.oidc_post_logout_redirect_uri,),
        backchannel_logout_uri=f"{settings.public_url}{routes.AUTH_BACKCHANNEL_LOGOUT}",
    )


@dataclass(frozen=True)
class Login:
    """A person who has just logged in on the login page, for one client."""

    pid: str
    subject: str
    acr: str
    amr: tuple[str, ...]
    sid: str
    auth_time: int
    locale: str


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    """An issued authorization code and everything the token endpoint needs to redeem it."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    login: Login
    issued_at: datetime

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.login.auth_time

    def get_acr(self) -> str:
        return self.login.acr

    def get_amr(self) -> list[str]:
        return list(self.login.amr)


@dataclass(frozen=True)
class PendingAuthorization:
    """A validated authorization request waiting for the person on the login page."""

    request_id: str
    parameters: tuple[tuple[str, str], ...]
    client_id: str
    locale: str
    created_at: datetime


@dataclass(frozen=True)
class ProviderSession:
    """The provider's own session, named by the `sid` claim and ended by the end-session endpoint."""

    sid: str
    pid: str
    client_id: str
    started_at: datetime


@dataclass
class ProviderStore:
    """Codes, pending requests and sessions, in memory and behind one lock; a restart forgets them all."""

    clock: Clock
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: dict[str, PendingAuthorization] = field(default_factory=dict)
    _codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    _sessions: dict[str, ProviderSession] = field(default_factory=dict)

    def add_pending(self, parameters: Iterable[tuple[str, str]], client_id: str, locale: str) -> str:
        """Keep a validated authorization request and return the unguessable id the login form carries."""
        request_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._drop_expired(now)
            self._pending[request_id] = PendingAuthorization(
                request_id, tuple(parameters), client_id, locale, created_at=now
            )
        return request_id

    def pending(self, request_id: str) -> PendingAuthorization | None:
        """The pending request with this id, unless it has expired or been used."""
        with self._lock:
            self._drop_expired(self.clock())
            return self._pending.get(request_id)

    def finish_pending(self, request_id: str) -> None:
        """Forget a pending request once it has been answered, so the form cannot be submitted twice."""
        with self._lock:
            self._pending.pop(request_id, None)

    def save_code(self, code: AuthorizationCode) -> None:
        """Keep an issued authorization code until it is redeemed or expires."""
        with self._lock:
            self._drop_expired(self.clock())
            self._codes[code.code] = code

    def redeem_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        """Take the code out for good; None if unknown, already used, expired or issued to another client."""
        with self._lock:
            # Popping on the first attempt, successful or not, makes a code single-use even under races.
            found = self._codes.pop(code, None)
            if found is None or found.client_id != client_id:
                return None
            if self.clock() >= found.issued_at + CODE_LIFETIME:
                return None
            return found

    def nonce_pending(self, client_id: str, nonce: str) -> bool:
        """Whether an unredeemed code already carries this nonce, which would make the request a replay."""
        with self._lock:
            return any(c.client_id == client_id and c.nonce == nonce for c in self._codes.values())

    def start_session(self, pid: str, client_id: str) -> ProviderSession:
        """Open a provider session for a person who has just logged in."""
        session = ProviderSession(secrets.token_urlsafe(24), pid, client_id, started_at=self.clock())
        with self._lock:
            self._sessions[session.sid] = session
        return session

    def end_session(self, sid: str) -> None:
        """End the provider session; ending one that is already over is not an error."""
        with self._lock:
            self._sessions.pop(sid, None)

    def session_is_active(self, sid: str) -> bool:
        """Whether the provider session named by this sid is still open."""
        with self._lock:
            return sid in self._sessions

    def _drop_expired(self, now: datetime) -> None:
        for request_id in [k for k, v in self._pending.items() if now >= v.created_at + PENDING_LIFETIME]:
            del self._pending[request_id]
        for code in [k for k, v in self._codes.items() if now >= v.issued_at + CODE_LIFETIME]:
            del self._codes[code]


class _Payload(OAuth2Payload):
    """Request parameters as Authlib wants them: first value per name, and every value per name."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            self._datalist[name].append(value)
        self._data = {name: values[0] for name, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class DevIdpRequest(OAuth2Request):
    """An HTTP request already read in full, since Authlib's server is synchronous and Starlette is not."""

    def __init__(
        self,
        method: str,
        uri: str,
        *,
        headers: Mapping[str, str] | None = None,
        query: Sequence[tuple[str, str]] = (),
        form: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(method, uri, headers=headers or Headers())
        self._args = _Payload(query).data
        self._form = _Payload(form).data
        self.payload = _Payload([*query, *form])

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class IdportenCodeGrant(AuthorizationCodeGrant):
    """The authorization code grant with ID-porten's extra demands on the authorization request."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(TOKEN_ENDPOINT_AUTH_METHODS)
    server: DevAuthorizationServer

    def validate_authorization_request(self) -> str:
        redirect_uri = super().validate_authorization_request()
        data = self.request.payload.data
        try:
            if "openid" not in scope_to_list(self.request.scope or ""):
                raise InvalidScopeError("The scope must include 'openid'.")
            if not data.get("state"):
                raise InvalidRequestError("Missing 'state' in request.")
            if data.get("response_mode", "query") != "query":
                raise InvalidRequestError("Only response_mode=query is supported.")
            if not set((data.get("acr_values") or "").split()) <= set(ACR_VALUES):
                raise InvalidRequestError(f"'acr_values' must be among: {' '.join(ACR_VALUES)}.")
        except OAuth2Error as error:
            error.redirect_uri = redirect_uri
            raise
        return redirect_uri

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.store.save_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                login=request.user,
                issued_at=self.server.clock(),
            )
        )

    def query_authorization_code(self, code: str, client: RegisteredClient) -> AuthorizationCode | None:
        return self.server.store.redeem_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Nothing left to delete: query_authorization_code already took the code out of the store.
        return None

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Login:
        return authorization_code.login


class RequiredS256CodeChallenge(CodeChallenge):
    """PKCE as ID-porten wants it: every authorization request carries an S256 code challenge."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    CODE_CHALLENGE_METHODS: ClassVar[dict[str, Callable[[str, str], bool]]] = {
        "S256": compare_s256_code_challenge
    }

    def __init__(self) -> None:
        super().__init__(required=True)

    def validate_code_challenge(self, grant: AuthorizationCodeGrant, redirect_uri: str) -> None:
        # Authlib's `required` only demands a verifier from public clients at the token endpoint; a
        # confidential client could still leave PKCE out entirely, which ID-porten refuses.
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class IdportenOpenIDCode(OpenIDCode):
    """Issues the ID token with ID-porten's claims, signed with the provider's key."""

    def __init__(self, server: DevAuthorizationServer) -> None:
        super().__init__(require_nonce=True)
        self._server = server

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self._server.store.nonce_pending(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: RegisteredClient) -> RSAKey:
        return self._server.signing_key

    def get_client_algorithm(self, client: RegisteredClient) -> str:
        return SIGNING_ALGORITHM

    def get_encode_header(self, client: RegisteredClient) -> dict[str, str]:
        return {"alg": SIGNING_ALGORITHM, "kid": self._server.signing_key.kid or ""}

    def get_client_claims(self, client: RegisteredClient) -> dict[str, Any]:
        # Set here, from the provider's clock, so Authlib does not fill iat and exp in from time.time().
        now = self._server.clock()
        return {
            "iss": self._server.issuer,
            "aud": client.get_client_id(),
            "iat": int(now.timestamp()),
            "exp": int((now + ID_TOKEN_LIFETIME).timestamp()),
        }

    def generate_user_info(self, user: Login, scope: str) -> dict[str, str]:
        return {"sub": user.subject, "pid": user.pid, "sid": user.sid, "locale": user.locale}


class IdportenEndSession(EndSessionEndpoint):
    """RP-initiated logout: ends the provider session the ID token names and redirects to a registered URI."""

    server: DevAuthorizationServer

    def get_server_jwks(self) -> KeySet:
        return KeySet.import_key_set(public_key_set(self.server.signing_key))

    def get_algorithms(self) -> list[str]:
        return [SIGNING_ALGORITHM]

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        sid = (end_session_request.id_token_claims or {}).get("sid")
        if sid:
            self.server.store.end_session(sid)


class StarletteIssuerParameter(IssuerParameter):
    """RFC 9207 `iss` on every authorization response, for Starlette responses."""

    def __init__(self, issuer: str) -> None:
        self._issuer = issuer

    def get_issuer(self) -> str:
        return self._issuer

    def add_issuer_parameter(self, authorization_server: AuthorizationServer, response: Response) -> None:
        # Authlib's version reads and writes `response.location`, which only Werkzeug responses have.
        location = response.headers.get("location")
        if location:
            response.headers["location"] = add_params_to_uri(location, [("iss", self._issuer)])


def _opaque_access_token(**_: object) -> str:
    return secrets.token_urlsafe(32)


class DevAuthorizationServer(AuthorizationServer):
    """The Authlib authorization server of the development provider, answering with Starlette responses."""

    def __init__(
        self, *, issuer: str, signing_key: RSAKey, clients: Sequence[RegisteredClient], clock: Clock
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.issuer = issuer
        self.signing_key = signing_key
        self.clock = clock
        self.store = ProviderStore(clock)
        self._clients = {client.client_id: client for client in clients}
        # The pairwise `sub` is keyed by the signing key, so it stays stable for as long as the key file does.
        self._subject_secret = hashlib.sha256(signing_key.as_der(private=True)).digest()
        self.issuer_parameter = StarletteIssuerParameter(issuer)

        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                _opaque_access_token, expires_generator=int(ACCESS_TOKEN_LIFETIME.total_seconds())
            ),
        )
        self.register_grant(IdportenCodeGrant, [IdportenOpenIDCode(self), RequiredS256CodeChallenge()])
        self.register_endpoint(IdportenEndSession)
        self.register_extension(self.issuer_parameter)

    def query_client(self, client_id: str) -> RegisteredClient | None:
        return self._clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        # The provider has no userinfo or introspection endpoint, so nothing ever looks an access token up.
        return None

    def create_oauth2_request(self, request: object) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        raise TypeError("pass a DevIdpRequest: the request body must be read before Authlib sees it")

    def handle_response(self, status: int, body: object, headers: Sequence[tuple[str, str]]) -> Response:
        content = json.dumps(body) if isinstance(body, dict) else str(body or "")
        return Response(content, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        # Authlib calls this after client authentication; nothing here listens to signals.
        return None

    def subject_for(self, pid: str, client_id: str) -> str:
        """The pairwise pseudonym for this person and client: stable, but not the national identity number."""
        digest = hmac.new(self._subject_secret, f"{client_id}\x00{pid}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def log_in(self, pid: str, acr: str, client_id: str, locale: str) -> Login:
        """Start a provider session for a person who passed the login page."""
        session = self.store.start_session(pid, client_id)
        return Login(
            pid=pid,
            subject=self.subject_for(pid, client_id),
            acr=acr,
            amr=(AMR_TESTID,),
            sid=session.sid,
            auth_time=int(session.started_at.timestamp()),
            locale=locale,
        )

    def logout_token(self, sid: str, client: RegisteredClient) -> str:
        """A signed logout token for `client` naming the provider session `sid` (Back-Channel Logout 1.0)."""
        now = int(self.clock().timestamp())
        claims = {
            "iss": self.issuer,
            "aud": client.client_id,
            "iat": now,
            "exp": now + int(ID_TOKEN_LIFETIME.total_seconds()),
            "jti": secrets.token_urlsafe(16),
            "sid": sid,
            "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        }
        header = {"alg": SIGNING_ALGORITHM, "kid": self.signing_key.kid or "", "typ": "logout+jwt"}
        return jwt.encode(header, claims, self.signing_key)

    def clients_to_log_out(self) -> list[RegisteredClient]:
        """The clients that take back-channel logouts."""
        return [client for client in self._clients.values() if client.backchannel_logout_uri]

    def authorization_request(self, parameters: Sequence[tuple[str, str]]) -> DevIdpRequest:
        """An authorization request with these parameters, whether fresh from the query or kept meanwhile."""
        return DevIdpRequest("GET", f"{self.issuer}{AUTHORIZE_PATH}", query=parameters)

    def authorization_error_response(self, request: OAuth2Request, error: OAuth2Error) -> Response:
        """The redirect back to the client with the error, state and iss, for an error that may redirect."""
        response = self.handle_error_response(request, error)
        self.issuer_parameter.add_issuer_parameter(self, response)
        return response

    def metadata(self) -> dict[str, Any]:
        """The OpenID Provider metadata, in the shape ID-porten publishes it."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}{AUTHORIZE_PATH}",
            "token_endpoint": f"{self.issuer}{TOKEN_PATH}",
            "jwks_uri": f"{self.issuer}{JWKS_PATH}",
            "end_session_endpoint": f"{self.issuer}{END_SESSION_PATH}",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "scopes_supported": list(SCOPES),
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": list(TOKEN_ENDPOINT_AUTH_METHODS),
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "acr_values_supported": list(ACR_VALUES),
            "ui_locales_supported": list(UI_LOCALES),
            "claims_supported": list(CLAIMS),
            "authorization_response_iss_parameter_supported": True,
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
        }


def preferred_locale(ui_locales: str | None) -> str:
    """The first supported language in the space-separated ui_locales, or nb."""
    return next((tag for tag in (ui_locales or "").split() if tag in UI_LOCALES), DEFAULT_LOCALE)
