"""The development identity provider keeps ID-porten's contract, exercised over real HTTP on loopback."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import (
    parse_authorization_code_response,
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette

from homecare.auth.dev_idp import DevIdpRefusedError, RegisteredClient, create_app
from homecare.auth.dev_idp.keys import generate_signing_key
from homecare.auth.dev_idp.loopback import serving
from homecare.auth.dev_idp.server import DevAuthorizationServer
from homecare.services.demo_cast import INGRID, KARI
from homecare.settings import PROJECT_ROOT, Settings, get_settings

CLIENT_ID = "homecare-test"
CLIENT_SECRET = "test-secret-that-is-not-the-development-one"
# Port 9 is "discard": nothing answers, and the tests only read where the provider sends the browser.
REDIRECT_URI = "http://127.0.0.1:9/auth/callback"
POST_LOGOUT_URI = "http://127.0.0.1:9/auth/logged-out"
OTHER_CLIENT = RegisteredClient(
    client_id="other-service",
    client_secret="other-secret",
    redirect_uris=("http://127.0.0.1:9/other/callback",),
    post_logout_redirect_uris=("http://127.0.0.1:9/other/logged-out",),
)
# A valid number with the ordinary birth-date layout (born 1 January 1901), so not a synthetic test number.
REAL_LAYOUT_NUMBER = "01010100050"


class FakeClock:
    """A clock the test moves forward by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Provider:
    """The provider under test, running on loopback, and a browser-like HTTP client pointed at it."""

    issuer: str
    server: DevAuthorizationServer
    clock: FakeClock
    http: httpx.Client


@dataclass(frozen=True)
class PendingLogin:
    """An authorization request the provider accepted: the login page and the secrets the portal kept."""

    page: httpx.Response
    state: str
    nonce: str
    code_verifier: str

    @property
    def request_id(self) -> str:
        match = re.search(r'name="request_id" value="([^"]+)"', self.page.text)
        assert match, "the login page carries the pending request"
        return match[1]


@pytest.fixture(scope="module")
def signing_key() -> RSAKey:
    return generate_signing_key()


@pytest.fixture
def settings() -> Settings:
    return replace(
        get_settings(),
        environment="development",
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_redirect_uri=REDIRECT_URI,
        oidc_post_logout_redirect_uri=POST_LOGOUT_URI,
        dev_idp_allowed_in_production=False,
    )


@pytest.fixture
def provider(settings: Settings, signing_key: RSAKey) -> Iterator[Provider]:
    clock = FakeClock()
    apps: list[Starlette] = []

    def app_for_issuer(issuer: str) -> Starlette:
        apps.append(
            create_app(
                settings, issuer=issuer, clock=clock, signing_key=signing_key, extra_clients=[OTHER_CLIENT]
            )
        )
        return apps[-1]

    with serving(app_for_issuer) as issuer, httpx.Client(base_url=issuer, timeout=10) as http:
        yield Provider(issuer, apps[0].state.server, clock, http)


def authorization_parameters(**overrides: str | None) -> dict[str, str]:
    """A valid ID-porten authorization request from the portal; an override of None leaves a parameter out."""
    code_verifier = secrets.token_urlsafe(48)
    parameters = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile",
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": create_s256_code_challenge(code_verifier),
        "code_challenge_method": "S256",
        "acr_values": "idporten-loa-high",
        "ui_locales": "nb",
        "code_verifier": code_verifier,
    }
    parameters.update(overrides)
    return {name: value for name, value in parameters.items() if value is not None}


def start_login(provider: Provider, **overrides: str | None) -> PendingLogin:
    """The browser arrives at /authorize from the portal and gets the login page."""
    parameters = authorization_parameters(**overrides)
    code_verifier = parameters.pop("code_verifier")
    page = provider.http.get("/authorize", params=parameters)
    assert page.status_code == 200, page.text
    return PendingLogin(page, parameters["state"], parameters["nonce"], code_verifier)


def submit(provider: Provider, login: PendingLogin, **fields: str) -> httpx.Response:
    """The person submits the login form."""
    return provider.http.post("/authorize", data={"request_id": login.request_id, **fields})


def callback_parameters(response: httpx.Response, redirect_uri: str = REDIRECT_URI) -> dict[str, str]:
    """The query the provider sends the browser back to the portal with, after checking it goes there."""
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(f"{redirect_uri}?"), location
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def log_in(provider: Provider, login: PendingLogin, national_id: str) -> dict[str, str]:
    """The person clicks a demo person's button; returns the callback parameters."""
    return callback_parameters(submit(provider, login, cast=national_id))


def redeem(
    provider: Provider,
    code: str,
    code_verifier: str,
    *,
    secret: str = CLIENT_SECRET,
    redirect_uri: str = REDIRECT_URI,
) -> httpx.Response:
    """The portal's back end exchanges the code at the token endpoint with client_secret_basic."""
    return provider.http.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
        auth=(CLIENT_ID, secret),
    )


def verified_claims(provider: Provider, id_token: str, nonce: str) -> dict[str, object]:
    """The ID token's claims, once signature, issuer, audience, nonce and lifetime check out."""
    keys = KeySet.import_key_set(provider.http.get("/jwks").json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    registry = jwt.JWTClaimsRegistry(
        now=int(provider.clock().timestamp()),
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": CLIENT_ID},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
        iat={"essential": True},
    )
    registry.validate(token.claims)
    return dict(token.claims)


def error_of(response: httpx.Response) -> str:
    return response.json()["error"]


def test_discovery_document_describes_the_idporten_contract(provider: Provider) -> None:
    metadata = provider.http.get("/.well-known/openid-configuration").json()

    issuer = provider.issuer
    assert metadata["issuer"] == issuer
    assert metadata["authorization_endpoint"] == f"{issuer}/authorize"
    assert metadata["token_endpoint"] == f"{issuer}/token"
    assert metadata["jwks_uri"] == f"{issuer}/jwks"
    assert metadata["end_session_endpoint"] == f"{issuer}/endsession"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["grant_types_supported"] == ["authorization_code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(metadata["acr_values_supported"]) == {"idporten-loa-substantial", "idporten-loa-high"}
    assert metadata["ui_locales_supported"] == ["nb", "nn", "en", "se"]
    assert metadata["scopes_supported"] == ["openid", "profile"]
    assert {"pid", "acr", "amr", "sid", "locale"} <= set(metadata["claims_supported"])
    assert metadata["authorization_response_iss_parameter_supported"] is True


def test_jwks_publishes_only_the_public_rs256_key_by_kid(provider: Provider, signing_key: RSAKey) -> None:
    (key,) = provider.http.get("/jwks").json()["keys"]

    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert key["kid"] == signing_key.kid
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key), "the private parts stay with the provider"


def test_ingrid_logs_in_with_one_click_and_the_portal_gets_a_verified_id_token(provider: Provider) -> None:
    # The portal builds the authorization URL with Authlib's client helpers: PKCE S256, state and nonce.
    metadata = provider.http.get("/.well-known/openid-configuration").json()
    code_verifier = generate_token(64)
    state = generate_token(24)
    nonce = generate_token(24)
    url = prepare_grant_uri(
        metadata["authorization_endpoint"],
        CLIENT_ID,
        "code",
        redirect_uri=REDIRECT_URI,
        scope="openid profile",
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(code_verifier),
        code_challenge_method="S256",
        acr_values="idporten-loa-high",
        ui_locales="en",
    )

    # Ingrid sees the login page in English and clicks her own name.
    page = provider.http.get(url)
    assert page.status_code == 200
    assert "<title>Development login</title>" in page.text
    ingrid_button = f'name="cast" value="{INGRID.national_id}">{INGRID.full_name}</button>'
    assert ingrid_button in page.text
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)
    assert request_id
    back = provider.http.post("/authorize", data={"request_id": request_id[1], "cast": INGRID.national_id})

    # She is sent back to the portal with a code, the portal's state, and the issuer (RFC 9207).
    assert back.status_code == 302
    assert back.headers["location"].startswith(f"{REDIRECT_URI}?")
    callback = parse_authorization_code_response(back.headers["location"], state=state)
    assert callback["iss"] == provider.issuer

    # The portal redeems the code with the verifier and checks the ID token against the JWKS.
    response = provider.http.post(
        metadata["token_endpoint"],
        content=prepare_token_request(
            "authorization_code",
            code=callback["code"],
            redirect_uri=REDIRECT_URI,
            code_verifier=code_verifier,
        ),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["access_token"]
    assert token["expires_in"] > 0
    header = jwt.decode(token["id_token"], KeySet.import_key_set(provider.http.get("/jwks").json())).header
    assert header["alg"] == "RS256"
    assert header["kid"] == provider.server.signing_key.kid

    claims = verified_claims(provider, token["id_token"], nonce)
    now = int(provider.clock().timestamp())
    assert claims["pid"] == INGRID.national_id
    assert claims["sub"] not in {"", INGRID.national_id}
    assert claims["acr"] == "idporten-loa-high"
    assert claims["amr"] == ["TestID"]
    assert claims["locale"] == "en"
    assert claims["auth_time"] == now
    assert claims["iat"] == now
    assert claims["exp"] == now + 120
    assert provider.server.store.session_is_active(str(claims["sid"]))


def test_the_subject_is_a_stable_pseudonym_per_person_and_client(provider: Provider) -> None:
    def subject(client_id: str, redirect_uri: str, secret: str) -> str:
        login = start_login(provider, client_id=client_id, redirect_uri=redirect_uri)
        code = callback_parameters(submit(provider, login, cast=KARI.national_id), redirect_uri)["code"]
        token = provider.http.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": login.code_verifier,
            },
            auth=(client_id, secret),
        )
        return str(jwt.decode(token.json()["id_token"], provider.server.signing_key).claims["sub"])

    first = subject(CLIENT_ID, REDIRECT_URI, CLIENT_SECRET)
    again = subject(CLIENT_ID, REDIRECT_URI, CLIENT_SECRET)
    elsewhere = subject(OTHER_CLIENT.client_id, OTHER_CLIENT.redirect_uris[0], OTHER_CLIENT.client_secret)

    assert first == again
    assert first != elsewhere
    assert KARI.national_id not in {first, elsewhere}


def test_the_login_page_is_norwegian_by_default_and_accessible(provider: Provider) -> None:
    page = start_login(provider, ui_locales=None).page.text

    assert '<html lang="nb">' in page
    assert "<h1>Utviklingsinnlogging</h1>" in page
    assert '<label for="national_id">Fødselsnummer</label>' in page
    assert '<label for="acr">Sikkerhetsnivå</label>' in page
    assert '<option value="idporten-loa-high" selected>' in page
    assert 'value="login">Logg inn</button>' in page
    assert 'value="cancel">Avbryt</button>' in page
    assert "syntetiske" in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_a_mistyped_number_keeps_the_login_page_with_the_message_by_the_field(provider: Provider) -> None:
    login = start_login(provider, ui_locales="en")

    page = submit(provider, login, national_id="1483381005<b>", action="login")

    assert page.status_code == 400
    assert "Enter a national identity number of exactly 11 digits." in page.text
    assert 'id="national_id-error"' in page.text
    assert 'aria-describedby="national_id-error national_id-hint"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'value="1483381005&lt;b&gt;"' in page.text, "what was typed is kept, escaped"
    assert "<b>" not in page.text

    # The same pending request still works once the number is corrected.
    assert log_in(provider, login, KARI.national_id)["state"] == login.state


def test_a_number_with_wrong_check_digits_is_refused_in_norwegian(provider: Provider) -> None:
    login = start_login(provider)

    page = submit(provider, login, national_id="14833810059", action="login")

    assert page.status_code == 400
    assert "Kontrollsifrene stemmer ikke." in page.text


def test_a_real_persons_number_is_refused_as_only_synthetic_people_exist_here(provider: Provider) -> None:
    login = start_login(provider, ui_locales="en")

    page = submit(provider, login, national_id=REAL_LAYOUT_NUMBER, action="login")

    assert page.status_code == 400
    assert "Only synthetic test numbers can be used here" in page.text


def test_choosing_substantial_gives_a_substantial_acr_the_portal_can_reject(provider: Provider) -> None:
    login = start_login(provider)

    substantial = "idporten-loa-substantial"
    back = submit(provider, login, national_id=KARI.national_id, acr=substantial, action="login")
    token = redeem(provider, callback_parameters(back)["code"], login.code_verifier)

    claims = verified_claims(provider, token.json()["id_token"], login.nonce)
    assert claims["acr"] == "idporten-loa-substantial"
    assert claims["pid"] == KARI.national_id
    assert claims["locale"] == "nb"


def test_cancel_sends_the_person_back_with_access_denied_and_the_state(provider: Provider) -> None:
    login = start_login(provider)

    callback = callback_parameters(submit(provider, login, action="cancel"))

    assert callback["error"] == "access_denied"
    assert callback["state"] == login.state
    assert callback["iss"] == provider.issuer
    assert "code" not in callback


def test_the_login_form_cannot_be_submitted_twice(provider: Provider) -> None:
    login = start_login(provider)
    log_in(provider, login, KARI.national_id)

    again = submit(provider, login, cast=KARI.national_id)

    assert again.status_code == 400
    assert "location" not in again.headers
    assert "ikke lenger gyldig" in again.text


def test_pkce_is_required(provider: Provider) -> None:
    parameters = authorization_parameters(code_challenge=None, code_challenge_method=None)
    parameters.pop("code_verifier")

    callback = callback_parameters(provider.http.get("/authorize", params=parameters))

    assert callback["error"] == "invalid_request"
    assert "PKCE is required" in callback["error_description"]
    assert callback["state"] == parameters["state"]
    assert callback["iss"] == provider.issuer


def test_the_plain_pkce_method_is_refused(provider: Provider) -> None:
    verifier = secrets.token_urlsafe(48)
    parameters = authorization_parameters(code_challenge=verifier, code_challenge_method="plain")
    parameters.pop("code_verifier")

    callback = callback_parameters(provider.http.get("/authorize", params=parameters))

    assert callback["error"] == "invalid_request"
    assert "S256" in callback["error_description"]


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"nonce": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"state": None}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid email"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"acr_values": "idporten-loa-low"}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),
    ],
)
def test_a_request_breaking_the_contract_is_sent_back_with_an_error(
    provider: Provider, override: dict[str, str | None], error: str
) -> None:
    parameters = authorization_parameters(**override)
    parameters.pop("code_verifier")

    callback = callback_parameters(provider.http.get("/authorize", params=parameters))

    assert callback["error"] == error
    assert callback.get("state") == parameters.get("state")
    assert callback["iss"] == provider.issuer


@pytest.mark.parametrize(
    "override",
    [
        {"redirect_uri": "http://127.0.0.1:9/evil/callback"},
        {"redirect_uri": f"{REDIRECT_URI}/"},
        {"redirect_uri": None},
        {"client_id": "unknown-service"},
        {"client_id": OTHER_CLIENT.client_id},
    ],
)
def test_an_unregistered_redirect_uri_or_client_gets_an_error_page_and_no_redirect(
    provider: Provider, override: dict[str, str | None]
) -> None:
    parameters = authorization_parameters(**override)
    parameters.pop("code_verifier")

    page = provider.http.get("/authorize", params=parameters)

    assert page.status_code in {400, 401}
    assert "location" not in page.headers
    assert page.headers["content-type"].startswith("text/html")
    assert "Innloggingen kan ikke fortsette" in page.text


def test_a_wrong_code_verifier_is_invalid_grant(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]

    response = redeem(provider, code, secrets.token_urlsafe(48))

    assert response.status_code == 400
    assert error_of(response) == "invalid_grant"
    assert "id_token" not in response.json()


def test_a_replayed_code_is_invalid_grant(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]
    assert redeem(provider, code, login.code_verifier).status_code == 200

    replay = redeem(provider, code, login.code_verifier)

    assert replay.status_code == 400
    assert error_of(replay) == "invalid_grant"


def test_a_code_older_than_sixty_seconds_is_invalid_grant(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]

    provider.clock.advance(60)
    response = redeem(provider, code, login.code_verifier)

    assert response.status_code == 400
    assert error_of(response) == "invalid_grant"


def test_a_code_redeemed_with_another_redirect_uri_is_invalid_grant(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]

    response = redeem(provider, code, login.code_verifier, redirect_uri=f"{REDIRECT_URI}?next=/")

    assert error_of(response) == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]

    response = redeem(provider, code, login.code_verifier, secret="guessed")

    assert response.status_code == 401
    assert error_of(response) == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")


def test_client_secret_post_is_accepted_too(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]

    response = provider.http.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": login.code_verifier,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )

    assert response.status_code == 200
    assert verified_claims(provider, response.json()["id_token"], login.nonce)["pid"] == KARI.national_id


def test_logout_ends_the_provider_session_and_returns_to_the_registered_uri(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]
    id_token = redeem(provider, code, login.code_verifier).json()["id_token"]
    sid = str(verified_claims(provider, id_token, login.nonce)["sid"])
    assert provider.server.store.session_is_active(sid)

    response = provider.http.get(
        "/endsession",
        params={"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT_URI, "state": "bye"},
    )

    assert response.status_code == 302
    assert response.headers["location"] == f"{POST_LOGOUT_URI}?state=bye"
    assert not provider.server.store.session_is_active(sid)


def test_logout_without_a_return_uri_ends_the_session_and_says_so(provider: Provider) -> None:
    login = start_login(provider, ui_locales="en")
    code = log_in(provider, login, KARI.national_id)["code"]
    id_token = redeem(provider, code, login.code_verifier).json()["id_token"]
    sid = str(verified_claims(provider, id_token, login.nonce)["sid"])

    # RP-initiated logout may also come as a form POST.
    response = provider.http.post("/endsession", data={"id_token_hint": id_token, "ui_locales": "en"})

    assert response.status_code == 200
    assert "You are logged out" in response.text
    assert not provider.server.store.session_is_active(sid)


def test_logout_to_an_unregistered_uri_is_refused_with_an_error_page(provider: Provider) -> None:
    login = start_login(provider)
    code = log_in(provider, login, KARI.national_id)["code"]
    id_token = redeem(provider, code, login.code_verifier).json()["id_token"]
    sid = str(verified_claims(provider, id_token, login.nonce)["sid"])

    response = provider.http.get(
        "/endsession",
        params={
            "id_token_hint": id_token,
            "post_logout_redirect_uri": "http://127.0.0.1:9/evil",
            "state": "bye",
        },
    )

    assert response.status_code == 400
    assert "location" not in response.headers
    assert "post_logout_redirect_uri is not registered" in response.text
    assert provider.server.store.session_is_active(sid), "a refused logout request ends nothing"


def test_logout_with_a_forged_id_token_hint_is_refused(provider: Provider) -> None:
    forged = jwt.encode(
        {"alg": "RS256"}, {"iss": provider.issuer, "aud": CLIENT_ID, "sid": "x"}, generate_signing_key()
    )

    response = provider.http.get(
        "/endsession", params={"id_token_hint": forged, "post_logout_redirect_uri": POST_LOGOUT_URI}
    )

    assert response.status_code == 400
    assert "location" not in response.headers


def test_the_provider_refuses_to_run_in_production_unless_explicitly_allowed(
    settings: Settings, signing_key: RSAKey
) -> None:
    production = replace(settings, environment="production")

    with pytest.raises(DevIdpRefusedError, match="must not run in production"):
        create_app(production, signing_key=signing_key)

    allowed = replace(production, dev_idp_allowed_in_production=True)
    assert isinstance(create_app(allowed, signing_key=signing_key), Starlette)


def test_the_signing_key_is_kept_in_a_file_so_a_restart_keeps_it(settings: Settings, tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "dev-idp-key.pem"

    def published_kid() -> str:
        with serving(lambda issuer: create_app(settings, issuer=issuer, key_file=key_file)) as issuer:
            return httpx.get(f"{issuer}/jwks").json()["keys"][0]["kid"]

    first = published_kid()
    assert key_file.stat().st_mode & 0o077 == 0, "the private key is readable by its owner only"
    assert published_kid() == first


def _command(arguments: list[str], environment: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "homecare.auth.dev_idp", *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_command_refuses_to_start_in_production() -> None:
    process = _command([], {"HOMECARE_ENV": "production", "HOMECARE_DEV_IDP_ALLOW_IN_PRODUCTION": "false"})

    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 2
    assert "Refusing to start" in stderr
    assert "production" in stderr


def test_the_command_serves_the_provider_at_the_configured_issuer(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}"
    key_file = tmp_path / "key.pem"
    process = _command(
        ["--port", str(port)],
        {
            "HOMECARE_ENV": "development",
            "HOMECARE_OIDC_ISSUER": issuer,
            "HOMECARE_DEV_IDP_KEY_FILE": str(key_file),
        },
    )
    try:
        metadata = _wait_for_discovery(issuer, process)
    finally:
        process.terminate()
        process.communicate(timeout=30)

    assert metadata["issuer"] == issuer
    assert key_file.exists()


def _wait_for_discovery(issuer: str, process: subprocess.Popen[str]) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the command exited with {process.returncode}"
        try:
            return httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).json()
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"no discovery document at {issuer} within 60 s")
