"""The SQL a service function sends, and what PostgreSQL does with it (`EXPLAIN (ANALYZE, BUFFERS)`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

# A table with fewer rows than this may be read whole: the municipalities, the service units.
BIG_TABLE_ROWS = 10_000
# A sort of more rows than this in one page's query is a sign that an index is missing.
BIG_SORT_ROWS = 1_000


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any


@contextmanager
def captured(engine: Engine) -> Iterator[list[Statement]]:
    """Every statement the engine sends while inside, with its parameters."""
    statements: list[Statement] = []

    def record(
        _conn: object, _cursor: object, sql: str, parameters: Any, _context: object, _many: bool
    ) -> None:
        statements.append(Statement(sql, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@dataclass
class Plan:
    """What one statement did: its scans, its sorts, the time and the pages it read."""

    sql: str
    index_scans: list[str] = field(default_factory=list)
    seq_scans: list[str] = field(default_factory=list)
    big_seq_scans: list[str] = field(default_factory=list)
    sorts: list[str] = field(default_factory=list)
    big_sorts: list[str] = field(default_factory=list)
    filtered_away: int = 0
    ms: float = 0.0
    hit: int = 0
    read: int = 0
    text: str = ""
    full_sql: str = ""

    @property
    def ok(self) -> bool:
        return not self.big_seq_scans and not self.big_sorts

    def verdict(self) -> str:
        if self.big_seq_scans:
            return "SEQUENTIAL SCAN of " + ", ".join(self.big_seq_scans)
        if self.big_sorts:
            return "BIG SORT " + ", ".join(self.big_sorts)
        read = []
        if self.index_scans:
            read.append("index: " + ", ".join(dict.fromkeys(self.index_scans)))
        if self.seq_scans:
            read.append("whole small table: " + ", ".join(dict.fromkeys(self.seq_scans)))
        return "; ".join(read) or "no table read"


def _walk(node: dict[str, Any], plan: Plan, sizes: dict[str, float]) -> None:
    kind = node["Node Type"]
    loops = node.get("Actual Loops", 1) or 1
    rows = node.get("Actual Rows", 0) * loops
    plan.filtered_away += int(node.get("Rows Removed by Filter", 0) * loops)
    if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
        short = {"Index Scan": "", "Index Only Scan": " (index only)", "Bitmap Index Scan": " (bitmap)"}[kind]
        plan.index_scans.append(node["Index Name"] + short)
    elif kind == "Seq Scan":
        table = node["Relation Name"]
        plan.seq_scans.append(table)
        if sizes.get(table, 0) >= BIG_TABLE_ROWS:
            plan.big_seq_scans.append(f"{table} ({sizes[table]:,.0f} rows)")
    elif kind in ("Sort", "Incremental Sort"):
        # What went in: a sort under a LIMIT hands on fewer rows than it sorted.
        child = node["Plans"][0]
        rows = child.get("Actual Rows", 0) * (child.get("Actual Loops", 1) or 1)
        keys = ", ".join(node.get("Sort Key", []))
        plan.sorts.append(f"{kind.lower()} of {rows:,.0f} rows by {keys}")
        if kind == "Sort" and rows > BIG_SORT_ROWS:
            plan.big_sorts.append(f"{rows:,.0f} rows by {keys}")
    for child in node.get("Plans", []):
        _walk(child, plan, sizes)


def table_sizes(session: Session) -> dict[str, float]:
    rows = session.connection().exec_driver_sql(
        "SELECT relname, reltuples FROM pg_class "
        "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
    )
    return {name: float(count) for name, count in rows}


def explain(session: Session, statements: list[Statement], sizes: dict[str, float]) -> list[Plan]:
    """Run each statement again under EXPLAIN (ANALYZE, BUFFERS), in order, in the session's transaction."""
    plans = []
    connection = session.connection()
    for statement in statements:
        result = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.sql, statement.parameters
        )
        top = result.scalar_one()[0]
        plan = Plan(sql=one_line(statement.sql), full_sql=statement.sql)
        _walk(top["Plan"], plan, sizes)
        plan.ms = top["Execution Time"]
        plan.hit = top["Plan"].get("Shared Hit Blocks", 0)
        plan.read = top["Plan"].get("Shared Read Blocks", 0)
        plans.append(plan)
    return plans


def explain_text(session: Session, statements: list[Statement]) -> list[str]:
    """The same as PostgreSQL prints it, for reading."""
    connection = session.connection()
    return [
        "\n".join(
            row[0]
            for row in connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters
            )
        )
        for statement in statements
    ]


def one_line(sql: str, width: int = 150) -> str:
    """The statement on one line, its column lists shortened, for the report."""
    flat = re.sub(r"\s+", " ", sql).strip()
    flat = re.sub(r"SELECT (.{40}).*? FROM ", r"SELECT \1… FROM ", flat, count=1)
    flat = re.sub(r"\((%\(\w+\)s, ){3,}%\(\w+\)s\)", "(…)", flat)
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def plans_of(engine: Engine, call: Callable[[Session], object], sizes: dict[str, float]) -> list[Plan]:
    """The plans of what `call` sends: captured in one rolled-back transaction, explained in others."""
    with Session(engine) as session:
        with captured(engine) as statements:
            call(session)
        session.rollback()
        plans = explain(session, statements, sizes)
        session.rollback()
        for plan, text in zip(plans, explain_text(session, statements), strict=True):
            plan.text = text
        session.rollback()
    return plans
