"""Reflex configuration. Every setting can be overridden with a REFLEX_-prefixed environment variable."""

import os
from pathlib import Path

import reflex as rx
from reflex.plugins import RadixThemesPlugin, SitemapPlugin

from homecare.components.theme import DesignSystemPlugin
from homecare.settings import get_settings

# bun from the npm registry, put there by scripts/setup.sh; Reflex would otherwise try to download it.
BUN = Path(__file__).resolve().parent / ".tools" / "bun" / "node_modules" / "bun" / "bin" / "bun.exe"

if os.environ.get("REFLEX_REDIS_URL"):
    # Several workers share the pages' state in Redis. With the opportunistic lock, the worker that handled a
    # page's event keeps its state for a while, so the next events of a navigation need no round trips to
    # Redis; another worker that needs the state has it let go at once (homecare/state_lock_names.py). Held
    # for 2 s, not Reflex's 5 s: at 1,000 users a 5 s hold ran past the lock's 10 s expiry
    # (docs/performance.md). Reflex reads both from the environment only.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    if "REFLEX_OPLOCK_HOLD_TIME_MS" not in os.environ:  # Reflex's older name for it wins if set
        os.environ.setdefault("REFLEX_OPLOCK_HOLD_TIME", "2s")

config = rx.Config(
    app_name="homecare",
    db_url=get_settings().database_url,
    plugins=[DesignSystemPlugin()],
    # The national design system gives the look; Radix Themes would override its fonts.
    disable_plugins=[SitemapPlugin, RadixThemesPlugin],
    show_built_with_reflex=False,
    telemetry_enabled=False,
    # The browser may talk to the backend (websocket and HTTP) only from the portal's own address.
    cors_allowed_origins=[get_settings().public_url],
    **({"bun_path": BUN} if BUN.exists() else {}),
)
