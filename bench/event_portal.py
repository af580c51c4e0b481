"""A production portal for the event-load benchmark: its own database, identity provider and ports.

`reflex run --env prod` as `scripts/run` runs it, in one of two set-ups:

- `sqlite`: one worker, the disk state manager, SQLite in a temporary folder;
- `postgres-redis`: `--workers` workers that keep the state in Redis, on a fresh PostgreSQL database. The
  servers are the throwaway ones of `scripts/test_servers.sh` (`HOMECARE_TEST_POSTGRES_URL`,
  `HOMECARE_TEST_REDIS_URL`).

The database gets the demo cast (for the places) and the synthetic load cast. The development identity
provider runs as a process of its own, so the logins do not share the load generator's event loop.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.load_cast import seed_load_cast
from homecare.db import make_engine
from homecare.domain.time_zone import OSLO
from homecare.services.demo_cast import seed_demo_cast
from homecare.settings import PROJECT_ROOT
from tests.portal_client import wait_until_up

SQLITE, POSTGRES_REDIS = "sqlite", "postgres-redis"
SETUPS = (SQLITE, POSTGRES_REDIS)
UNLIMITED = 1_000_000


@dataclass(frozen=True)
class Portal:
    """A portal to measure: its address, the processes whose CPU time counts, its log if started here."""

    url: str
    description: str
    processes: tuple[psutil.Process, ...]
    log: Path | None = None

    def log_tail(self, characters: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log else ""

    def logged_errors(self) -> list[str]:
        """The errors the portal has logged so far (a state write refused, an event that failed): JSON records
        at level error, or a traceback's first line in a plain log."""
        if not self.log:
            return []
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if '"level": "error"' in line
            or '"level": "critical"' in line
            or line.startswith(("ERROR", "CRITICAL", "Traceback (most recent call last)"))
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_processes(root_pid: int) -> tuple[psutil.Process, ...]:
    """The process and all its descendants (Granian's workers among them)."""
    root = psutil.Process(root_pid)
    return (root, *root.children(recursive=True))


def processes_listening_on(port: int) -> tuple[psutil.Process, ...]:
    """The processes listening on `port` and their descendants: the CPU of a portal started elsewhere."""
    found: dict[int, psutil.Process] = {}
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
            for process in portal_processes(connection.pid):
                found[process.pid] = process
    return tuple(found.values())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def _postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    name = f"homecare_event_load_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _prepare_database(database_url: str, environment: dict[str, str], users: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=PROJECT_ROOT, env=environment, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    today = datetime.now(UTC).astimezone(OSLO).date()
    engine = make_engine(database_url)
    with Session(engine) as db:
        seed_demo_cast(db, today)
        seed_load_cast(db, users, today)
        db.commit()
    engine.dispose()


@contextmanager
def started_portal(
    setup: str, users: int, *, workers: int, postgres_url: str | None, redis_url: str | None
) -> Iterator[Portal]:
    """Start the portal in the given set-up with a load cast of `users`; stop it and clean up afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="homecare-event-load-"))
    try:
        with (
            _database(setup, folder, postgres_url) as database_url,
            _running(setup, users, folder, database_url, workers=workers, redis_url=redis_url) as portal,
        ):
            yield portal
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _database(setup: str, folder: Path, postgres_url: str | None) -> Iterator[str]:
    if setup == SQLITE:
        yield f"sqlite:///{folder / 'homecare.db'}"
        return
    if not postgres_url:
        raise SystemExit(
            "postgres-redis needs a PostgreSQL server: --postgres-url or HOMECARE_TEST_POSTGRES_URL "
            "(source scripts/test_servers.sh; start_test_servers)"
        )
    with _postgres_database(postgres_url) as url:
        yield url


@contextmanager
def _running(
    setup: str, users: int, folder: Path, database_url: str, *, workers: int, redis_url: str | None
) -> Iterator[Portal]:
    port, idp_port = free_port(), free_port()
    url = f"http://localhost:{port}"
    bin_folder = str(Path(sys.executable).parent)
    environment = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_DB_URL": database_url,
        "REFLEX_API_URL": url,
        "HOMECARE_PUBLIC_URL": url,
        "HOMECARE_OIDC_ISSUER": f"http://127.0.0.1:{idp_port}",
        "HOMECARE_DEV_IDP_KEY_FILE": str(folder / "dev-idp-key.pem"),
        "HOMECARE_ATTACHMENTS_DIR": str(folder / "attachments"),
        "REFLEX_TELEMETRY_ENABLED": "false",
        # Every simulated user comes from the same loopback address and sends a message every few seconds:
        # the abuse limits would refuse them, and measuring the refusals is not the point.
        "HOMECARE_LOGINS_PER_MINUTE": str(UNLIMITED),
        "HOMECARE_MESSAGES_PER_HOUR": str(UNLIMITED),
    }
    environment.pop("REFLEX_REDIS_URL", None)
    environment.pop("GRANIAN_WORKERS", None)
    description = "1 worker, disk state manager, SQLite"
    if setup == POSTGRES_REDIS:
        if not redis_url:
            raise SystemExit(
                "postgres-redis needs a Redis server: --redis-url or HOMECARE_TEST_REDIS_URL "
                "(source scripts/test_servers.sh; start_test_servers)"
            )
        # As scripts/run --prod runs it: logs as JSON lines (Reflex's own too, which are cheaper so), and
        # Reflex's opportunistic lock on (rxconfig.py; REFLEX_OPLOCK_ENABLED=false in the environment
        # measures without it).
        environment |= {
            "REFLEX_REDIS_URL": redis_url,
            "GRANIAN_WORKERS": str(workers),
            "REFLEX_LOG_JSON": "true",
        }
        description = f"{workers} workers, Redis state manager, PostgreSQL"
    _prepare_database(database_url, environment, users)

    idp_log, portal_log = folder / "dev-idp.log", folder / "portal.log"
    with idp_log.open("wb") as idp_output, portal_log.open("wb") as portal_output:
        idp = subprocess.Popen(
            [sys.executable, "-m", "homecare.auth.dev_idp", "--port", str(idp_port)],
            cwd=PROJECT_ROOT, env=environment, stdout=idp_output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        portal = subprocess.Popen(
            [sys.executable, "-m", "reflex", "run", "--env", "prod",
             "--frontend-port", str(port), "--backend-port", str(port)],
            cwd=PROJECT_ROOT, env=environment, stdout=portal_output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_up(f"{environment['HOMECARE_OIDC_ISSUER']}/.well-known/openid-configuration", idp, idp_log)
        wait_until_up(f"{url}/ping", portal, portal_log)
        wait_until_up(url, portal, portal_log)
        yield Portal(url, description, portal_processes(portal.pid), portal_log)
    finally:
        _stop(portal)
        _stop(idp)
