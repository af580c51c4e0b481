"""The portal's page queries on PostgreSQL at the size of a whole country.

    .venv/bin/python -m bench.country_scale                 # 1,000,000 persons (several minutes to fill)
    .venv/bin/python -m bench.country_scale --scale 0.01    # 10,000 persons, for a quick run
    .venv/bin/python -m bench.country_scale --reuse         # time again on the database filled before

The database server comes from `--database-url` (default: HOMECARE_TEST_POSTGRES_URL, as scripts/test sets
it); the benchmark makes a database of its own there (`--database-name`, default homecare_country), brings
it to the newest schema with Alembic and fills it (see bench/country_data.py). With `--reuse` it only
migrates it (new indexes are built on the data already there) and times again.

It times the real service functions, each over many persons and over the heaviest one, and prints p50, p95
and p99 per page query; the goal is a p95 under 20 ms. Then it runs each function once more with its SQL
captured, runs that SQL under EXPLAIN (ANALYZE, BUFFERS) and tells which indexes each statement used, or
that it read a big table whole or sorted many rows. What writes (opening a thread marks it read) is
rolled back.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, select

from bench.country_data import (
    HEAVY_GRANTEE,
    HEAVY_SUBJECT,
    generate,
)
from bench.country_plans import Plan, plans_of, table_sizes
from homecare.auth.sessions import ActiveSession
from homecare.db import make_engine
from homecare.domain.time_zone import OSLO
from homecare.domain.working_days import oslo_date
from homecare.migrations import migrate
from homecare.models import MessageThread, Person
from homecare.services.access import Access
from homecare.services.messages import inbox, open_thread, unread_count
from homecare.services.power_of_attorney import representable
from homecare.services.usage_log import newest_entry_id, usage_log_page
from homecare.services.visits import past_visits, visits_between

GOAL_P95_MS = 20.0
PAGE_SIZE = 20  # the pages' own (homecare/state/messages.py, appointments.py, usage_log.py)
DAYS_IN_VIEW = 7  # the appointments page shows a week


def _say(line: str) -> None:
    print(line, flush=True)


# ---- the database ---------------------------------------------------------------------------------------


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return revision


def _size(admin: Engine, name: str) -> str:
    with admin.connect() as connection:
        return connection.execute(
            text("SELECT pg_size_pretty(pg_database_size(:n))"), {"n": name}
        ).scalar_one()


def prepare(server_url: str, name: str, scale: float, reuse: bool) -> tuple[str, dict[str, Any]]:
    """The URL of the filled database, and what it was filled with (scale, the moment it was made)."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if reuse:
            comment = connection.execute(
                text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"),
                {"n": name},
            ).scalar()
            if not exists or not comment:
                sys.exit(
                    f"--reuse: there is no filled database {name!r} on that server; run without --reuse first"
                )
            meta = json.loads(comment)
            before, started = _revision(url), time.perf_counter()
            migrate(url)
            after = _revision(url)
            if before != after:
                _say(f"Migrated {before} → {after} in {time.perf_counter() - started:.1f} s; analysing")
                engine = create_engine(url, isolation_level="AUTOCOMMIT")
                with engine.connect() as db:
                    db.execute(text("VACUUM (ANALYZE)"))
                engine.dispose()
            _say(f"Reusing {name} (scale {meta['scale']}, made {meta['now']}): {_size(admin, name)}")
            admin.dispose()
            return url, meta
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    started = time.perf_counter()
    migrate(url)
    _say(f"Made {name} and migrated it to {_revision(url)}; filling it at scale {scale}:")
    now = datetime.now(UTC).replace(microsecond=0)
    took = generate(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False), scale, now, _say
    )
    meta = {"scale": scale, "now": now.isoformat()}
    with admin.connect() as connection:
        connection.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(meta)}'"))
    total = time.perf_counter() - started
    _say(
        f"Generation took {total:.0f} s ({sum(took.values()):.0f} s of it in SQL); "
        f"database size {_size(admin, name)}"
    )
    admin.dispose()
    return url, meta


def print_counts(engine: Engine) -> None:
    tables = (
        "person",
        "powerofattorney",
        "messagethread",
        "message",
        "attachment",
        "homevisit",
        "usagelogentry",
    )
    _say("\n| table | rows | size with indexes |\n|---|---:|---:|")
    with engine.connect() as connection:
        for table in tables:
            rows = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            size = connection.execute(
                text(f"SELECT pg_size_pretty(pg_total_relation_size('{table}'))")
            ).scalar_one()
            _say(f"| {table} | {rows:,} | {size} |")


# ---- what is timed --------------------------------------------------------------------------------------


@dataclass
class Case:
    """One page query for one kind of person: a call per run, each for another person (or the heavy one)."""

    query: str
    who: str
    calls: list[Callable[[Session], object]]


def _access(person: Person, now: datetime) -> Access:
    """What the access check hands a page when the person acts for themself."""
    assert person.id is not None
    session = ActiveSession(
        id=0, actor_id=person.id, subject_id=person.id, created_at=now, last_seen_at=now, language="nb",
        user_agent=None,
    )  # fmt: skip
    return Access(session=session, actor=person, subject=person, terms_accepted=True, unread_messages=0)


def _sample(db: Session, sql: str, count: int, seed: int) -> list[Any]:
    """A repeatable random choice of `count` rows of `sql` (which selects a key first)."""
    rows = db.connection().exec_driver_sql(sql).all()
    random.Random(seed).shuffle(rows)
    return rows[:count]


def build_cases(engine: Engine, now: datetime, runs: int, heavy_runs: int, seed: int) -> list[Case]:
    """The page queries, each for random persons and for the heaviest; persons are loaded beforehand."""
    with Session(engine, expire_on_commit=False) as db:
        receivers = [
            row[0]
            for row in _sample(
                db,
                "SELECT DISTINCT subject_id FROM messagethread "
                f"WHERE subject_id <> {HEAVY_SUBJECT} ORDER BY subject_id",
                runs,
                seed,
            )
        ]
        threads = dict(
            db.connection()
            .exec_driver_sql(
                "SELECT DISTINCT ON (subject_id) subject_id, public_id FROM messagethread "
                f"WHERE subject_id = ANY(ARRAY{receivers}) ORDER BY subject_id, md5(public_id)"
            )
            .all()
        )
        grantees = [
            row[0]
            for row in _sample(
                db,
                "SELECT grantee_id FROM powerofattorney "
                f"WHERE ended_at IS NULL AND grantee_id <> {HEAVY_GRANTEE} "
                "GROUP BY grantee_id ORDER BY grantee_id",
                runs,
                seed,
            )
        ]
        anyone = [
            row[0]
            for row in _sample(
                db, f"SELECT id FROM person WHERE id <> {HEAVY_SUBJECT} ORDER BY id", runs, seed
            )
        ]
        people = {
            person.id: person
            for person in db.exec(select(Person).where(col(Person.id).in_([*receivers, HEAVY_SUBJECT])))
        }
        heavy_threads = db.exec(
            select(MessageThread.public_id)
            .where(MessageThread.subject_id == HEAVY_SUBJECT)
            .order_by(col(MessageThread.id))
        ).all()
        long_thread = (
            db.connection()
            .exec_driver_sql(
                "SELECT t.public_id FROM messagethread t JOIN message m ON m.thread_id = t.id "
                f"WHERE t.subject_id = {HEAVY_SUBJECT} GROUP BY t.public_id ORDER BY count(*) DESC LIMIT 1"
            )
            .scalar_one()
        )
        heavy_threads_total = len(heavy_threads)
        heavy_log_newest = newest_entry_id(db, HEAVY_SUBJECT)
        heavy_log_total = usage_log_page(db, HEAVY_SUBJECT, up_to_id=heavy_log_newest, page=0, page_size=1)[1]
    heavy = people[HEAVY_SUBJECT]
    rng = random.Random(seed)
    # As the appointments page has it: this week from midnight in Oslo; the past, up to that midnight.
    today_start = datetime.combine(oslo_date(now), datetime.min.time(), tzinfo=OSLO)
    week_end = today_start + timedelta(days=DAYS_IN_VIEW)

    def inbox_of(person_id: int, page: int) -> Callable[[Session], object]:
        return lambda db: inbox(db, person_id, page=page, page_size=PAGE_SIZE)

    def thread_of(person: Person, public_id: str) -> Callable[[Session], object]:
        return lambda db: open_thread(db, _access(person, now), public_id, now)

    def week_of(person: Person) -> Callable[[Session], object]:
        return lambda db: visits_between(db, _access(person, now), today_start, week_end, now)

    def past_of(person: Person) -> Callable[[Session], object]:
        return lambda db: past_visits(db, _access(person, now), today_start, now, page=0, page_size=PAGE_SIZE)

    def chooser_of(person_id: int) -> Callable[[Session], object]:
        return lambda db: representable(db, person_id, now)

    def log_first_page(person_id: int) -> Callable[[Session], object]:
        def call(db: Session) -> object:
            return usage_log_page(
                db, person_id, up_to_id=newest_entry_id(db, person_id), page=0, page_size=PAGE_SIZE
            )

        return call

    def log_page(person_id: int, up_to_id: int, page: int) -> Callable[[Session], object]:
        return lambda db: usage_log_page(db, person_id, up_to_id=up_to_id, page=page, page_size=PAGE_SIZE)

    def unread_of(person_id: int) -> Callable[[Session], object]:
        return lambda db: unread_count(db, person_id)

    last_inbox_page = (heavy_threads_total - 1) // PAGE_SIZE
    last_log_page = (heavy_log_total - 1) // PAGE_SIZE
    typical, heaviest = f"random persons ({runs})", "heaviest person"
    return [
        Case("inbox, first page", typical, [inbox_of(p, 0) for p in receivers]),
        Case("inbox, first page", heaviest, [inbox_of(HEAVY_SUBJECT, 0)] * heavy_runs),
        Case(
            f"inbox, deep pages (10 to {last_inbox_page + 1} of {last_inbox_page + 1})",
            heaviest,
            [inbox_of(HEAVY_SUBJECT, rng.randint(9, last_inbox_page)) for _ in range(heavy_runs)],
        ),
        Case("open a thread", typical, [thread_of(people[p], threads[p]) for p in receivers]),
        Case(
            "open a thread",
            "heaviest person, random threads",
            [thread_of(heavy, rng.choice(heavy_threads)) for _ in range(heavy_runs)],
        ),
        Case(
            "open a thread", "heaviest person, longest thread", [thread_of(heavy, long_thread)] * heavy_runs
        ),
        Case("unread count (every page's header)", typical, [unread_of(p) for p in receivers]),
        Case("unread count (every page's header)", heaviest, [unread_of(HEAVY_SUBJECT)] * heavy_runs),
        Case("visits this week (appointments page)", typical, [week_of(people[p]) for p in receivers]),
        Case("visits this week (appointments page)", heaviest, [week_of(heavy)] * heavy_runs),
        Case("past visits, first page", typical, [past_of(people[p]) for p in receivers]),
        Case("past visits, first page", heaviest, [past_of(heavy)] * heavy_runs),
        Case(
            "representable (person chooser)", f"random grantees ({runs})", [chooser_of(p) for p in grantees]
        ),
        Case(
            "representable (person chooser)",
            "heaviest grantee",
            [chooser_of(HEAVY_GRANTEE)] * heavy_runs,
        ),
        Case("usage log, first page", typical, [log_first_page(p) for p in anyone]),
        Case("usage log, first page", heaviest, [log_first_page(HEAVY_SUBJECT)] * heavy_runs),
        Case(
            f"usage log, deep pages (10 to {last_log_page + 1} of {last_log_page + 1})",
            heaviest,
            [
                log_page(HEAVY_SUBJECT, heavy_log_newest, rng.randint(9, last_log_page))
                for _ in range(heavy_runs)
            ],
        ),
    ]


@dataclass
class Timings:
    """Milliseconds of each call: on the clock, and of this process's CPU (Python and the driver, not the
    server). On a busy machine the clock also counts the wait for a core; the CPU time does not."""

    wall: list[float]
    cpu: list[float]


def time_case(engine: Engine, case: Case, warm_up: int = 3) -> Timings:
    """Each call in a transaction of its own that is rolled back."""
    timings = Timings([], [])
    for index, call in enumerate([*case.calls[:warm_up], *case.calls]):
        with Session(engine, expire_on_commit=False) as db:
            db.connection()  # the pool's checkout and ping are not the query's
            started, started_cpu = time.perf_counter(), time.process_time()
            call(db)
            wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
            db.rollback()
        if index >= warm_up:
            timings.wall.append(wall * 1000)
            timings.cpu.append(cpu * 1000)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


# ---- the report -----------------------------------------------------------------------------------------


def report_timings(results: list[tuple[Case, Timings]]) -> None:
    _say(
        "\n| page query | persons | runs | p50 ms | p95 ms | p99 ms | max ms "
        f"| p95 < {GOAL_P95_MS:.0f} ms | client CPU p50 / p95 ms |"
    )
    _say("|---|---|---:|---:|---:|---:|---:|---|---:|")
    for case, timings in results:
        wall, cpu = timings.wall, timings.cpu
        p95 = percentile(wall, 0.95)
        _say(
            f"| {case.query} | {case.who} | {len(wall)} | {statistics.median(wall):.1f} | {p95:.1f} "
            f"| {percentile(wall, 0.99):.1f} | {max(wall):.1f} | {'yes' if p95 < GOAL_P95_MS else '**no**'} "
            f"| {statistics.median(cpu):.1f} / {percentile(cpu, 0.95):.1f} |"
        )


def report_plans(engine: Engine, results: list[tuple[Case, Timings]], plans_file: Path | None) -> bool:
    """Each query's statements under EXPLAIN; True when none read a big table whole or sorted many rows."""
    with Session(engine) as db:
        sizes = table_sizes(db)
    all_ok = True
    full: list[str] = []
    _say("\n## What each page query's SQL does (EXPLAIN (ANALYZE, BUFFERS), first person of each row)")
    for case, _ in results:
        plans: list[Plan] = plans_of(engine, case.calls[0], sizes)
        _say(f"\n**{case.query}** — {case.who}\n")
        _say(
            "| # | statement | scans | ms | buffers hit/read | rows filtered out |\n"
            "|---:|---|---|---:|---:|---:|"
        )
        for number, plan in enumerate(plans, 1):
            all_ok = all_ok and plan.ok
            sorts = f"; {'; '.join(plan.sorts)}" if plan.sorts else ""
            _say(
                f"| {number} | `{plan.sql}` | {plan.verdict()}{sorts} | {plan.ms:.2f} "
                f"| {plan.hit}/{plan.read} "
                f"| {plan.filtered_away:,} |"
            )
            full.append(f"-- {case.query}, {case.who}, statement {number}\n{plan.full_sql}\n\n{plan.text}\n")
    if plans_file:
        plans_file.write_text("\n".join(full))
        _say(f"\nThe full plans are in {plans_file}")
    _say(
        "\nNo page query reads a big table whole or sorts many rows."
        if all_ok
        else "\n**Some page query reads a big table whole or sorts many rows (see above).**"
    )
    return all_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 persons (default)")
    parser.add_argument("--reuse", action="store_true", help="time again on the database filled before")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("HOMECARE_TEST_POSTGRES_URL"),
        help="a PostgreSQL server to make the database in (default: HOMECARE_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--database-name", default="homecare_country")
    parser.add_argument("--runs", type=int, default=300, help="calls per query over random persons")
    parser.add_argument("--heavy-runs", type=int, default=100, help="calls per query for the heaviest person")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plans-file", type=Path, help="write the full SQL and plans there")
    args = parser.parse_args()
    if not args.database_url or make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("needs a PostgreSQL server: --database-url or HOMECARE_TEST_POSTGRES_URL")
    url, meta = prepare(args.database_url, args.database_name, args.scale, args.reuse)
    engine = make_engine(url)
    print_counts(engine)
    now = datetime.fromisoformat(meta["now"])
    cases = build_cases(engine, now, args.runs, args.heavy_runs, args.seed)
    _say(
        f"\nTiming {len(cases)} page queries "
        f"(the clock stands at {now:%Y-%m-%d %H:%M} UTC, when the data was made)"
    )
    load_before = os.getloadavg()[0]
    results = [(case, time_case(engine, case)) for case in cases]
    report_timings(results)
    # Another busy process on the machine shows in the tails: say how busy it was.
    _say(
        f"\nLoad average {load_before:.1f} before timing, {os.getloadavg()[0]:.1f} after, "
        f"on {os.cpu_count()} cores (client and server on this machine)."
    )
    report_plans(engine, results, args.plans_file)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
