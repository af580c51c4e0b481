"""Production settings that would be unsafe are named, so the portal can refuse to start with them."""

from __future__ import annotations

from dataclasses import replace

from homecare.settings import (
    DEVELOPMENT_CLIENT_SECRET,
    DEVELOPMENT_IDP_URL,
    PRODUCTION,
    get_settings,
    origin_problems,
    production_problems,
)

SAFE = replace(
    get_settings(),
    environment=PRODUCTION,
    public_url="https://helse.example.no",
    oidc_issuer="https://idporten.example.no",
    oidc_client_secret="a-real-secret-from-the-vault",
    dev_idp_enabled=False,
    sendgrid_api_key="SG.from-the-vault",
    sms_gateway_url="https://sms.example.no/api",
    sms_gateway_token="from-the-vault",
    metrics_token="from-the-vault-too",
    database_url="postgresql+psycopg://homecare@db.internal/homecare",
    redis_url="redis://redis.internal:6379/0",
)


def test_safe_production_settings_have_no_problems() -> None:
    assert production_problems(SAFE) == []


def test_development_settings_are_not_judged() -> None:
    assert production_problems(replace(SAFE, environment="development", public_url="http://localhost")) == []


def test_each_unsafe_setting_is_named() -> None:
    assert "development identity provider" in production_problems(replace(SAFE, dev_idp_enabled=True))[0]
    assert production_problems(replace(SAFE, dev_idp_enabled=True, dev_idp_allowed_in_production=True)) == []
    assert "ISSUER" in production_problems(replace(SAFE, oidc_issuer=DEVELOPMENT_IDP_URL))[0]
    assert "SECRET" in production_problems(replace(SAFE, oidc_client_secret=DEVELOPMENT_CLIENT_SECRET))[0]
    assert "https" in production_problems(replace(SAFE, public_url="http://helse.example.no"))[0]
    no_auth = production_problems(replace(SAFE, oidc_client_secret=None, oidc_private_key_file=None))
    assert "PRIVATE_KEY" in no_auth[0]
    assert "SENDGRID" in production_problems(replace(SAFE, sendgrid_api_key=None))[0]
    assert "SMS_GATEWAY" in production_problems(replace(SAFE, sms_gateway_token=None))[0]


def test_over_https_cookies_get_the_host_prefix() -> None:
    assert SAFE.cookie_name("hc_session") == "__Host-hc_session"
    assert replace(SAFE, public_url="http://localhost:3000").cookie_name("hc_session") == "hc_session"


def test_production_needs_the_shared_servers_and_real_secrets() -> None:
    assert "PostgreSQL" in production_problems(replace(SAFE, database_url="sqlite:///data/homecare.db"))[0]
    assert "REDIS" in production_problems(replace(SAFE, redis_url=None))[0]
    assert "METRICS_TOKEN" in production_problems(replace(SAFE, metrics_token=None))[0]
    assert "shorter" in production_problems(replace(SAFE, metrics_token="secret"))[0]


def test_the_backend_answers_only_the_portals_own_address() -> None:
    assert origin_problems(SAFE, ["https://helse.example.no"]) == []
    assert origin_problems(SAFE, ["https://helse.example.no/"]) == []
    assert "(*)" in origin_problems(SAFE, ["*"])[0]
    assert (
        "https://evil.example"
        in origin_problems(SAFE, ["https://helse.example.no", "https://evil.example"])[0]
    )
    assert origin_problems(replace(SAFE, environment="development"), ["*"]) == []
