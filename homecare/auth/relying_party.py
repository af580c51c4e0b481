"""The portal as an OpenID Connect relying party of ID-porten (or the development provider).

Authorization code flow with PKCE (S256), `state` and `nonce`; the ID token is checked in full (signature from
the provider's JWKS, issuer, audience, expiry, nonce) and its `acr` must reach the required level.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import certifi
import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, RSAKey

from homecare.domain.login import LoginProblem, acr_satisfies
from homecare.domain.national_id import is_valid_national_id
from homecare.settings import Settings

METADATA_LIFETIME_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10.0
# Clocks of two servers never agree to the second.
CLOCK_LEEWAY_SECONDS = 30
# OpenID Connect Back-Channel Logout 1.0: the event a logout token must carry, and how old it may be.
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_MAX_AGE_SECONDS = 300
SCOPE = "openid profile"
REQUIRED_METADATA = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class LoginError(Exception):
    """A login that must stop; `problem` says what to tell the person, `detail` what to log."""

    def __init__(self, problem: LoginProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class VerifiedLogin:
    """What a checked ID token says about the person who logged in."""

    pid: str
    acr: str
    sid: str | None
    locale: str | None
    id_token: str


@lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every request to the provider: making one loads the CA bundle, about 20 ms of
    CPU on the event loop, which every login paid (bench/event_load.py measured it)."""
    return ssl.create_default_context(cafile=certifi.where())


class RelyingParty:
    """Talks to the provider: discovery, the authorization URL, the token exchange, the ID token check."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._transport = transport
        self._clock = clock
        self._metadata: dict[str, Any] | None = None
        self._metadata_fetched_at = 0.0
        self._keys: KeySet | None = None
        self._client_key: RSAKey | None = None

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, timeout=HTTP_TIMEOUT_SECONDS, verify=_tls())

    def _oauth_client(self, token_endpoint: str | None = None) -> AsyncOAuth2Client:
        """Authlib's client; it authenticates with a private key (private_key_jwt) when one is configured."""
        settings = self._settings
        common: dict[str, Any] = {
            "client_id": settings.oidc_client_id,
            "redirect_uri": settings.oidc_redirect_uri,
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "transport": self._transport,
            "timeout": HTTP_TIMEOUT_SECONDS,
            "verify": _tls(),
        }
        if not settings.oidc_private_key_file:
            return AsyncOAuth2Client(
                client_secret=settings.oidc_client_secret,
                token_endpoint_auth_method="client_secret_basic",
                **common,
            )
        client = AsyncOAuth2Client(
            client_secret=self._private_key(), token_endpoint_auth_method="private_key_jwt", **common
        )
        # ID-porten finds the registered key by its id in the assertion's header.
        headers = {"kid": settings.oidc_private_key_id} if settings.oidc_private_key_id else None
        client.register_client_auth_method(PrivateKeyJWT(token_endpoint, headers=headers))
        return client

    def _private_key(self) -> RSAKey:
        if self._client_key is None:
            self._client_key = RSAKey.import_key(
                Path(self._settings.oidc_private_key_file or "").read_bytes()
            )
        return self._client_key

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document, fetched at most once an hour.

        When fetching it again fails, the document we have keeps serving: it rarely changes.
        """
        if self._metadata is None or self._clock() - self._metadata_fetched_at > METADATA_LIFETIME_SECONDS:
            url = f"{self._settings.oidc_issuer}/.well-known/openid-configuration"
            try:
                document = await self._get_json(url)
            except LoginError:
                if self._metadata is None:
                    raise
                return self._metadata
            if document.get("issuer") != self._settings.oidc_issuer:
                raise LoginError(LoginProblem.PROVIDER_UNAVAILABLE, "discovery names another issuer")
            missing = [key for key in REQUIRED_METADATA if not isinstance(document.get(key), str)]
            if missing:
                raise LoginError(LoginProblem.PROVIDER_UNAVAILABLE, f"discovery lacks {missing}")
            self._metadata = document
            self._metadata_fetched_at = self._clock()
            self._keys = None
        return self._metadata

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self._http() as http:
                response = await http.get(url)
                response.raise_for_status()
                return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise LoginError(LoginProblem.PROVIDER_UNAVAILABLE, f"{url}: {error}") from error

    async def _key_set(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.metadata()
            document = await self._get_json(metadata["jwks_uri"])
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, KeyError, TypeError, ValueError) as error:
                raise LoginError(LoginProblem.PROVIDER_UNAVAILABLE, f"JWKS: {error}") from error
        return self._keys

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str, language: str) -> str:
        metadata = await self.metadata()
        client = self._oauth_client()
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
            acr_values=self._settings.oidc_acr,
            ui_locales=language,
        )
        await client.aclose()
        return url

    async def end_session_url(self, *, id_token_hint: str | None, state: str) -> str | None:
        """Where to send the browser to log out at the provider too; None when it cannot be reached."""
        try:
            metadata = await self.metadata()
        except LoginError:
            return None
        endpoint = metadata.get("end_session_endpoint")
        if not endpoint:
            return None
        params = {"post_logout_redirect_uri": self._settings.oidc_post_logout_redirect_uri, "state": state}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        return str(httpx.URL(endpoint, params=params))

    async def finish_login(
        self, *, code: str, code_verifier: str, nonce: str, returned_issuer: str | None
    ) -> VerifiedLogin:
        """Exchange the code for tokens and check the ID token; raises LoginError when anything is off."""
        metadata = await self.metadata()
        # RFC 9207: a response that names another issuer, or none from a provider that always names itself,
        # may come from a mix-up attack.
        if returned_issuer is None and metadata.get("authorization_response_iss_parameter_supported"):
            raise LoginError(LoginProblem.INVALID_TOKEN, "the authorization response names no issuer")
        if returned_issuer is not None and returned_issuer != self._settings.oidc_issuer:
            raise LoginError(LoginProblem.INVALID_TOKEN, "the authorization response names another issuer")
        client = self._oauth_client(metadata["token_endpoint"])
        try:
            token = await client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
            )
        except OAuthError as error:
            raise LoginError(LoginProblem.INVALID_TOKEN, f"token endpoint: {error.error}") from error
        except (httpx.HTTPError, ValueError) as error:
            raise LoginError(LoginProblem.PROVIDER_UNAVAILABLE, f"token endpoint: {error}") from error
        finally:
            await client.aclose()
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginError(LoginProblem.INVALID_TOKEN, "no ID token")
        return await self.verify_id_token(id_token, nonce=nonce)

    async def verify_id_token(self, id_token: str, *, nonce: str) -> VerifiedLogin:
        claims = await self._decode(id_token)
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self._clock()),
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": self._settings.oidc_issuer},
            aud={"essential": True, "value": self._settings.oidc_client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
            pid={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            raise LoginError(LoginProblem.INVALID_TOKEN, f"claims: {error}") from error
        audience = claims.get("aud")
        # With several audiences the token must say it was issued to us (OpenID Connect Core 3.1.3.7).
        if (
            isinstance(audience, list)
            and len(audience) > 1
            and claims.get("azp") != self._settings.oidc_client_id
        ):
            raise LoginError(LoginProblem.INVALID_TOKEN, "several audiences and no azp naming us")
        pid = claims["pid"]
        if not isinstance(pid, str) or not is_valid_national_id(pid):
            raise LoginError(LoginProblem.INVALID_TOKEN, "pid is not a national identity number")
        acr = claims.get("acr")
        if not acr_satisfies(acr, self._settings.oidc_acr):
            raise LoginError(LoginProblem.ACR_TOO_LOW, f"acr {acr!r} below {self._settings.oidc_acr}")
        sid, locale = claims.get("sid"), claims.get("locale")
        return VerifiedLogin(
            pid=pid,
            acr=acr,
            sid=sid if isinstance(sid, str) else None,
            locale=locale if isinstance(locale, str) else None,
            id_token=id_token,
        )

    async def verify_logout_token(self, logout_token: str) -> str:
        """The provider's `sid` in a valid logout token (Back-Channel Logout 1.0, section 2.6); raises
        LoginError otherwise. A replayed token is harmless: it ends sessions that are already over."""
        claims = await self._decode(logout_token)
        now = int(self._clock())
        registry = jwt.JWTClaimsRegistry(
            now=lambda: now,
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": self._settings.oidc_issuer},
            aud={"essential": True, "value": self._settings.oidc_client_id},
            iat={"essential": True},
            sid={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            raise LoginError(LoginProblem.INVALID_TOKEN, f"logout token claims: {error}") from error
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
            raise LoginError(LoginProblem.INVALID_TOKEN, "logout token without the back-channel logout event")
        if "nonce" in claims:
            # An ID token is never a logout token (section 2.6, step 5).
            raise LoginError(LoginProblem.INVALID_TOKEN, "logout token with a nonce")
        if not isinstance(claims["iat"], int) or claims["iat"] < now - LOGOUT_TOKEN_MAX_AGE_SECONDS:
            raise LoginError(LoginProblem.INVALID_TOKEN, "logout token issued too long ago")
        sid = claims["sid"]
        if not isinstance(sid, str) or not sid:
            raise LoginError(LoginProblem.INVALID_TOKEN, "logout token sid is not a string")
        return sid

    async def _decode(self, id_token: str) -> dict[str, Any]:
        keys = await self._key_set()
        try:
            return jwt.decode(id_token, keys, algorithms=["RS256"]).claims
        except InvalidKeyIdError:
            # The provider may have rotated its key since the set was fetched: fetch it once more.
            keys = await self._key_set(refresh=True)
        except (JoseError, ValueError) as error:
            raise LoginError(LoginProblem.INVALID_TOKEN, f"signature: {error}") from error
        try:
            return jwt.decode(id_token, keys, algorithms=["RS256"]).claims
        except (JoseError, ValueError) as error:
            raise LoginError(LoginProblem.INVALID_TOKEN, f"signature: {error}") from error


def new_code_verifier() -> str:
    """A PKCE code verifier (RFC 7636: 43 to 128 characters)."""
    return generate_token(64)
