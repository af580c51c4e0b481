"""One typed settings object, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from homecare import routes

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'homecare.db'}"
DEVELOPMENT = "development"
PRODUCTION = "production"
# Used only when nothing else is configured, and refused in production (see production_problems).
DEVELOPMENT_CLIENT_ID = "homecare-dev"
DEVELOPMENT_CLIENT_SECRET = "development-only-secret"
DEVELOPMENT_IDP_URL = "http://127.0.0.1:8900"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the portal can be configured with; secrets come only from the environment."""

    environment: str
    database_url: str
    terms_version: str
    public_url: str
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str | None
    oidc_private_key_file: str | None
    oidc_private_key_id: str | None
    oidc_redirect_uri: str
    oidc_post_logout_redirect_uri: str
    oidc_acr: str
    dev_idp_enabled: bool
    dev_idp_allowed_in_production: bool
    session_idle_minutes: int
    session_absolute_hours: int

    @property
    def is_production(self) -> bool:
        return self.environment == PRODUCTION

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def cookie_name(self, name: str) -> str:
        """Over https a cookie is named __Host-: browsers then keep it to this host, path / and https only,
        so a neighbouring subdomain cannot plant one."""
        return f"__Host-{name}" if self.secure_cookies else name


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    environment = os.environ.get("HOMECARE_ENV", DEVELOPMENT).strip().lower()
    production = environment == PRODUCTION
    public_url = os.environ.get("HOMECARE_PUBLIC_URL", "http://localhost:3000").rstrip("/")
    return Settings(
        environment=environment,
        database_url=os.environ.get("REFLEX_DB_URL", DEFAULT_DATABASE_URL),
        terms_version=os.environ.get("HOMECARE_TERMS_VERSION", "2026-1"),
        public_url=public_url,
        oidc_issuer=os.environ.get("HOMECARE_OIDC_ISSUER", DEVELOPMENT_IDP_URL).rstrip("/"),
        oidc_client_id=os.environ.get("HOMECARE_OIDC_CLIENT_ID", DEVELOPMENT_CLIENT_ID),
        oidc_client_secret=os.environ.get(
            "HOMECARE_OIDC_CLIENT_SECRET", None if production else DEVELOPMENT_CLIENT_SECRET
        ),
        oidc_private_key_file=os.environ.get("HOMECARE_OIDC_PRIVATE_KEY_FILE") or None,
        oidc_private_key_id=os.environ.get("HOMECARE_OIDC_PRIVATE_KEY_ID") or None,
        oidc_redirect_uri=os.environ.get("HOMECARE_OIDC_REDIRECT_URI", f"{public_url}{routes.AUTH_CALLBACK}"),
        oidc_post_logout_redirect_uri=os.environ.get(
            "HOMECARE_OIDC_POST_LOGOUT_REDIRECT_URI", f"{public_url}{routes.AUTH_LOGGED_OUT}"
        ),
        oidc_acr=os.environ.get("HOMECARE_OIDC_ACR", "idporten-loa-high"),
        dev_idp_enabled=_flag("HOMECARE_DEV_IDP", default=not production),
        dev_idp_allowed_in_production=_flag("HOMECARE_DEV_IDP_ALLOW_IN_PRODUCTION", default=False),
        session_idle_minutes=int(os.environ.get("HOMECARE_SESSION_IDLE_MINUTES", "30")),
        session_absolute_hours=int(os.environ.get("HOMECARE_SESSION_ABSOLUTE_HOURS", "12")),
    )


def production_problems(settings: Settings) -> list[str]:
    """What makes these settings unsafe to run in production; empty when nothing does."""
    if not settings.is_production:
        return []
    problems = []
    if settings.dev_idp_enabled and not settings.dev_idp_allowed_in_production:
        problems.append("the development identity provider is enabled (HOMECARE_DEV_IDP)")
    if settings.oidc_issuer == DEVELOPMENT_IDP_URL:
        problems.append("HOMECARE_OIDC_ISSUER is the development identity provider")
    if settings.oidc_client_secret == DEVELOPMENT_CLIENT_SECRET:
        problems.append("HOMECARE_OIDC_CLIENT_SECRET is the development secret")
    if not settings.oidc_client_secret and not settings.oidc_private_key_file:
        problems.append("neither HOMECARE_OIDC_CLIENT_SECRET nor HOMECARE_OIDC_PRIVATE_KEY_FILE is set")
    if not settings.secure_cookies:
        problems.append("HOMECARE_PUBLIC_URL is not https")
    return problems
