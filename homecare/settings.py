"""One typed settings object, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'homecare.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything the portal can be configured with; secrets come only from the environment."""

    database_url: str
    default_language: str
    terms_version: str


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings(
        database_url=os.environ.get("REFLEX_DB_URL", DEFAULT_DATABASE_URL),
        default_language=os.environ.get("HOMECARE_DEFAULT_LANGUAGE", "nb"),
        terms_version=os.environ.get("HOMECARE_TERMS_VERSION", "2026-1"),
    )
