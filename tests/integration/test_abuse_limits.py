"""Abuse limits: logins per address, powers of attorney granted (the way to probe identity numbers and
surnames) per person and per address, messages per person. Past the limit the person is told when to try
again, and nothing is looked up or written."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reflex_base.utils.form import FormData
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.applications import Starlette

import homecare.db
import homecare.state.messages
import homecare.state.powers_of_attorney
from homecare import routes
from homecare.auth.relying_party import RelyingParty
from homecare.auth.routes import LoginRoutes
from homecare.domain.power_of_attorney import ServiceArea
from homecare.models import Message, UsageLogEntry
from homecare.rate_limits import AbuseLimits, Limit, LocalRateLimiter, client_address
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings
from homecare.state.messages import NewMessageState
from homecare.state.powers_of_attorney import AREAS_FIELD, PowersOfAttorneyState
from tests.cast import unknown_synthetic_number
from tests.state_events import page_state, run

UNKNOWN_PERSON = unknown_synthetic_number()


def limits(logins: int = 100, grants: int = 100, messages: int = 100) -> AbuseLimits:
    """Limits that allow `n` at once and win nothing back during a test."""

    def limiter(count: int) -> LocalRateLimiter:
        return LocalRateLimiter(Limit(count, 10**9, count), clock=lambda: 0.0)

    return AbuseLimits(limiter(logins), limiter(grants), limiter(grants * 3), limiter(messages))


@given(
    peer=st.ip_addresses().map(str),
    claimed=st.lists(st.ip_addresses().map(str), max_size=4),
    proxies=st.lists(st.ip_addresses().map(str), min_size=1, max_size=3),
)
def test_the_client_is_what_our_own_first_proxy_saw_whatever_it_claims(
    peer: str, claimed: list[str], proxies: list[str]
) -> None:
    # The client claims some addresses, then each of our proxies appends the address it got the request from.
    client, *ours = proxies
    header = ", ".join([*claimed, client, *ours])
    assert client_address(peer, header, proxy_hops=len(proxies)) == client
    assert client_address(peer, header, proxy_hops=0) == peer, "without proxies the header is not believed"
    assert client_address(peer, None, proxy_hops=len(proxies)) == peer


def test_too_many_logins_from_one_address_are_sent_to_the_error_page(cast_engine: Engine) -> None:
    settings = replace(get_settings(), proxy_hops=1)
    app = Starlette(
        routes=LoginRoutes(
            settings, RelyingParty(settings), engine=cast_engine, limits=limits(logins=2)
        ).routes()
    )

    async def start(address: str) -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://portal"
        ) as client:
            return await client.get(routes.AUTH_LOGIN, headers={"X-Forwarded-For": address})

    async def attempts() -> list[str]:
        return [
            (await start(address)).headers["location"] for address in ("198.51.100.7",) * 3 + ("192.0.2.1",)
        ]

    answers = asyncio.run(attempts())
    refused = f"{routes.LOGIN_FAILED}?reason=too_many"
    # The provider is not running here: a login let through ends on "provider unavailable" instead.
    assert [answer == refused for answer in answers] == [False, False, True, False]


def refused_grants(engine: Engine) -> int:
    with Session(engine) as db:
        refused = select(func.count()).where(UsageLogEntry.action == UsageAction.POA_GRANT_REFUSED)
        return db.exec(refused).one()


def test_probing_for_people_by_granting_waits_after_the_limit(
    cast_engine: Engine, kari_logged_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = limits(grants=2)
    monkeypatch.setattr(homecare.state.powers_of_attorney, "abuse_limits", lambda: shared)
    form = FormData(
        [
            ("national_id", UNKNOWN_PERSON),
            ("surname", "Hansen"),
            (AREAS_FIELD, ServiceArea.DIGITAL_HEALTHCARE.value),
        ]
    )
    state = page_state(PowersOfAttorneyState, kari_logged_in)
    for _attempt in range(2):
        run(state, "grant", form)
        assert "Prøv igjen om" not in state.errors["national_id"]  # type: ignore[attr-defined]
    looked_up = refused_grants(cast_engine)
    run(state, "grant", form)
    assert "Prøv igjen om" in state.errors["national_id"]  # type: ignore[attr-defined]
    assert refused_grants(cast_engine) == looked_up, "no lookup past the limit"
    # A form with mistakes of its own is answered at its fields and not counted.
    run(state, "grant", FormData([("national_id", "123"), ("surname", "")]))
    assert "Prøv igjen om" not in state.errors["national_id"]  # type: ignore[attr-defined]


def test_messages_wait_after_the_limit_and_nothing_more_is_sent(
    cast_engine: Engine, kari_logged_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = limits(messages=1)
    monkeypatch.setattr(homecare.state.messages, "abuse_limits", lambda: shared)

    def messages() -> int:
        with Session(cast_engine) as db:
            return db.exec(select(func.count()).select_from(Message)).one()

    before = messages()
    for number in range(2):
        state = page_state(NewMessageState, kari_logged_in)
        run(state, "load")
        version = str(state.form_version)  # type: ignore[attr-defined]
        form = FormData([("topic", f"Spørsmål {number}"), ("text", "Hei!"), ("form_version", version)])
        run(state, "send", form)
    assert messages() == before + 1
    assert "Prøv igjen om" in state.form_error  # type: ignore[attr-defined]


def test_a_message_with_mistakes_is_answered_at_its_fields_and_not_counted(
    cast_engine: Engine, kari_logged_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old person who sends an empty form three times must still be able to send the fixed one."""
    shared = limits(messages=1)
    monkeypatch.setattr(homecare.state.messages, "abuse_limits", lambda: shared)
    state = page_state(NewMessageState, kari_logged_in)
    run(state, "load")
    version = str(state.form_version)  # type: ignore[attr-defined]
    for topic, text in (("", ""), ("Spørsmål", ""), ("", "Hei!"), ("Spørsmål", "x" * 10_000)):
        run(state, "send", FormData([("topic", topic), ("text", text), ("form_version", version)]))
        assert state.problems and "Prøv igjen om" not in state.form_error  # type: ignore[attr-defined]
    run(state, "send", FormData([("topic", "Spørsmål"), ("text", "Hei!"), ("form_version", version)]))
    assert "Prøv igjen om" not in state.form_error  # type: ignore[attr-defined]
    with Session(cast_engine) as db:
        assert db.exec(select(Message).where(Message.body == "Hei!")).first() is not None
