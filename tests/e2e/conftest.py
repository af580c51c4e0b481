"""Browser tests: one production server with the demo cast for the session, Chromium from Debian."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from homecare.auth.dev_idp import running_dev_idp
from homecare.db import make_engine
from homecare.domain.time_zone import OSLO
from homecare.services.demo_cast import seed_demo_cast
from homecare.settings import PROJECT_ROOT, get_settings
from tests.chromium import CHROMIUM_PATH, chromium_args
from tests.conftest import migrate
from tests.portal_client import wait_until_up

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def portal_port() -> int:
    return _free_port()


@pytest.fixture(scope="session")
def identity_provider(portal_port: int) -> Iterator[str]:
    """The development identity provider on loopback, registered for the portal's address."""
    public_url = f"http://localhost:{portal_port}"
    settings = replace(
        get_settings(),
        public_url=public_url,
        oidc_redirect_uri=f"{public_url}/auth/callback",
        oidc_post_logout_redirect_uri=f"{public_url}/auth/logged-out",
    )
    with running_dev_idp(settings) as issuer:
        yield issuer


@pytest.fixture(scope="session")
def portal_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The portal's database, migrated and holding the demo cast; tests may set the scene in it."""
    folder = tmp_path_factory.mktemp("database")
    database_url = f"sqlite:///{folder / 'homecare.db'}"
    migrate(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        seed_demo_cast(session, datetime.now(UTC).astimezone(OSLO).date())
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def portal_url(
    tmp_path_factory: pytest.TempPathFactory,
    portal_port: int,
    identity_provider: str,
    portal_database: Engine,
) -> Iterator[str]:
    """Start `reflex run --env prod` on a free port, on the test database, logging in at the test provider."""
    folder = tmp_path_factory.mktemp("portal")
    database_url = portal_database.url.render_as_string(hide_password=False)
    port = portal_port
    url = f"http://localhost:{port}"
    bin_folder = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_DB_URL": database_url,
        "REFLEX_API_URL": url,
        "HOMECARE_PUBLIC_URL": url,
        "HOMECARE_OIDC_ISSUER": identity_provider,
        "HOMECARE_ATTACHMENTS_DIR": str(folder / "attachments"),
        # Notices go at once (no waiting to bundle SMS), so a test sees them in the development outbox.
        "HOMECARE_SMS_BUNDLE_SECONDS": "0",
        "HOMECARE_DISPATCH_INTERVAL_SECONDS": "0.5",
        "REFLEX_TELEMETRY_ENABLED": "false",
        # Every test logs in from this one address, faster than any person would.
        "HOMECARE_LOGINS_PER_MINUTE": "10000",
        # The cast grants and writes more often in these tests than a person in an hour (the limits
        # themselves are tested in tests/integration/test_abuse_limits.py).
        "HOMECARE_GRANTS_PER_HOUR": "1000",
        "HOMECARE_MESSAGES_PER_HOUR": "1000",
        # The workers' metrics, summed by whichever worker is scraped.
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
    }
    (folder / "metrics").mkdir()
    if redis_url := os.environ.get("HOMECARE_TEST_REDIS_URL"):
        # As in production: two workers that keep the pages' state in Redis, so any event may meet either.
        env |= {"REFLEX_REDIS_URL": redis_url, "GRANIAN_WORKERS": "2"}
    log = folder / "portal.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod",
             "--frontend-port", str(port), "--backend-port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_up(f"{url}/ping", process, log)
        wait_until_up(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Debian's Chromium; Playwright's own browser download is not available here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": chromium_args(),
    }


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(browser: Browser, request: pytest.FixtureRequest, portal_url: str) -> Iterator[Page]:
    """A fresh browser (no remembered language) at phone or desktop size."""
    yield from watched_page(browser, portal_url, request.param)


def watched_page(browser: Browser, portal_url: str, viewport: str, **options: Any) -> Iterator[Page]:
    """A page in a browser of its own that must not break its Content-Security-Policy until it is closed."""
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="nb-NO", base_url=portal_url, **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    refused = policy_refusals(page)
    yield page
    context.close()
    assert refused == [], "the page broke its Content-Security-Policy"


def policy_refusals(page: Page) -> list[str]:
    """What the browser refused because of the Content-Security-Policy, as it happens on the page."""
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    return refused


def norwegian_page(browser: Browser, portal_url: str, viewport: str) -> Page:
    """A page in a browser of its own that asks for Bokmål, as the tests' people's browsers do."""
    return browser.new_context(viewport=VIEWPORTS[viewport], locale="nb-NO", base_url=portal_url).new_page()


# Two workers, a dispatcher and Chromium share two cores in CI: a page's first answer after a login can take
# longer than Playwright's default 5 s while the other worker is busy.
expect.set_options(timeout=10_000)

_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe finds no violations on the page as it is now."""
    results = _axe.run(page)
    violations = results.response["violations"]
    summary = [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in violations
    ]
    assert violations == [], "\n".join(summary)
