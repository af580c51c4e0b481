"""Reflex configuration. Every setting can be overridden with a REFLEX_-prefixed environment variable."""

from pathlib import Path

import reflex as rx
from reflex.plugins import RadixThemesPlugin, SitemapPlugin

from homecare.components.theme import DesignSystemPlugin
from homecare.settings import get_settings

# bun from the npm registry, put there by scripts/setup.sh; Reflex would otherwise try to download it.
BUN = Path(__file__).resolve().parent / ".tools" / "bun" / "node_modules" / "bun" / "bin" / "bun.exe"

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
