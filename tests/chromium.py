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
