"""Logging in through the development provider, over HTTP on loopback, and every way it can fail.

The browser is an HTTP client with a cookie jar: it talks to the portal's login routes (in process) and to the
provider (a real server on loopback), and follows the redirects between them by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette

from homecare.auth.dev_idp import ACR_SUBSTANTIAL, running_dev_idp
from homecare.auth.dev_idp.keys import generate_signing_key
from homecare.auth.relying_party import LoginError, RelyingParty, new_code_verifier
from homecare.auth.routes import LoginRoutes
from homecare.auth.sessions import LOGIN_COOKIE, SESSION_COOKIE, resolve_session
from homecare.domain.login import LoginProblem
from homecare.models import LoginAttempt, LoginSession, UsageLogEntry
from homecare.models.columns import utc_now
from homecare.services.demo_cast import INGRID, NORA
from homecare.settings import Settings, get_settings
from tests.cast import unknown_synthetic_number

PORTAL = "http://portal.test"
# The discovery document of a provider played by httpx's MockTransport.
MOCK_DISCOVERY = {
    "issuer": "https://idp.test",
    "authorization_endpoint": "https://idp.test/authorize",
    "token_endpoint": "https://idp.test/token",
    "jwks_uri": "https://idp.test/jwks",
}
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def portal_settings(issuer: str = "http://127.0.0.1:9", public_url: str = PORTAL) -> Settings:
    return replace(
        get_settings(),
        public_url=public_url,
        oidc_issuer=issuer,
        oidc_client_id="homecare-test",
        oidc_client_secret="a-test-secret",
        oidc_redirect_uri=f"{public_url}/auth/callback",
        oidc_post_logout_redirect_uri=f"{public_url}/auth/logged-out",
        oidc_acr="idporten-loa-high",
    )


@pytest.fixture(scope="module")
def signing_key() -> RSAKey:
    return generate_signing_key()


@pytest.fixture(scope="module")
def issuer(signing_key: RSAKey) -> Iterator[str]:
    with running_dev_idp(portal_settings(), signing_key=signing_key) as url:
        yield url


@dataclass
class Browser:
    """One browser: a cookie jar shared by its visits to the portal and to the provider."""

    portal: httpx.AsyncClient
    idp: httpx.AsyncClient
    settings: Settings
    engine: Engine

    async def start_login(self, language: str = "en") -> str:
        """Press "Log in": returns the provider's login page."""
        response = await self.portal.get(f"/auth/login?lang={language}")
        assert response.status_code == 302, response.text
        page = await self.idp.get(response.headers["location"])
        assert page.status_code == 200, page.text
        return page.text

    async def submit_login(self, page: str, national_id: str, acr: str = "idporten-loa-high") -> str:
        """Log in at the provider; returns where it sends the browser back to."""
        request_id = re.search(r'name="request_id" value="([^"]+)"', page)
        assert request_id is not None
        answer = await self.idp.post(
            "/authorize",
            data={"request_id": request_id[1], "national_id": national_id, "acr": acr, "action": "login"},
        )
        assert answer.status_code in (302, 303), answer.text
        return answer.headers["location"]

    async def come_back(self, location: str) -> httpx.Response:
        """Follow the provider's redirect to the portal's callback."""
        assert location.startswith(f"{PORTAL}/auth/callback")
        return await self.portal.get(location.removeprefix(PORTAL))

    async def log_in(self, national_id: str, acr: str = "idporten-loa-high") -> httpx.Response:
        return await self.come_back(await self.submit_login(await self.start_login(), national_id, acr))


@pytest.fixture
async def browser(issuer: str, cast_engine: Engine) -> AsyncIterator[Browser]:
    settings = portal_settings(issuer)
    app = Starlette(routes=LoginRoutes(settings, RelyingParty(settings), engine=cast_engine).routes())
    jar = httpx.Cookies()
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PORTAL, cookies=jar) as portal,
        httpx.AsyncClient(base_url=issuer, cookies=jar) as idp,
    ):
        yield Browser(portal, idp, settings, cast_engine)


def failure_reason(response: httpx.Response) -> str | None:
    location = response.headers.get("location", "")
    if not location.startswith("/innlogging/feil"):
        return None
    return parse_qs(urlsplit(location).query)["reason"][0]


def sessions(engine: Engine) -> list[LoginSession]:
    with Session(engine) as db:
        return list(db.exec(select(LoginSession)))


def session_cookie_header(response: httpx.Response) -> str:
    headers = [value for value in response.headers.get_list("set-cookie") if value.startswith(SESSION_COOKIE)]
    assert len(headers) == 1
    return headers[0]


async def test_ingrid_logs_in_and_gets_a_fresh_http_only_session_cookie(
    browser: Browser, cast_engine: Engine
) -> None:
    response = await browser.log_in(INGRID.national_id)
    assert response.status_code == 303
    assert response.headers["location"] == "/min-side"
    cookie = session_cookie_header(response)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie
    assert "Secure" not in cookie  # the portal here is served over plain http
    token = browser.portal.cookies[SESSION_COOKIE]
    with Session(cast_engine) as db:
        active = resolve_session(db, browser.settings, token, utc_now())
        assert active is not None
        row = db.get(LoginSession, active.id)
        assert row is not None and row.idp_sid and row.id_token_hint
        assert row.language == "en"
        assert [entry.action for entry in db.exec(select(UsageLogEntry))] == ["login"]
        assert db.exec(select(LoginAttempt)).all() == []


async def test_the_cookie_is_secure_when_the_portal_is_served_over_https(
    issuer: str, cast_engine: Engine
) -> None:
    secure = portal_settings(issuer, public_url="https://portal.test")
    routes = LoginRoutes(secure, RelyingParty(secure), engine=cast_engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=Starlette(routes=routes.routes())), base_url="https://portal.test"
    ) as portal:
        response = await portal.get("/auth/login")
    cookies = response.headers.get_list("set-cookie")
    login_cookie = next(cookie for cookie in cookies if cookie.startswith(f"__Host-{LOGIN_COOKIE}="))
    assert "Secure" in login_cookie and "HttpOnly" in login_cookie and "Path=/" in login_cookie
    assert "Domain" not in login_cookie


async def test_each_login_gets_a_new_session_id_and_ends_the_one_the_browser_had(
    browser: Browser, cast_engine: Engine
) -> None:
    await browser.log_in(INGRID.national_id)
    first = browser.portal.cookies[SESSION_COOKIE]
    await browser.log_in(INGRID.national_id)
    second = browser.portal.cookies[SESSION_COOKIE]
    assert first != second
    with Session(cast_engine) as db:
        assert resolve_session(db, browser.settings, first, utc_now()) is None
        assert resolve_session(db, browser.settings, second, utc_now()) is not None


async def test_a_tampered_state_is_refused(browser: Browser, cast_engine: Engine) -> None:
    location = await browser.submit_login(await browser.start_login(), INGRID.national_id)
    tampered = re.sub(r"state=[^&]+", "state=somebody-elses", location)
    response = await browser.come_back(tampered)
    assert failure_reason(response) == "bad_state"
    assert sessions(cast_engine) == []


async def test_a_login_finished_in_another_browser_is_refused(browser: Browser, cast_engine: Engine) -> None:
    location = await browser.submit_login(await browser.start_login(), INGRID.national_id)
    browser.portal.cookies.delete(LOGIN_COOKIE)
    response = await browser.come_back(location)
    assert failure_reason(response) == "bad_state"
    assert sessions(cast_engine) == []


async def test_a_callback_cannot_be_used_twice(browser: Browser, cast_engine: Engine) -> None:
    location = await browser.submit_login(await browser.start_login(), INGRID.national_id)
    assert (await browser.come_back(location)).headers["location"] == "/min-side"
    browser.portal.cookies.set(LOGIN_COOKIE, parse_qs(urlsplit(location).query)["state"][0], path="/auth")
    again = await browser.come_back(location)
    assert failure_reason(again) == "bad_state"
    assert len(sessions(cast_engine)) == 1


async def test_a_wrong_pkce_verifier_is_refused_by_the_provider(
    browser: Browser, cast_engine: Engine
) -> None:
    location = await browser.submit_login(await browser.start_login(), INGRID.national_id)
    with Session(cast_engine) as db:
        attempt = db.exec(select(LoginAttempt)).one()
        attempt.code_verifier = new_code_verifier()
        db.add(attempt)
        db.commit()
    response = await browser.come_back(location)
    assert failure_reason(response) == "invalid_token"
    assert sessions(cast_engine) == []


async def test_a_login_at_a_lower_security_level_is_refused(browser: Browser, cast_engine: Engine) -> None:
    response = await browser.log_in(INGRID.national_id, acr=ACR_SUBSTANTIAL)
    assert failure_reason(response) == "acr_too_low"
    assert sessions(cast_engine) == []


async def test_a_person_not_in_the_population_data_gets_no_session(
    browser: Browser, cast_engine: Engine
) -> None:
    response = await browser.log_in(unknown_synthetic_number())
    assert failure_reason(response) == "unknown_person"
    assert sessions(cast_engine) == []
    with Session(cast_engine) as db:
        refused = db.exec(select(UsageLogEntry)).one()
        assert refused.action == "login_refused" and refused.actor_id is None


async def test_cancelling_at_the_provider_says_so(browser: Browser, cast_engine: Engine) -> None:
    page = await browser.start_login()
    request_id = re.search(r'name="request_id" value="([^"]+)"', page)
    assert request_id is not None
    answer = await browser.idp.post("/authorize", data={"request_id": request_id[1], "action": "cancel"})
    response = await browser.come_back(answer.headers["location"])
    assert failure_reason(response) == "denied"
    assert sessions(cast_engine) == []


async def test_a_provider_that_does_not_answer_ends_on_the_error_page(cast_engine: Engine) -> None:
    settings = portal_settings("http://127.0.0.1:9")  # nothing listens on the discard port
    app = Starlette(routes=LoginRoutes(settings, RelyingParty(settings), engine=cast_engine).routes())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PORTAL) as portal:
        response = await portal.get("/auth/login")
    assert failure_reason(response) == "provider_unavailable"


class TokenEndpointDown(httpx.AsyncBaseTransport):
    """The network as the portal sees it when the provider's token endpoint fails."""

    def __init__(self) -> None:
        self._real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(503, text="Service Unavailable")
        return await self._real.handle_async_request(request)


async def test_a_token_endpoint_that_is_down_ends_on_the_error_page(issuer: str, cast_engine: Engine) -> None:
    settings = portal_settings(issuer)
    rp = RelyingParty(settings, transport=TokenEndpointDown())
    app = Starlette(routes=LoginRoutes(settings, rp, engine=cast_engine).routes())
    jar = httpx.Cookies()
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PORTAL, cookies=jar) as portal,
        httpx.AsyncClient(base_url=issuer, cookies=jar) as idp,
    ):
        response = await Browser(portal, idp, settings, cast_engine).log_in(INGRID.national_id)
    assert failure_reason(response) == "provider_unavailable"
    assert sessions(cast_engine) == []


async def test_logout_ends_the_session_and_sends_the_browser_to_the_providers_logout(
    browser: Browser, cast_engine: Engine, issuer: str
) -> None:
    await browser.log_in(INGRID.national_id)
    token = browser.portal.cookies[SESSION_COOKIE]
    response = await browser.portal.post("/auth/logout", headers={"origin": PORTAL})
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{issuer}/endsession"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == [f"{PORTAL}/auth/logged-out"]
    assert query["id_token_hint"]
    assert 'hc_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    with Session(cast_engine) as db:
        assert resolve_session(db, browser.settings, token, utc_now()) is None
    provider = await browser.idp.get(response.headers["location"])
    assert provider.headers["location"].startswith(f"{PORTAL}/auth/logged-out")
    back = await browser.portal.get("/auth/logged-out")
    assert back.headers["location"] == "/"


async def test_a_logout_posted_from_another_site_is_refused(browser: Browser, cast_engine: Engine) -> None:
    await browser.log_in(INGRID.national_id)
    token = browser.portal.cookies[SESSION_COOKIE]
    response = await browser.portal.post("/auth/logout", headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    with Session(cast_engine) as db:
        assert resolve_session(db, browser.settings, token, utc_now()) is not None


# The ID token checks, with tokens signed by the provider's own key but wrong in one way each.


def id_token(key: RSAKey, issuer: str, **changes: object) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": issuer,
        "aud": "homecare-test",
        "sub": "pseudonym",
        "iat": now,
        "exp": now + 120,
        "nonce": "the-nonce",
        "pid": NORA.national_id,
        "acr": "idporten-loa-high",
        "amr": ["TestID"],
        "sid": "sid",
    }
    claims.update(changes)
    return jwt.encode(
        {"alg": "RS256", "kid": key.kid}, {k: v for k, v in claims.items() if v is not None}, key
    )


async def test_a_correct_id_token_is_accepted(issuer: str, signing_key: RSAKey) -> None:
    verified = await RelyingParty(portal_settings(issuer)).verify_id_token(
        id_token(signing_key, issuer), nonce="the-nonce"
    )
    assert verified.pid == NORA.national_id and verified.acr == "idporten-loa-high"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"iss": "https://other-issuer.example"}, LoginProblem.INVALID_TOKEN),
        ({"aud": "another-client"}, LoginProblem.INVALID_TOKEN),
        ({"nonce": "another-nonce"}, LoginProblem.INVALID_TOKEN),
        ({"nonce": None}, LoginProblem.INVALID_TOKEN),
        ({"exp": int(time.time()) - 3600}, LoginProblem.INVALID_TOKEN),
        ({"pid": None}, LoginProblem.INVALID_TOKEN),
        ({"pid": "12345678901"}, LoginProblem.INVALID_TOKEN),
        ({"acr": "idporten-loa-substantial"}, LoginProblem.ACR_TOO_LOW),
        ({"acr": None}, LoginProblem.ACR_TOO_LOW),
    ],
)
async def test_a_wrong_id_token_is_refused(
    issuer: str, signing_key: RSAKey, change: dict[str, object], problem: LoginProblem
) -> None:
    with pytest.raises(LoginError) as refused:
        await RelyingParty(portal_settings(issuer)).verify_id_token(
            id_token(signing_key, issuer, **change), nonce="the-nonce"
        )
    assert refused.value.problem is problem


async def test_a_token_signed_with_another_key_is_refused(issuer: str) -> None:
    stranger = generate_signing_key()
    with pytest.raises(LoginError) as refused:
        await RelyingParty(portal_settings(issuer)).verify_id_token(
            id_token(stranger, issuer), nonce="the-nonce"
        )
    assert refused.value.problem is LoginProblem.INVALID_TOKEN


async def test_a_token_that_expired_while_the_clock_moved_on_is_refused(
    issuer: str, signing_key: RSAKey
) -> None:
    later = RelyingParty(portal_settings(issuer), clock=lambda: time.time() + 600)
    with pytest.raises(LoginError) as refused:
        await later.verify_id_token(id_token(signing_key, issuer), nonce="the-nonce")
    assert refused.value.problem is LoginProblem.INVALID_TOKEN


async def test_an_authorization_response_naming_no_issuer_is_refused_when_the_provider_always_names_it(
    issuer: str,
) -> None:
    with pytest.raises(LoginError) as refused:
        await RelyingParty(portal_settings(issuer)).finish_login(
            code="any", code_verifier=new_code_verifier(), nonce="n", returned_issuer=None
        )
    assert refused.value.problem is LoginProblem.INVALID_TOKEN
    assert "names no issuer" in refused.value.detail


async def test_an_authorization_response_naming_another_issuer_is_refused(issuer: str) -> None:
    with pytest.raises(LoginError) as refused:
        await RelyingParty(portal_settings(issuer)).finish_login(
            code="any", code_verifier=new_code_verifier(), nonce="n", returned_issuer="https://mix-up.example"
        )
    assert refused.value.problem is LoginProblem.INVALID_TOKEN


async def test_a_replayed_code_is_refused(browser: Browser) -> None:
    """The provider honours a code once: a second exchange of the same code fails."""
    page = await browser.start_login()
    location = await browser.submit_login(page, INGRID.national_id)
    code = parse_qs(urlsplit(location).query)["code"][0]
    with Session(browser.engine) as db:
        attempt = db.exec(select(LoginAttempt)).one()
    rp = RelyingParty(browser.settings)
    first = await rp.finish_login(
        code=code,
        code_verifier=attempt.code_verifier,
        nonce=attempt.nonce,
        returned_issuer=browser.settings.oidc_issuer,
    )
    assert first.pid == INGRID.national_id
    with pytest.raises(LoginError) as refused:
        await rp.finish_login(
            code=code,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
            returned_issuer=browser.settings.oidc_issuer,
        )
    assert refused.value.problem is LoginProblem.INVALID_TOKEN
    assert "invalid_grant" in refused.value.detail


async def test_with_a_private_key_the_portal_authenticates_with_a_signed_assertion(tmp_path: Path) -> None:
    key = generate_signing_key()
    key_file = tmp_path / "client-key.pem"
    key_file.write_bytes(key.as_pem(private=True))
    seen: list[httpx.Request] = []

    def provider(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=MOCK_DISCOVERY)
        seen.append(request)
        return httpx.Response(400, json={"error": "invalid_grant"})

    settings = replace(
        portal_settings("https://idp.test"),
        oidc_client_secret=None,
        oidc_private_key_file=str(key_file),
        oidc_private_key_id="key-2026",
    )
    rp = RelyingParty(settings, transport=httpx.MockTransport(provider))
    with pytest.raises(LoginError):
        await rp.finish_login(code="c", code_verifier=new_code_verifier(), nonce="n", returned_issuer=None)

    (token_request,) = seen
    assert "authorization" not in token_request.headers
    form = parse_qs(token_request.content.decode())
    assert form["client_assertion_type"] == ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]
    assertion = jwt.decode(form["client_assertion"][0], key, algorithms=["RS256"])
    assert assertion.header["kid"] == "key-2026"
    assert assertion.claims["iss"] == assertion.claims["sub"] == "homecare-test"
    assert assertion.claims["aud"] == "https://idp.test/token"
    assert "client_secret" not in form


class RotatingProvider:
    """A provider whose JWKS holds the old key until it is asked again, then the new one."""

    def __init__(self, old: RSAKey, new: RSAKey) -> None:
        self.keys = [old, new]
        self.jwks_requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=MOCK_DISCOVERY)
        key = self.keys[min(self.jwks_requests, 1)]
        self.jwks_requests += 1
        return httpx.Response(200, json={"keys": [key.as_dict(private=False)]})


async def test_a_new_signing_key_is_fetched_once_when_the_provider_has_rotated() -> None:
    old, new = generate_signing_key(), generate_signing_key()
    provider = RotatingProvider(old, new)
    rp = RelyingParty(portal_settings("https://idp.test"), transport=httpx.MockTransport(provider))
    assert (
        await rp.verify_id_token(id_token(old, "https://idp.test"), nonce="the-nonce")
    ).pid == NORA.national_id
    assert (
        await rp.verify_id_token(id_token(new, "https://idp.test"), nonce="the-nonce")
    ).pid == NORA.national_id
    assert provider.jwks_requests == 2
    stranger = generate_signing_key()
    with pytest.raises(LoginError):
        await rp.verify_id_token(id_token(stranger, "https://idp.test"), nonce="the-nonce")


async def test_tokens_with_a_symmetric_or_no_signature_are_refused(issuer: str, signing_key: RSAKey) -> None:
    rp = RelyingParty(portal_settings(issuer))
    # An HMAC "signed" with the provider's public key: the classic algorithm confusion.
    _, payload, _ = id_token(signing_key, issuer).split(".")
    header = base64url(json.dumps({"alg": "HS256", "kid": signing_key.kid}))
    mac = hmac.new(signing_key.as_pem(private=False), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    hs256 = f"{header}.{payload}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    unsigned = f"{base64url(json.dumps({'alg': 'none'}))}.{payload}."
    for token in (hs256, unsigned):
        with pytest.raises(LoginError) as refused:
            await rp.verify_id_token(token, nonce="the-nonce")
        assert refused.value.problem is LoginProblem.INVALID_TOKEN


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        ({"aud": ["homecare-test", "another-client"]}, False),
        ({"aud": ["homecare-test", "another-client"], "azp": "homecare-test"}, True),
        ({"iat": int(time.time()) + 3600}, False),
        ({"iat": None}, False),
    ],
)
async def test_audiences_and_issue_times_are_checked(
    issuer: str, signing_key: RSAKey, change: dict[str, object], accepted: bool
) -> None:
    rp = RelyingParty(portal_settings(issuer))
    token = id_token(signing_key, issuer, **change)
    if accepted:
        assert (await rp.verify_id_token(token, nonce="the-nonce")).pid == NORA.national_id
    else:
        with pytest.raises(LoginError):
            await rp.verify_id_token(token, nonce="the-nonce")


def base64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


async def test_a_login_that_fails_still_ends_the_session_the_browser_had(
    browser: Browser, cast_engine: Engine
) -> None:
    await browser.log_in(INGRID.national_id)
    ingrids = browser.portal.cookies[SESSION_COOKIE]
    response = await browser.log_in(unknown_synthetic_number())
    assert failure_reason(response) == "unknown_person"
    with Session(cast_engine) as db:
        assert resolve_session(db, browser.settings, ingrids, utc_now()) is None


async def test_merely_opening_the_login_link_logs_nobody_out(browser: Browser, cast_engine: Engine) -> None:
    await browser.log_in(INGRID.national_id)
    ingrids = browser.portal.cookies[SESSION_COOKIE]
    await browser.portal.get("/auth/login")
    with Session(cast_engine) as db:
        assert resolve_session(db, browser.settings, ingrids, utc_now()) is not None
