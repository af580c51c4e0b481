"""Debian's Chromium, as the browser tests and the page-weight benchmark start it."""

CHROMIUM_PATH = "/usr/bin/chromium"
# Without the background-networking switches Chromium keeps dialling out, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_args(accept_language: str = "nb-NO") -> list[str]:
    """The switches, with the languages the browser asks for. Chromium sends its own default languages when
    it opens a websocket, whatever a Playwright context's locale says (only pages' requests follow that):
    the portal reads the first visit's language from its websocket, so the browser must ask for it too."""
    return [*CHROMIUM_ARGS, f"--accept-lang={accept_language}"]
