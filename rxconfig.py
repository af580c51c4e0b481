"""Reflex configuration. Every setting can be overridden with a REFLEX_-prefixed environment variable."""

import reflex as rx
from reflex.plugins import RadixThemesPlugin, SitemapPlugin

from homecare.components.theme import DesignSystemPlugin
from homecare.settings import get_settings

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
)
