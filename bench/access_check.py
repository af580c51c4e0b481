"""What the access check costs each event, without the websocket around it.

    .venv/bin/python -m bench.access_check                      # SQLite in a temporary folder
    .venv/bin/python -m bench.access_check --database-url URL   # PostgreSQL (a database of its own)

Every event that touches a person's data opens a database session and runs what `SessionState._access`
runs: the one access check (the session, the actor, the terms, the person acted for and the power of
attorney; a usage-log row when a representative reads), the unread count for the header's badge, and the
commit. This times exactly that, over the demo cast: Kari on her own page, Ingrid acting for Kari (with and
without a usage-log row), and a refused cookie. It prints, per case, the SQL statements sent, the CPU time
of this process (the portal's event loop pays it) and the wall time, as p50 and p95 over many rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from homecare.auth.sessions import start_session
from homecare.db import make_engine, session_scope
from homecare.domain.working_days import oslo_date
from homecare.migrations import migrate
from homecare.models.columns import utc_now
from homecare.services.access import AccessDenied, check_access, switch_subject
from homecare.services.demo_cast import CAST, seed_demo_cast
from homecare.services.terms import accept
from homecare.services.usage_log import UsageAction
from homecare.settings import get_settings

DATABASE_NAME = "homecare_accessbench"


@dataclass(frozen=True)
class Case:
    name: str
    token: str
    action: UsageAction | None = None


@dataclass(frozen=True)
class Measured:
    statements: float
    cpu_p50: float
    cpu_p95: float
    wall_p50: float
    wall_p95: float


def _database(url: str | None, folder: Path) -> str:
    if url is None:
        url = f"sqlite:///{folder / 'homecare.db'}"
    else:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{DATABASE_NAME}"'))
        admin.dispose()
        url = make_url(url).set(database=DATABASE_NAME).render_as_string(hide_password=False)
    migrate(url)
    return url


def _cases(engine: Engine) -> list[Case]:
    """Logins of the demo cast: Kari as herself, Ingrid acting for Kari."""
    settings = get_settings()
    now = utc_now()
    people = {member.key: member for member in CAST}
    with session_scope(engine) as db:
        seed_demo_cast(db, oslo_date(now))
        ids = {key: _person_id(db, member.national_id) for key, member in people.items()}
        for key in ("kari", "ingrid"):
            accept(db, ids[key], settings.terms_version, now)
        tokens = {key: _log_in(db, ids[key]) for key in ("kari", "ingrid")}
    with session_scope(engine) as db:
        ingrid = check_access(db, settings, tokens["ingrid"], utc_now())
        assert switch_subject(db, ingrid, ids["kari"], utc_now())
    return [
        Case("Kari, her own page", tokens["kari"]),
        Case("Ingrid acting for Kari", tokens["ingrid"]),
        Case("Ingrid acting for Kari, a read logged", tokens["ingrid"], UsageAction.READ_MESSAGES),
        Case("a cookie that is no session (refused)", "no-such-session"),
    ]


def _log_in(db: Session, person_id: int) -> str:
    return start_session(
        db, get_settings(), actor_id=person_id, idp_sid=None, id_token_hint=None, language="nb",
        user_agent="bench", now=utc_now(),
    )  # fmt: skip


def _person_id(db: Session, national_id: str) -> int:
    found = db.exec(text("SELECT id FROM person WHERE national_id = :n").bindparams(n=national_id)).first()
    assert found is not None, national_id
    return int(found[0])


def _event(engine: Engine, case: Case) -> None:
    """What `SessionState._access` does for one event."""
    with session_scope(engine) as db:
        try:
            access = check_access(db, get_settings(), case.token, utc_now(), action=case.action)
        except AccessDenied:
            return
        assert access.unread_messages >= 0


def _measure(engine: Engine, run: Callable[[], None], rounds: int) -> Measured:
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    for _ in range(max(rounds // 10, 5)):
        run()  # warm the connection pool and SQLAlchemy's statement cache
    cpu: list[float] = []
    wall: list[float] = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(rounds):
            started_cpu, started = time.process_time(), time.perf_counter()
            run()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18]

    return Measured(
        statements=statements / rounds,
        cpu_p50=statistics.median(cpu),
        cpu_p95=p95(cpu),
        wall_p50=statistics.median(wall),
        wall_p95=p95(wall),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="a PostgreSQL server; default: SQLite in a temporary folder")
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accessbench-") as folder:
        url = _database(args.database_url, Path(folder))
        engine = make_engine(url)
        cases = _cases(engine)
        print(f"{make_url(url).get_backend_name()}, {args.rounds} rounds each\n")
        print("| event's access check | SQL statements | CPU p50 ms | CPU p95 ms | wall p50 | wall p95 |")
        print("|---|---:|---:|---:|---:|---:|")
        for case in cases:
            measured = _measure(engine, lambda case=case: _event(engine, case), args.rounds)
            print(
                f"| {case.name} | {measured.statements:.1f} | {measured.cpu_p50:.2f} "
                f"| {measured.cpu_p95:.2f} | {measured.wall_p50:.2f} | {measured.wall_p95:.2f} |"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
