"""Back-channel logout: the provider's signed logout token ends the portal's sessions of that login (by sid).

The development provider and the portal's login routes both run on loopback, so the provider posts its token
over real HTTP, as ID-porten does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from homecare import routes
from homecare.auth.dev_idp import running_dev_idp
from homecare.auth.dev_idp.keys import generate_signing_key
from homecare.auth.dev_idp.loopback import serving
from homecare.auth.dev_idp.server import BACKCHANNEL_LOGOUT_EVENT, LOG_OUT_EVERYWHERE_PATH
from homecare.auth.relying_party import RelyingParty
from homecare.auth.routes import LoginRoutes
from homecare.auth.sessions import EndReason, start_session
from homecare.models import LoginSession, UsageLogEntry
from homecare.models.columns import utc_now
from homecare.services.demo_cast import INGRID, KARI, CastMember
from homecare.settings import Settings, get_settings
from tests.cast import person


@dataclass(frozen=True)
class Portal:
    url: str
    issuer: str
    settings: Settings
    key: RSAKey


@pytest.fixture
def portal(cast_engine: Engine) -> Iterator[Portal]:
    """The portal's login routes and the development provider, each on a loopback port of its own."""
    key = generate_signing_key()
    holder: dict[str, Settings] = {}

    def login_routes() -> Starlette:
        relying_party = RelyingParty(holder["settings"])
        return Starlette(routes=LoginRoutes(holder["settings"], relying_party, engine=cast_engine).routes())

    base = replace(get_settings(), oidc_client_id="homecare-test", oidc_client_secret="a-test-secret")
    with serving(lambda url: _Deferred(login_routes)) as url:
        provider_settings = replace(
            base,
            public_url=url,
            oidc_redirect_uri=f"{url}/auth/callback",
            oidc_post_logout_redirect_uri=f"{url}/auth/logged-out",
        )
        with running_dev_idp(provider_settings, signing_key=key) as issuer:
            holder["settings"] = replace(provider_settings, oidc_issuer=issuer)
            yield Portal(url, issuer, holder["settings"], key)


class _Deferred:
    """An ASGI app made at its first request: the portal's settings name the provider, which starts later."""

    def __init__(self, make: Callable[[], ASGIApp]) -> None:
        self._make: Callable[[], ASGIApp] = make
        self._app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            self._app = self._make()
        await self._app(scope, receive, send)


def open_session(engine: Engine, member: CastMember, idp_sid: str) -> int:
    with Session(engine) as db:
        someone = person(db, member)
        start_session(
            db, get_settings(), actor_id=someone.id or 0, idp_sid=idp_sid, id_token_hint="hint",
            language="nb", user_agent=None, now=utc_now(),
        )  # fmt: skip
        db.commit()
        row = db.exec(select(LoginSession).where(LoginSession.idp_sid == idp_sid)).one()
        return row.id or 0


def session_row(engine: Engine, session_id: int) -> LoginSession:
    with Session(engine) as db:
        row = db.get(LoginSession, session_id)
        assert row is not None
        return row


def logout_token(portal: Portal, key: RSAKey | None = None, **changes: object) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": portal.issuer,
        "aud": "homecare-test",
        "iat": now,
        "exp": now + 120,
        "jti": f"jti-{now}",
        "sid": "the-sid",
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    claims.update(changes)
    signer = key or portal.key
    header = {"alg": "RS256", "kid": signer.kid, "typ": "logout+jwt"}
    return jwt.encode(header, {name: value for name, value in claims.items() if value is not None}, signer)


def post_token(portal: Portal, token: object) -> httpx.Response:
    return httpx.post(f"{portal.url}{routes.AUTH_BACKCHANNEL_LOGOUT}", data={"logout_token": token})


def test_logging_out_at_the_provider_ends_the_sessions_of_that_login(
    portal: Portal, cast_engine: Engine
) -> None:
    ours = open_session(cast_engine, INGRID, "the-sid")
    other_login = open_session(cast_engine, KARI, "another-sid")
    answers = httpx.post(f"{portal.issuer}{LOG_OUT_EVERYWHERE_PATH}", data={"sid": "the-sid"}).json()
    assert answers == {"homecare-test": 200}, "the provider posted its token to the portal, which took it"
    ended = session_row(cast_engine, ours)
    assert ended.ended_at is not None and ended.end_reason == EndReason.PROVIDER_LOGOUT
    assert ended.id_token_hint is None
    assert session_row(cast_engine, other_login).ended_at is None, "another login goes on"
    with Session(cast_engine) as db:
        logged = db.exec(select(UsageLogEntry).where(UsageLogEntry.action == "logout")).all()
        assert [entry.actor_id for entry in logged] == [person(db, INGRID).id]
    # The same token again (or another for the same sid) changes nothing more and is still answered 200.
    assert post_token(portal, logout_token(portal)).status_code == 200


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("another issuer", {"iss": "https://other-issuer.example"}),
        ("another client", {"aud": "another-client"}),
        ("no sid", {"sid": None}),
        ("no event", {"events": None}),
        ("another event", {"events": {"http://schemas.openid.net/event/other": {}}}),
        ("an ID token's nonce", {"nonce": "n"}),
        ("issued long ago", {"iat": int(time.time()) - 3600, "exp": int(time.time()) + 60}),
        ("expired", {"exp": int(time.time()) - 3600}),
    ],
)
def test_a_wrong_logout_token_is_refused_and_ends_nothing(
    portal: Portal, cast_engine: Engine, case: str, changes: dict[str, object]
) -> None:
    ours = open_session(cast_engine, INGRID, "the-sid")
    answer = post_token(portal, logout_token(portal, **changes))
    assert answer.status_code == 400, case
    assert answer.json() == {"error": "invalid_request"}
    assert answer.headers["cache-control"] == "no-store"
    assert session_row(cast_engine, ours).ended_at is None


def test_a_forged_or_missing_token_is_refused(portal: Portal, cast_engine: Engine) -> None:
    ours = open_session(cast_engine, INGRID, "the-sid")
    for token in (logout_token(portal, key=generate_signing_key()), "not-a-jwt", "", "x" * 10_000):
        assert post_token(portal, token).status_code == 400
    assert httpx.post(f"{portal.url}{routes.AUTH_BACKCHANNEL_LOGOUT}").status_code == 400
    assert httpx.get(f"{portal.url}{routes.AUTH_BACKCHANNEL_LOGOUT}").status_code == 405
    assert session_row(cast_engine, ours).ended_at is None
