"""One typed settings object, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path

from homecare import routes
from homecare.domain.notifications import QuietHours, RetryPolicy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'homecare.db'}"
DEFAULT_ATTACHMENTS_DIR = PROJECT_ROOT / "data" / "attachments"
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
    # Reflex keeps its state there when set (several workers, several hosts); the readiness check pings it.
    redis_url: str | None
    attachments_dir: Path
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
    # Notifications. Without a SendGrid key or an SMS gateway, notices go to the development outbox.
    sendgrid_api_key: str | None
    sendgrid_host: str
    email_from_address: str
    email_from_name: str
    sms_gateway_url: str | None
    sms_gateway_token: str | None
    sms_sender_id: str
    quiet_hours: QuietHours
    sms_bundle_seconds: int
    retry_policy: RetryPolicy
    dispatcher_in_app: bool
    dispatch_interval_seconds: float
    # The integration API: requests per minute per client, and the largest request body.
    api_requests_per_minute: int
    api_max_body_bytes: int
    # Logs as JSON lines (always in production).
    json_logs: bool
    # The bearer token Prometheus sends for /metrics (required in production).
    metrics_token: str | None
    # Abuse limits (homecare/rate_limits.py): logins per address a minute, powers of attorney granted per
    # person an hour (three times that per address), messages sent per person an hour; the proxies in front.
    logins_per_minute: int
    grants_per_hour: int
    messages_per_hour: int
    proxy_hops: int
    # How long sent notices (with their addresses) and the usage log are kept (homecare/maintenance.py).
    outbox_retention_days: int
    usage_log_retention_days: int

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
        redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
        attachments_dir=Path(os.environ.get("HOMECARE_ATTACHMENTS_DIR") or DEFAULT_ATTACHMENTS_DIR),
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
        sendgrid_api_key=os.environ.get("HOMECARE_SENDGRID_API_KEY") or None,
        sendgrid_host=os.environ.get("HOMECARE_SENDGRID_HOST", "https://api.sendgrid.com").rstrip("/"),
        email_from_address=os.environ.get("HOMECARE_EMAIL_FROM", "varsel@hjemmetjenester.example"),
        email_from_name=os.environ.get("HOMECARE_EMAIL_FROM_NAME", "Kommunale hjemmetjenester"),
        sms_gateway_url=(os.environ.get("HOMECARE_SMS_GATEWAY_URL") or "").rstrip("/") or None,
        sms_gateway_token=os.environ.get("HOMECARE_SMS_GATEWAY_TOKEN") or None,
        sms_sender_id=os.environ.get("HOMECARE_SMS_SENDER", "Hjemmetj"),
        quiet_hours=QuietHours(
            start=time.fromisoformat(os.environ.get("HOMECARE_SMS_QUIET_FROM", "21:00")),
            end=time.fromisoformat(os.environ.get("HOMECARE_SMS_QUIET_UNTIL", "08:00")),
        ),
        sms_bundle_seconds=int(os.environ.get("HOMECARE_SMS_BUNDLE_SECONDS", "120")),
        retry_policy=RetryPolicy(max_attempts=int(os.environ.get("HOMECARE_NOTIFY_MAX_ATTEMPTS", "30"))),
        dispatcher_in_app=_flag("HOMECARE_DISPATCHER_IN_APP", default=True),
        dispatch_interval_seconds=float(os.environ.get("HOMECARE_DISPATCH_INTERVAL_SECONDS", "2")),
        api_requests_per_minute=int(os.environ.get("HOMECARE_API_REQUESTS_PER_MINUTE", "600")),
        api_max_body_bytes=int(os.environ.get("HOMECARE_API_MAX_BODY_BYTES", str(64 * 1024))),
        json_logs=_flag("HOMECARE_JSON_LOGS", default=production),
        metrics_token=os.environ.get("HOMECARE_METRICS_TOKEN") or None,
        logins_per_minute=int(os.environ.get("HOMECARE_LOGINS_PER_MINUTE", "20")),
        grants_per_hour=int(os.environ.get("HOMECARE_GRANTS_PER_HOUR", "10")),
        messages_per_hour=int(os.environ.get("HOMECARE_MESSAGES_PER_HOUR", "30")),
        proxy_hops=int(os.environ.get("HOMECARE_PROXY_HOPS", "0")),
        outbox_retention_days=int(os.environ.get("HOMECARE_OUTBOX_RETENTION_DAYS", "30")),
        usage_log_retention_days=int(os.environ.get("HOMECARE_USAGE_LOG_RETENTION_DAYS", "1095")),
    )


# A shared secret shorter than this is a default or a guess, not a secret.
MIN_SECRET_LENGTH = 16


def production_problems(settings: Settings) -> list[str]:
    """What makes these settings unsafe to run in production; empty when nothing does."""
    if not settings.is_production:
        return []
    problems = []
    if settings.database_url.startswith("sqlite"):
        problems.append("REFLEX_DB_URL is SQLite: production needs PostgreSQL, shared by all workers")
    if not settings.redis_url:
        problems.append("REFLEX_REDIS_URL is not set: several workers need Redis to share the pages' state")
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
    if not settings.sendgrid_api_key:
        problems.append(
            "HOMECARE_SENDGRID_API_KEY is not set (e-mail would only reach the development outbox)"
        )
    if not (settings.sms_gateway_url and settings.sms_gateway_token):
        problems.append(
            "HOMECARE_SMS_GATEWAY_URL and _TOKEN are not set (SMS would only reach the development outbox)"
        )
    if not settings.metrics_token:
        problems.append("HOMECARE_METRICS_TOKEN is not set (/metrics would be open to anyone)")
    elif len(settings.metrics_token) < MIN_SECRET_LENGTH:
        problems.append(f"HOMECARE_METRICS_TOKEN is shorter than {MIN_SECRET_LENGTH} characters")
    return problems


def origin_problems(settings: Settings, allowed_origins: Sequence[str]) -> list[str]:
    """The backend must answer the portal's own address and nothing else (REFLEX_CORS_ALLOWED_ORIGINS)."""
    if not settings.is_production:
        return []
    if "*" in allowed_origins:
        return ["REFLEX_CORS_ALLOWED_ORIGINS allows every origin (*)"]
    if strangers := [origin for origin in allowed_origins if origin.rstrip("/") != settings.public_url]:
        return [f"REFLEX_CORS_ALLOWED_ORIGINS allows other origins than HOMECARE_PUBLIC_URL: {strangers}"]
    return []
