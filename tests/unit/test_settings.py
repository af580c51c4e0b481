"""Production settings that would be unsafe are named, so the portal can refuse to start with them."""

from __future__ import annotations

from dataclasses import replace

from homecare.settings import (
    DEVELOPMENT_CLIENT_SECRET,
    DEVELOPMENT_IDP_URL,
    PRODUCTION,
    get_settings,
    production_problems,
)

SAFE = replace(
    get_settings(),
    environment=PRODUCTION,
    public_url="https://helse.example.no",
    oidc_issuer="https://idporten.example.no",
    oidc_client_secret="a-real-secret-from-the-vault",
    dev_idp_enabled=False,
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


def test_over_https_cookies_get_the_host_prefix() -> None:
    assert SAFE.cookie_name("hc_session") == "__Host-hc_session"
    assert replace(SAFE, public_url="http://localhost:3000").cookie_name("hc_session") == "hc_session"
