"""`scripts/run --prod`: the production set-up on one machine, as an operator tries it.

It refuses unsafe settings before building anything; with safe ones it serves the exported frontend through
nginx over https, forwards the app's routes and the websocket, and a person logs in through it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session

from homecare.auth.dev_idp import running_dev_idp
from homecare.db import make_engine
from homecare.domain.time_zone import OSLO
from homecare.models.columns import utc_now
from homecare.services.demo_cast import INGRID, KARI, seed_demo_cast
from homecare.settings import PROJECT_ROOT, get_settings
from tests.conftest import migrate
from tests.e2e.conftest import VIEWPORTS, _free_port
from tests.e2e.scenes import give_consent, log_in
from tests.integration.stub_servers import unused_port_url

POSTGRES_URL = os.environ.get("HOMECARE_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("HOMECARE_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL), reason="scripts/test starts PostgreSQL and Redis"),
]

# What a production host has of the project: the code, the scripts, the migrations and the pins.
CHECKOUT = (
    "homecare", "scripts", "deploy", "alembic", "assets", "reflex.lock", "rxconfig.py", "alembic.ini",
    "requirements.txt", "requirements-dev.txt", "constraints.txt", "pyproject.toml",
)  # fmt: skip
SECRET = "trial-client-secret-from-the-vault"
METRICS_TOKEN = "trial-metrics-token-from-the-vault"
START_TIMEOUT = 420


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout of its own: the trial exports the frontend into it, apart from the other tests' portal."""
    folder = tmp_path_factory.mktemp("production") / "homecare"
    folder.mkdir()
    for name in CHECKOUT:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    # The same installed packages and tools (a host would install them; scripts/run --prod checks them).
    for name in (".venv", ".tools"):
        (folder / name).symlink_to(PROJECT_ROOT / name)
    return folder


def _clean_environment() -> dict[str, str]:
    """The test run's environment without any of the portal's settings."""
    kept = {
        name: value for name, value in os.environ.items() if not name.startswith(("HOMECARE_", "REFLEX_"))
    }
    return kept | {"PATH": f"{PROJECT_ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}


def test_unsafe_settings_are_refused_before_anything_starts(checkout: Path) -> None:
    env = _clean_environment() | {"REFLEX_CORS_ALLOWED_ORIGINS": "*"}
    refused = subprocess.run(
        [str(checkout / "scripts" / "run"), "--prod"], cwd=checkout, env=env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert refused.returncode == 1, refused.stdout + refused.stderr
    for problem in (
        "REFLEX_DB_URL is SQLite",
        "REFLEX_REDIS_URL is not set",
        "HOMECARE_OIDC_ISSUER is the development identity provider",
        "HOMECARE_PUBLIC_URL is not https",
        "HOMECARE_METRICS_TOKEN is not set",
        "allows every origin (*)",
    ):
        assert problem in refused.stderr
    assert not (checkout / ".web" / "build").exists(), "nothing is built with unsafe settings"
    assert not (checkout / "data" / "production").exists(), "nor started"


@pytest.fixture(scope="module")
def trial_database() -> Iterator[str]:
    """A database of the trial's own on the test server, with the cast (production never seeds it)."""
    assert POSTGRES_URL is not None
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "homecare_production" WITH (FORCE)'))
        connection.execute(text('CREATE DATABASE "homecare_production"'))
    url = make_url(POSTGRES_URL).set(database="homecare_production").render_as_string(hide_password=False)
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo_cast(session, utc_now().astimezone(OSLO).date())
        session.commit()
    give_consent(engine, KARI)
    engine.dispose()
    # The pooled connection may not outlive the server: the fault tests restart it.
    admin.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "homecare_production" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def production(
    checkout: Path, trial_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`scripts/run --prod` with safe settings: nginx on a free https port, two workers, a dispatcher."""
    https_port, backend_port = _free_port(), _free_port()
    # Not "localhost": over https Reflex's client takes a localhost backend to be on port 443.
    public_url = f"https://127.0.0.1:{https_port}"
    provider_settings = replace(
        get_settings(),
        public_url=public_url,
        oidc_client_secret=SECRET,
        oidc_redirect_uri=f"{public_url}/auth/callback",
        oidc_post_logout_redirect_uri=f"{public_url}/auth/logged-out",
    )
    assert REDIS_URL is not None
    env = _clean_environment() | {
        "REFLEX_DB_URL": trial_database,
        # A Redis database apart from the other tests' portal's.
        "REFLEX_REDIS_URL": REDIS_URL.rsplit("/", 1)[0] + "/1",
        "HOMECARE_PUBLIC_URL": public_url,
        "HOMECARE_HTTPS_PORT": str(https_port),
        "HOMECARE_BACKEND_PORT": str(backend_port),
        "HOMECARE_OIDC_CLIENT_SECRET": SECRET,
        "HOMECARE_SENDGRID_API_KEY": "SG.trial",
        "HOMECARE_SENDGRID_HOST": unused_port_url(),
        "HOMECARE_SMS_GATEWAY_URL": unused_port_url(),
        "HOMECARE_SMS_GATEWAY_TOKEN": "trial",
        "HOMECARE_METRICS_TOKEN": METRICS_TOKEN,
        "HOMECARE_ATTACHMENTS_DIR": str(tmp_path_factory.mktemp("production-attachments")),
        "HOMECARE_WORKERS": "2",
        "HOMECARE_PROXY_HOPS": "1",
        "HOMECARE_DISPATCHERS": "1",
    }
    log = checkout / "production.log"
    with running_dev_idp(provider_settings) as issuer, log.open("wb") as output:
        env["HOMECARE_OIDC_ISSUER"] = issuer
        script = subprocess.Popen(
            [str(checkout / "scripts" / "run"), "--prod"], cwd=checkout, env=env,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_ready(f"{public_url}/readyz", script, log)
            yield public_url
        finally:
            _stop(script)


def _wait_until_ready(url: str, script: subprocess.Popen[bytes] | None, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if script is not None and script.poll() is not None:
            ended = f"scripts/run --prod ended with {script.returncode}"
            raise RuntimeError(f"{ended}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, verify=False, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"no answer from {url} in {START_TIMEOUT} s:\n{log.read_text()[-4000:]}")


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc (the script starts each in a session of its own)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _stop(script: subprocess.Popen[bytes]) -> None:
    """Ctrl+C's signal to the script, which stops what it started; anything left is killed."""
    processes = _descendants(script.pid)
    script.send_signal(signal.SIGTERM)
    try:
        script.wait(timeout=30)
    except subprocess.TimeoutExpired:
        script.kill()
    deadline = time.monotonic() + 15
    alive = processes
    while alive and time.monotonic() < deadline:
        time.sleep(0.5)
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists()}
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_the_frontend_and_the_apps_routes_come_through_nginx(production: str) -> None:
    with httpx.Client(base_url=production, verify=False) as client:
        front = client.get("/")
        assert front.status_code == 200 and "<html" in front.text
        assert front.headers["strict-transport-security"].startswith("max-age=")
        policy = front.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "'sha256-" in policy and "unsafe-eval" not in policy
        assert front.headers["x-content-type-options"] == "nosniff"
        assert "server" not in front.headers or front.headers["server"] == "nginx", "no version shown"
        # The backend's answers carry the same headers once (not again from nginx).
        health = client.get("/healthz")
        assert health.headers.get_list("content-security-policy") == [policy]
        hsts = front.headers["strict-transport-security"]
        assert health.headers.get_list("strict-transport-security") == [hsts]
        # A thread's address is no file: the app's shell answers it.
        assert client.get("/meldinger/a-thread-of-someone").status_code == 200
        ready = client.get("/readyz").json()
        assert (ready["database"], ready["redis"]) == ("ok", "ok")
        assert len(client.get("/healthz").headers["x-request-id"]) == 32, "nginx names the request"
        assert client.get("/metrics").status_code == 401
        scraped = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert "homecare_outbox" in scraped.text
        assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")
        assert client.get("/api/v1/service-units").status_code == 401


def test_the_backend_logs_json_lines_reflexs_own_records_too(checkout: Path, production: str) -> None:
    records = [
        json.loads(line)
        for line in (checkout / "production.log").read_text(errors="replace").splitlines()
        if line.startswith("{")
    ]
    started = [record for record in records if record.get("logger", "").startswith("reflex")]
    assert started, "Reflex's own records are JSON lines (REFLEX_LOG_JSON), not coloured text"
    assert all({"level", "message"} <= record.keys() for record in records)


def test_a_person_logs_in_and_reads_messages_through_the_proxy(browser: Browser, production: str) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nb-NO", base_url=production, ignore_https_errors=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        log_in(page, KARI)
        expect(page.get_by_role("banner").get_by_text(KARI.full_name)).to_be_visible()
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        session_cookie = next(cookie for name, cookie in cookies.items() if name.startswith("__Host-"))
        assert session_cookie["secure"] and session_cookie["httpOnly"]
        page.goto("/meldinger")
        expect(page.get_by_role("heading", name="Meldinger", level=1)).to_be_visible()
    finally:
        context.close()


# Faults: the database and the state store restart under a person using the portal.


def _as_postgres(*command: str) -> None:
    """Run a PostgreSQL tool as the cluster's owner (the server will not run as root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def postgres_stopped() -> Iterator[None]:
    """The test run's PostgreSQL is down inside the block, and up again (same port, same data) after it."""
    data = Path(os.environ["HOMECARE_TEST_POSTGRES_DATA"])
    pg_ctl = str(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1])
    # The server's own command line: started again with the same options.
    options = shlex.split((data / "postmaster.opts").read_text())[1:]
    options = [option for option in options if option not in ("-D", str(data))]
    _as_postgres(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    try:
        yield
    finally:
        _as_postgres(
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-l",
            str(data.parent / "server.log"),
            "-o",
            shlex.join(options),
            "start",
        )


def restart_redis() -> None:
    """Shut the test run's Redis down (its keys are lost: it keeps nothing on disk) and start it again."""
    folder = Path(os.environ["HOMECARE_TEST_REDIS_DIR"])
    port = str(urlsplit(os.environ["HOMECARE_TEST_REDIS_URL"]).port)
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True, timeout=30)
    pid = folder / "redis.pid"
    deadline = time.monotonic() + 15
    while pid.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    subprocess.run(
        [
            "redis-server", "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--dir", str(folder), "--pidfile", str(pid),
            "--logfile", str(folder / "redis.log"),
        ],
        check=True,
        timeout=30,
    )  # fmt: skip


def _karis_phone(browser: Browser, production: str) -> Page:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nb-NO", base_url=production, ignore_https_errors=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, KARI)
    expect(page.get_by_role("heading", level=1, name=f"Hei, {KARI.full_name}")).to_be_visible()
    return page


def _open_messages(page: Page) -> None:
    page.get_by_role("navigation").get_by_role("link", name=re.compile("^Meldinger")).click()


def test_while_the_database_restarts_a_person_is_told_so_and_the_portal_recovers(
    browser: Browser, production: str
) -> None:
    page = _karis_phone(browser, production)
    try:
        with postgres_stopped():
            _open_messages(page)
            expect(page.get_by_role("alert")).to_contain_text("Tjenesten er midlertidig utilgjengelig")
            expect(page.get_by_role("main")).not_to_contain_text("Traceback")
        page.get_by_role("alert").get_by_role("button", name="Lukk").click()
        page.get_by_role("navigation").get_by_role("link", name="Min side").click()
        _open_messages(page)
        expect(page.get_by_role("heading", level=1, name="Meldinger")).to_be_visible()
        expect(page.get_by_role("banner").get_by_text(KARI.full_name)).to_be_visible()
    finally:
        page.context.close()


def test_after_a_redis_restart_the_person_is_still_logged_in(browser: Browser, production: str) -> None:
    page = _karis_phone(browser, production)
    try:
        restart_redis()
        _open_messages(page)
        expect(page.get_by_role("heading", level=1, name="Meldinger")).to_be_visible()
        expect(page.get_by_role("banner").get_by_text(KARI.full_name)).to_be_visible()
    finally:
        page.context.close()


def _backend_processes(checkout: Path) -> list[psutil.Process]:
    """The trial's backend, `reflex run --backend-only` and its workers (not the loop that restarts it)."""
    found: list[psutil.Process] = []
    for process in psutil.process_iter(["cmdline", "cwd"]):
        if "--backend-only" in (process.info["cmdline"] or []) and process.info["cwd"] == str(checkout):
            found += [process, *process.children(recursive=True)]
    return found


def test_a_backend_killed_while_ingrid_writes_comes_back_and_nothing_is_lost(
    browser: Browser, production: str, checkout: Path, trial_database: str
) -> None:
    engine = make_engine(trial_database)
    give_consent(engine, INGRID)
    engine.dispose()
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nb-NO", base_url=production, ignore_https_errors=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        log_in(page, INGRID)
        page.get_by_role("navigation").get_by_role("link", name="Bytt person").click()
        page.get_by_role("button", name="Velg Kari Nordmann").click()
        expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()
        _open_messages(page)
        page.get_by_role("link", name="Question about medication").click()
        text = "Vi er hjemme hele dagen på fredag."
        page.get_by_label("Melding", exact=True).fill(text)

        backend = _backend_processes(checkout)
        assert backend, "the trial's backend is running"
        # The page connects again by itself once the backend is back: a new websocket.
        with page.expect_websocket(timeout=START_TIMEOUT * 1000):
            for process in backend:
                process.kill()
            psutil.wait_procs(backend, timeout=15)
            _wait_until_ready(f"{production}/readyz", None, checkout / "production.log")

        # Ingrid is still logged in, still acting for Kari, and the text she was writing is in the form again
        # (the page loaded anew over the new connection: the text came back from the tab).
        expect(page.get_by_text("Du bruker tjenesten på vegne av Kari Nordmann")).to_be_visible()
        expect(page.get_by_label("Melding", exact=True)).to_have_value(text)
        expect(page.get_by_text(f"{len(text)}/4000 tegn")).to_be_visible()
    finally:
        context.close()
