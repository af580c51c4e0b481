"""How fast the notification dispatchers send, on PostgreSQL, to loopback stand-ins for SendGrid and the SMS
gateway; and how long the outbox takes to drain after a 30-minute provider outage.

    .venv/bin/python -m bench.notify_throughput [--database-url URL] [--notices 20000] [--dispatchers 1,4]

The database server is HOMECARE_TEST_POSTGRES_URL's unless --database-url names one (scripts/test_servers.sh
starts one: `source scripts/setup.sh; source scripts/test_servers.sh; start_test_postgres`). The benchmark
makes a database of its own there (homecare_notifybench, dropped and made again on each run) and migrates it
with Alembic. Nothing leaves the machine: the providers are bench/notify_stubs.py on 127.0.0.1.

1. Throughput: N pending notices to N distinct recipients (half SMS, half e-mail, quiet hours off, so neither
   bundling nor the night holds anything back) are released at once to 1, then 4, `python -m homecare.notify`
   processes; sends per second until the outbox is drained. Checked after each run: every notice reached the
   stub once, with its own text, none missing, none twice, and is `sent` in the database.
2. A 30-minute outage: the notices a 30-minute outage at a stated peak rate leaves behind, each with the
   attempts and next attempt that the real RetryPolicy gives it (its attempts during the outage simulated
   with RetryPolicy.delay), and a short run of the real dispatcher against providers that are down (503) and
   away (connection refused) showing that a failed attempt leaves a row exactly so. Then the providers come
   back and 1, then 4, dispatchers (bench/notify_worker.py: the real dispatcher with a clock the benchmark
   sets) work through the backlog while new notices keep coming at the peak rate. The dispatchers' clock
   runs at real speed while rows come due fast and fast-forwards through the quiet stretches, never letting
   more than --drain-rate rows come due per real second (well under what one dispatcher sends), so the
   compression adds no queue that real time would not have; --real-time runs it at real speed throughout.
   Checked: nothing lost, nothing sent twice, and whether the notices to each recipient went in order.

Setup (database, filling the outbox, starting the processes) is timed apart from what is measured.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from bench.notify_stubs import ProviderStub, SendGridBenchStub, SmsGatewayBenchStub
from homecare.domain.notifications import Channel, NoticeKind, RetryPolicy
from homecare.i18n import translate
from homecare.migrations import migrate
from homecare.models import OutboxItem, OutboxStatus

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "homecare_notifybench"
SENDGRID_KEY = "SG.notifybench.not-a-real-key"
GATEWAY_TOKEN = "notifybench-gateway-token"
PUBLIC_URL = "https://hjemmetjenester.example.no"
LANGUAGE = "nb"
# How often an idle dispatcher looks at the outbox (the default is 2 s): a measurement should not wait for it.
POLL_SECONDS = 0.25
BUNDLE_SECONDS = 120  # HOMECARE_SMS_BUNDLE_SECONDS' default
_BUNDLE_COUNT = re.compile(r"(\d+) nye oppdateringer")
_TICK = os.sysconf("SC_CLK_TCK")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database -----------------------------------------------------------------------------------------------


def make_database(server_url: str, name: str) -> str:
    """A fresh, migrated database `name` on the server at `server_url`; its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    return url


def empty_outbox(engine: Engine, history: int = 0) -> None:
    """An outbox holding only `history` notices sent in the last days (the outbox keeps every notice ever
    sent: the dispatcher's queries must not slow down as it grows)."""
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE outboxitem RESTART IDENTITY"))
        if history:
            connection.execute(
                text(
                    """
                    INSERT INTO outboxitem (channel, address, kind, language, title, body, dedupe_key, status,
                                            attempts, created_at, due_at, sent_at, provider_message_id)
                    SELECT CASE WHEN g % 2 = 0 THEN 'sms' ELSE 'email' END,
                           CASE WHEN g % 2 = 0 THEN '+478' || lpad((g % 1000000)::text, 7, '0')
                                ELSE 'tidligere' || (g % 1000000) || '@example.no' END,
                           'new_message', 'nb', NULL, repeat('x', 130), 'history:' || g, 'sent', 1,
                           :now - make_interval(secs => (:n - g) * 0.25),
                           :now - make_interval(secs => (:n - g) * 0.25),
                           :now - make_interval(secs => (:n - g) * 0.25), 'earlier-' || g
                    FROM generate_series(1, :n) g
                    """
                ),
                {"n": history, "now": datetime.now(UTC) - timedelta(hours=1)},
            )


def fill_outbox(engine: Engine, rows: Sequence[dict[str, object]]) -> None:
    table = OutboxItem.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(table), list(rows[start : start + 5000]))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE outboxitem"))


def notice_row(
    number: int,
    channel: Channel,
    address: str,
    *,
    created_at: datetime,
    due_at: datetime,
    attempts: int = 0,
    last_error: str | None = None,
) -> dict[str, object]:
    """An outbox row as homecare/services/notifications.py writes one for a new message (a Standard notice,
    so bundling applies to the SMS); the name in the text makes each notice's words its own."""
    return {
        "recipient_person_id": None,
        "about_person_id": None,
        "channel": channel,
        "address": address,
        "kind": NoticeKind.NEW_MESSAGE.value,
        "language": LANGUAGE,
        "title": translate(LANGUAGE, "notice.email_subject") if channel is Channel.EMAIL else None,
        "body": translate(
            LANGUAGE, "notice.new_message.other", name=f"Mottaker {number:07d}", url=PUBLIC_URL
        ),
        "dedupe_key": f"notifybench:{number}:{channel.value}",
        "status": OutboxStatus.PENDING,
        "attempts": attempts,
        "last_error": last_error,
        "created_at": created_at,
        "due_at": due_at,
        "claimed_until": None,
        "claim_token": None,
        "sent_at": None,
        "provider_message_id": None,
        "bundled_into_id": None,
    }


def mobile_of(recipient: int) -> str:
    return f"+479{recipient:07d}"


def email_of(recipient: int) -> str:
    return f"mottaker{recipient:07d}@example.no"


def unsent(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM outboxitem WHERE status IN ('pending', 'sending', 'failed')")
            ).scalar_one()
        )


# Processes and CPU ------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def postgres_pids(postmaster: int | None) -> list[int]:
    """The processes of the PostgreSQL server whose postmaster is `postmaster`, when it runs on this machine
    (other PostgreSQL servers here are not counted); empty for a server elsewhere."""
    if postmaster is None:
        return []
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent(int(entry.name)) == postmaster
    ]
    return [postmaster, *children]


def find_postmaster(engine: Engine) -> int | None:
    with engine.connect() as connection:
        backend = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
    parent = _parent(backend)
    if parent is None or not Path(f"/proc/{parent}/comm").read_text().strip().startswith("postgres"):
        return None
    return parent


@dataclass
class CpuMeter:
    """CPU spent by the dispatchers, PostgreSQL and this process (the stub providers) from start to stop."""

    dispatcher_pids: list[int]
    postmaster: int | None
    started: dict[str, float] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=dict)

    def _sample(self) -> dict[str, float]:
        return {
            "dispatchers": sum(cpu_seconds(pid) for pid in self.dispatcher_pids),
            "postgres": sum(cpu_seconds(pid) for pid in postgres_pids(self.postmaster)),
            "load": os.getloadavg()[0],
            "stubs": time.process_time(),
        }

    def start(self) -> None:
        self.started = self._sample()

    def stop(self) -> None:
        now = self._sample()
        self.spent = {name: now[name] - self.started[name] for name in now}
        # The machine's load average (1 min) as the run ends: other work on the machine slows everything.
        self.spent["load"] = now["load"]


class Dispatchers:
    """`count` dispatcher processes, each with its own log; stopped with SIGTERM as in production."""

    def __init__(self, count: int, argv: list[str], env: dict[str, str], logs: Path, engine: Engine) -> None:
        self.engine = engine
        self.logs = [logs / f"dispatcher-{number}.log" for number in range(count)]
        self.names = [f"notifybench-dispatcher-{number}" for number in range(count)]
        self.processes = []
        for log, name in zip(self.logs, self.names, strict=True):
            # The application name tells the benchmark, through pg_stat_activity, that this one has looked at
            # the outbox (`python -m homecare.notify` logs nothing at start: its logger is __main__'s).
            url = make_url(env["REFLEX_DB_URL"]).update_query_dict({"application_name": name})
            own = env | {"REFLEX_DB_URL": url.render_as_string(hide_password=False)}
            with log.open("wb") as stderr:
                self.processes.append(
                    subprocess.Popen(
                        argv, env=own, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr
                    )
                )

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        query = text(
            "SELECT count(DISTINCT application_name) FROM pg_stat_activity WHERE application_name = ANY(:n)"
        )
        while True:
            with self.engine.connect() as connection:
                if connection.execute(query, {"n": self.names}).scalar_one() == len(self.names):
                    break
            if any(process.poll() is not None for process in self.processes):
                raise SystemExit(f"a dispatcher ended at start; see {self.logs}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the dispatchers did not start within {timeout} s; see {self.logs}")
            time.sleep(0.1)
        # Their first look at the outbox (nothing due yet) is behind each of them.
        time.sleep(2 * POLL_SECONDS)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def errors(self) -> list[str]:
        lines = []
        for log in self.logs:
            lines += [
                line for line in log.read_text(errors="replace").splitlines() if line.startswith("ERROR")
            ]
        return lines


@contextmanager
def dispatchers(
    count: int, argv: list[str], env: dict[str, str], logs: Path, engine: Engine
) -> Iterator[Dispatchers]:
    running = Dispatchers(count, argv, env, logs, engine)
    try:
        yield running
    finally:
        running.stop()


def dispatcher_env(database_url: str, email: ProviderStub, sms: ProviderStub) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("HOMECARE_", "REFLEX_"))}
    env.update(
        REFLEX_DB_URL=database_url,
        HOMECARE_ENV="development",
        HOMECARE_JSON_LOGS="false",
        HOMECARE_PUBLIC_URL=PUBLIC_URL,
        HOMECARE_SENDGRID_API_KEY=SENDGRID_KEY,
        HOMECARE_SENDGRID_HOST=email.url,
        HOMECARE_SMS_GATEWAY_URL=sms.url,
        HOMECARE_SMS_GATEWAY_TOKEN=GATEWAY_TOKEN,
        # From and until the same moment: no quiet hours (QuietHours.contains is then always false).
        HOMECARE_SMS_QUIET_FROM="00:00",
        HOMECARE_SMS_QUIET_UNTIL="00:00",
        HOMECARE_SMS_BUNDLE_SECONDS=str(BUNDLE_SECONDS),
        HOMECARE_DISPATCH_INTERVAL_SECONDS=str(POLL_SECONDS),
        PYTHONUNBUFFERED="1",
    )
    return env


# Checking what the providers received against the outbox ----------------------------------------------------


@dataclass
class Verdict:
    rows: int = 0
    sent: int = 0
    not_sent: int = 0
    missing: int = 0  # notices the providers never took
    duplicates: int = 0  # notices the providers took more than once
    bundled: int = 0  # notices that went inside another's SMS
    wrong_attempts: int = 0
    out_of_order_recipients: int = 0
    recipients_with_several: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.not_sent or self.missing or self.duplicates or self.wrong_attempts)

    def summary(self) -> str:
        if self.ok:
            return f"all {self.rows} sent once"
        return (
            f"{self.not_sent} not sent, {self.missing} missing, {self.duplicates} twice, "
            f"{self.wrong_attempts} with unexpected attempts"
        )


def verify(engine: Engine, stubs: Sequence[ProviderStub], attempts: dict[str, int] | None = None) -> Verdict:
    """Every row sent; what the providers took, recipient by recipient, is each notice exactly once.

    A single notice must have reached its address with its own words, once; an SMS that carried several says
    how many ("3 nye oppdateringer") and those rows point at it. The providers' own count is what decides:
    a notice sent twice but recorded once would show as a message the outbox does not account for.
    `attempts`: when given, the attempts each row must have taken (dedupe key -> count).
    """
    verdict = Verdict()
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, dedupe_key, channel, address, status, attempts, created_at, provider_message_id, "
                "bundled_into_id FROM outboxitem WHERE dedupe_key LIKE 'notifybench:%' "
                "ORDER BY created_at, id"
            )
        ).all()
    taken = {receipt.message_id: receipt for stub in stubs for receipt in stub.accepted()}
    verdict.rows = len(rows)
    by_address: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        by_address[(row.channel, row.address)].append(row)
        if row.status == OutboxStatus.SENT.value:
            verdict.sent += 1
        else:
            verdict.not_sent += 1
        if row.bundled_into_id is not None:
            verdict.bundled += 1
        if attempts is not None and row.attempts != attempts.get(row.dedupe_key):
            verdict.wrong_attempts += 1
    received: dict[tuple[str, str], list] = defaultdict(list)
    for receipt in taken.values():
        channel = Channel.EMAIL.value if "@" in receipt.address else Channel.SMS.value
        received[(channel, receipt.address)].append(receipt)
    for key in by_address.keys() | received.keys():
        owed, got = by_address.get(key, []), received.get(key, [])
        carried = 0
        single_texts = Counter()
        for receipt in got:
            bundle = _BUNDLE_COUNT.search(receipt.text)
            carried += int(bundle.group(1)) if bundle else 1
            if not bundle:
                single_texts[receipt.text] += 1
        verdict.duplicates += max(carried - len(owed), 0) + sum(n - 1 for n in single_texts.values() if n > 1)
        verdict.missing += max(len(owed) - carried, 0)
        for row in owed:
            receipt = taken.get(row.provider_message_id)
            if row.status == OutboxStatus.SENT.value and (receipt is None or receipt.address != row.address):
                verdict.problems.append(f"row {row.id} is sent with a message id the provider never gave it")
        if len(owed) > 1:
            verdict.recipients_with_several += 1
            order = [taken[row.provider_message_id].seq for row in owed if row.provider_message_id in taken]
            if any(later < earlier for earlier, later in itertools.pairwise(order)):
                verdict.out_of_order_recipients += 1
    verdict.missing = max(verdict.missing, 0)
    if verdict.problems:
        verdict.missing += len(verdict.problems)
    return verdict


# 1. Throughput ----------------------------------------------------------------------------------------------


@dataclass
class ThroughputResult:
    dispatchers: int
    notices: int
    setup: float
    seconds: float
    cpu: dict[str, float]
    connections: dict[str, int]
    verdict: Verdict
    errors: int


def throughput_run(
    engine: Engine,
    url: str,
    count: int,
    notices: int,
    email: ProviderStub,
    sms: ProviderStub,
    logs: Path,
    history: int,
) -> ThroughputResult:
    started = time.perf_counter()
    empty_outbox(engine, history)
    email.reset()
    sms.reset()
    now = datetime.now(UTC)
    held = now + timedelta(days=1)  # written ahead, released at once when every dispatcher is up
    rows = []
    for number in range(notices):
        channel = Channel.SMS if number % 2 == 0 else Channel.EMAIL
        address = mobile_of(number) if channel is Channel.SMS else email_of(number)
        rows.append(notice_row(number, channel, address, created_at=now, due_at=held))
    fill_outbox(engine, rows)
    env = dispatcher_env(url, email, sms)
    argv = [sys.executable, "-m", "homecare.notify"]
    with dispatchers(count, argv, env, logs, engine) as running:
        running.wait_ready()
        setup = time.perf_counter() - started
        meter = CpuMeter(running.pids, find_postmaster(engine))
        meter.start()
        with engine.begin() as connection:
            # Each its own moment, a millisecond apart in the order they were written, as events come.
            connection.execute(
                text(
                    "UPDATE outboxitem SET due_at = :now - make_interval(secs => "
                    "((SELECT max(id) FROM outboxitem) - id) * 0.001) WHERE status = 'pending'"
                ),
                {"now": datetime.now(UTC)},
            )
        released = time.time()
        deadline = released + max(300.0, notices / 10)
        while len(email.accepted()) + len(sms.accepted()) < notices or unsent(engine):
            if time.time() > deadline:
                say(f"  not drained within {deadline - released:.0f} s")
                break
            time.sleep(0.2)
        meter.stop()
        with engine.connect() as connection:
            last = connection.execute(
                text("SELECT max(sent_at) FROM outboxitem WHERE dedupe_key LIKE 'notifybench:%'")
            ).scalar_one()
        errors = len(running.errors())
    verdict = verify(engine, [email, sms], {str(row["dedupe_key"]): 1 for row in rows})
    return ThroughputResult(
        dispatchers=count,
        notices=notices,
        setup=setup,
        seconds=(last.timestamp() if last else time.time()) - released,
        cpu=meter.spent,
        connections={"email": email.connections, "sms": sms.connections},
        verdict=verdict,
        errors=errors,
    )


def print_throughput(results: list[ThroughputResult]) -> None:
    print("\n### 1. Throughput: N notices to N recipients, released at once\n")
    print(
        "| dispatchers | notices | setup s | drained in s | sends/s | per dispatcher | CPU ms per notice: "
        "dispatchers / PostgreSQL / stubs | load | HTTP connections (e-mail, SMS) | check |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|---|---|")
    for result in results:
        rate = result.notices / result.seconds
        per = {name: 1000 * spent / result.notices for name, spent in result.cpu.items()}
        errors = f", {result.errors} errors logged" if result.errors else ""
        cpu = f"{per['dispatchers']:.2f} / {per['postgres']:.2f} / {per['stubs']:.2f}"
        connections = f"{result.connections['email']:,}, {result.connections['sms']:,}"
        print(
            f"| {result.dispatchers} | {result.notices:,} | {result.setup:.1f} | {result.seconds:.1f} | "
            f"{rate:,.0f} | {rate / result.dispatchers:,.0f} | {cpu} | {result.cpu['load']:.1f} | "
            f"{connections} | {result.verdict.summary()}{errors} |"
        )
    print(
        "\n*load*: the machine's 1-minute load average as the run ended (2 cores: above 2, processes wait "
        "for a core). *HTTP connections*: connections the stub providers accepted."
    )


# 2. The outage ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeakRate:
    """Where the peak rate of notices comes from."""

    persons: int
    share: float
    per_day: float
    peak_hour_share: float

    @property
    def per_second(self) -> float:
        return self.persons * self.share * self.per_day * self.peak_hour_share / 3600

    def explain(self) -> str:
        day = self.persons * self.share * self.per_day
        return (
            f"{self.persons:,} persons receiving home care; {self.share:.0%} of them (or their next of kin) "
            f"set up for notices; {self.per_day:g} notices a day each (events x recipients x channels: e.g. "
            f"a changed or completed visit and a message, told to the person and a next of kin, by SMS and "
            f"e-mail for some) = {day:,.0f} notices a day; {self.peak_hour_share:.0%} of them in the busiest "
            f"hour (the morning round, 07-10) = {day * self.peak_hour_share:,.0f} an hour = "
            f"{self.per_second:.1f} a second"
        )


@dataclass
class Backlog:
    rows: list[dict[str, object]]
    attempts_after: dict[str, int]  # the attempts each row will have when sent, by dedupe key
    backlog: int  # rows owed before the providers came back; the rest came after
    recovery: datetime


def outage_backlog(
    rate: PeakRate,
    outage: timedelta,
    recovery: datetime,
    policy: RetryPolicy,
    rng: random.Random,
    repeat_share: float,
    new_traffic: bool,
    all_due_at_recovery: bool = False,
) -> Backlog:
    """The outbox at the moment the providers come back, and what keeps coming after.

    Notices arrive at the peak rate through the outage (a Poisson stream), half SMS, half e-mail; a share of
    them go to someone who was already sent (or owed) one in the last half hour. Each is tried when due (an
    e-mail at once, an SMS after the bundling wait) and fails; the dispatcher then sets
    due = failed at + RetryPolicy.delay(attempts) (the real policy, jitter and all), and so on until a next
    attempt falls after the recovery. A dispatcher answering a 503 takes a few milliseconds, so each attempt
    is taken as made when due. (During the outage an SMS that a claim took along as a follower fails with its
    leader and gets its own delay after that; it is modelled on its own schedule from the start.)
    """
    rows: list[dict[str, object]] = []
    final_attempts: dict[str, int] = {}
    recent: list[tuple[float, int]] = []  # (created, recipient) to pick repeat recipients from
    next_recipient = 0
    start = recovery - outage
    moment = 0.0
    span = outage.total_seconds()
    backlog = 0
    after = 0.0
    while True:
        moment += rng.expovariate(rate.per_second)
        if moment >= span and not new_traffic:
            break
        if moment >= span + after:
            break
        number = len(rows)
        created = start + timedelta(seconds=moment)
        channel = Channel.SMS if number % 2 == 0 else Channel.EMAIL
        while recent and recent[0][0] < moment - 1800:
            recent.pop(0)
        if recent and rng.random() < repeat_share:
            recipient = recent[rng.randrange(len(recent))][1]
        else:
            recipient = next_recipient
            next_recipient += 1
        recent.append((moment, recipient))
        address = mobile_of(recipient) if channel is Channel.SMS else email_of(recipient)
        due = created + timedelta(seconds=BUNDLE_SECONDS) if channel is Channel.SMS else created
        attempts = 0
        while due < recovery:
            attempts += 1
            due = due + policy.delay(attempts, rng)
        if policy.gives_up_after(attempts):
            raise SystemExit("the outage outlasts the retry policy: notices would have failed for good")
        error = None
        if attempts:
            error = (
                "SendGrid answered HTTP 503" if channel is Channel.EMAIL else "SMS gateway answered HTTP 503"
            )
        if moment < span:
            backlog += 1
            if all_due_at_recovery and attempts:
                due = recovery
            after = max(after, (due - recovery).total_seconds())
        row = notice_row(
            number, channel, address, created_at=created, due_at=due, attempts=attempts, last_error=error
        )
        rows.append(row)
        final_attempts[str(row["dedupe_key"])] = attempts + 1
    return Backlog(rows, final_attempts, backlog, recovery)


def profile_speeds(
    dues: list[float], drain_rate: float, max_speed: float, bucket: float = 5.0
) -> list[float]:
    """The fastest the dispatchers' clock may run through each `bucket` virtual seconds after the recovery so
    that at most `drain_rate` rows come due per real second there: real speed where more come due, at most
    `max_speed`."""
    counts = Counter(max(int(due // bucket), 0) for due in dues)
    last = max(counts) if counts else 0
    speeds = []
    for index in range(last + 2):
        per_second = counts.get(index, 0) / bucket
        speed = max_speed if per_second == 0 else min(max(drain_rate / per_second, 1.0), max_speed)
        speeds.append(float(int(speed)) if speed >= 2 else 1.0)
    return speeds


class VirtualClock:
    """The dispatchers' clock (bench/notify_worker.py reads it from `path`), steered while they work.

    It runs at real speed while more than a batch of rows is due and unsent, so that a queue drains at the
    dispatchers' real pace; otherwise as fast as `profile_speeds` allows for the stretch ahead.
    """

    BUCKET = 5.0

    def __init__(self, path: Path, speeds: list[float]) -> None:
        self.path = path
        self.speeds = speeds
        self.real_start = time.time() + 0.1
        self.stretches: list[list[float]] = []
        self._set(0.0, 0.0, 1.0)

    def virtual(self, real_now: float) -> float:
        virtual_start, real_start, speed = self.stretches[-1]
        return virtual_start + (max(real_now - self.real_start, 0.0) - real_start) * speed

    def steer(self, queued: int, batch: int = 50) -> None:
        elapsed = max(time.time() - self.real_start, 0.0)
        now = self.virtual(time.time())
        ahead = self.speeds[max(int(now // self.BUCKET), 0) :][:4] or [self.speeds[-1]]
        speed = 1.0 if queued > batch else min(ahead)
        if speed != self.stretches[-1][2]:
            self._set(now, elapsed, speed)

    def _set(self, virtual: float, real: float, speed: float) -> None:
        self.stretches.append([virtual, real, speed])
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"real_start": self.real_start, "stretches": self.stretches}))
        temporary.replace(self.path)

    def speed_range(self) -> str:
        speeds = sorted({stretch[2] for stretch in self.stretches})
        return "real time" if speeds == [1.0] else f"{speeds[0]:g}x to {speeds[-1]:g}x"

    def real_share(self, until: float) -> float:
        """Of the real seconds until `until` (after real_start), the share the clock ran at real speed."""
        spans = [*self.stretches, [0.0, until, 0.0]]
        real = sum(nxt[1] - stretch[1] for stretch, nxt in itertools.pairwise(spans) if stretch[2] == 1.0)
        return real / until if until > 0 else 1.0


@dataclass
class DrainResult:
    label: str
    dispatchers: int
    backlog: int
    later: int
    setup: float
    real_seconds: float
    bound: float  # the last backlog row's due time after the recovery (what the retry policy alone sets)
    backlog_drained: float  # the last backlog row's sending, after the recovery (virtual seconds)
    all_drained: float
    lag_p50: float
    lag_p99: float
    lag_max: float
    cpu: dict[str, float]
    verdict: Verdict
    speeds: str


def drain_run(
    label: str,
    engine: Engine,
    url: str,
    count: int,
    backlog: Backlog,
    email: ProviderStub,
    sms: ProviderStub,
    logs: Path,
    drain_rate: float,
    max_speed: float,
    history: int,
) -> DrainResult:
    started = time.perf_counter()
    empty_outbox(engine, history)
    email.reset()
    sms.reset()
    email.up()
    sms.up()
    recovery = backlog.recovery
    fill_outbox(engine, backlog.rows)
    dues = [(row["due_at"] - recovery).total_seconds() for row in backlog.rows]  # type: ignore[operator]
    speeds = profile_speeds(dues, drain_rate, max_speed)
    schedule = logs / f"clock-{label.split()[0]}-{count}.json"
    schedule.unlink(missing_ok=True)
    env = dispatcher_env(url, email, sms)
    argv = [sys.executable, "-m", "bench.notify_worker", str(schedule), recovery.isoformat()]
    # Both through the index on (status, due_at): the sent rows of the past are not read.
    queued = text(
        "SELECT (SELECT count(*) FROM outboxitem WHERE status = 'pending' AND due_at <= :now) "
        "+ (SELECT count(*) FROM outboxitem WHERE status = 'sending'), "
        "(SELECT count(*) FROM outboxitem WHERE status IN ('pending', 'sending', 'failed'))"
    )
    with dispatchers(count, argv, env, logs, engine) as running:
        running.wait_ready()
        setup = time.perf_counter() - started
        meter = CpuMeter(running.pids, find_postmaster(engine))
        meter.start()
        clock = VirtualClock(schedule, speeds)
        # Bounded: the whole stretch at real speed, and then some.
        deadline = clock.real_start + max(dues) + 300 + len(backlog.rows) / 20
        waiting = len(backlog.rows)
        while waiting:
            if time.time() > deadline:
                say(f"  not drained within {deadline - clock.real_start:.0f} s")
                break
            now = recovery + timedelta(seconds=clock.virtual(time.time()))
            with engine.connect() as connection:
                due, waiting = connection.execute(queued, {"now": now}).one()
            clock.steer(due)
            time.sleep(0.2)
        meter.stop()
        real_seconds = time.time() - clock.real_start
        errors = running.errors()
    if errors:
        say(f"  {len(errors)} errors in the dispatchers' logs, e.g. {errors[0]}")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT created_at, due_at, sent_at FROM outboxitem WHERE dedupe_key LIKE 'notifybench:%'")
        ).all()
    verdict = verify(engine, [email, sms], backlog.attempts_after)
    lags = sorted((row.sent_at - row.due_at).total_seconds() for row in rows if row.sent_at)
    sent_after = [(row.sent_at - recovery).total_seconds() for row in rows if row.sent_at]
    owed = [
        (row.sent_at - recovery).total_seconds() for row in rows if row.sent_at and row.created_at < recovery
    ]
    return DrainResult(
        label=label,
        dispatchers=count,
        backlog=backlog.backlog,
        later=len(backlog.rows) - backlog.backlog,
        setup=setup,
        real_seconds=real_seconds,
        bound=max(dues[: backlog.backlog]),
        backlog_drained=max(owed) if owed else float("nan"),
        all_drained=max(sent_after) if sent_after else float("nan"),
        lag_p50=statistics.median(lags) if lags else float("nan"),
        lag_p99=lags[int(0.99 * (len(lags) - 1))] if lags else float("nan"),
        lag_max=lags[-1] if lags else float("nan"),
        cpu=meter.spent,
        verdict=verdict,
        speeds=f"{clock.speed_range()}, real speed {clock.real_share(real_seconds):.0%} of the time",
    )


def outage_check(engine: Engine, url: str, email: ProviderStub, sms: ProviderStub, logs: Path) -> list[str]:
    """The real dispatcher process against providers that are down (SendGrid answers 503) and away (the SMS
    gateway refuses connections): each notice comes back pending with one attempt more, the provider's
    answer as its last error, and its next attempt RetryPolicy.delay(1) later; then, with the providers back
    and the next attempt made due, each is sent once."""
    empty_outbox(engine)
    email.reset()
    sms.reset()
    email.down()
    sms.refuse()
    now = datetime.now(UTC)
    rows = [
        notice_row(
            number,
            Channel.SMS if number % 2 == 0 else Channel.EMAIL,
            mobile_of(number) if number % 2 == 0 else email_of(number),
            created_at=now,
            due_at=now + timedelta(days=1),
        )
        for number in range(200)
    ]
    fill_outbox(engine, rows)
    env = dispatcher_env(url, email, sms)
    lines = []
    policy = RetryPolicy()
    with dispatchers(1, [sys.executable, "-m", "homecare.notify"], env, logs, engine) as running:
        running.wait_ready()
        with engine.begin() as connection:
            connection.execute(text("UPDATE outboxitem SET due_at = :now"), {"now": datetime.now(UTC)})
        released = datetime.now(UTC)
        deadline = time.time() + 30
        query = text("SELECT count(*) FROM outboxitem WHERE attempts = 1 AND status = 'pending'")
        while time.time() < deadline:
            with engine.connect() as connection:
                if connection.execute(query).scalar_one() == len(rows):
                    break
            time.sleep(0.2)
        with engine.connect() as connection:
            state = connection.execute(
                text("SELECT channel, status, attempts, due_at, last_error FROM outboxitem")
            ).all()
        waits = [(row.due_at - released).total_seconds() for row in state]
        email_errors = Counter(row.last_error for row in state if row.channel == "email")
        sms_errors = Counter((row.last_error or "").split(":")[0] for row in state if row.channel == "sms")
        back = sum(1 for row in state if row.status == "pending" and row.attempts == 1)
        low, high = (policy.first_delay.total_seconds() * (1 + sign * policy.jitter) for sign in (-1, 1))
        lines.append(
            f"- Down: {len(state)} notices released to 1 `python -m homecare.notify` while SendGrid answers "
            f"503 and the SMS gateway refuses connections: {back} back to pending with attempts = 1, the "
            f"next "
            f"attempt {min(waits):.1f} to {max(waits):.1f} s after the release (RetryPolicy.delay(1): "
            f"{low:.0f} to {high:.0f} s after the failed attempt); last errors: e-mail {dict(email_errors)}, "
            f"SMS {dict(sms_errors)}; the providers took {len(email.accepted()) + len(sms.accepted())} "
            f"messages (SendGrid answered {len(email.receipts)} requests with 503)."
        )
        email.up()
        sms.up()
        with engine.begin() as connection:
            connection.execute(text("UPDATE outboxitem SET due_at = :now"), {"now": datetime.now(UTC)})
        deadline = time.time() + 30
        while unsent(engine) and time.time() < deadline:
            time.sleep(0.2)
    verdict = verify(engine, [email, sms], {str(row["dedupe_key"]): 2 for row in rows})
    lines.append(f"- Up again, next attempt due: {verdict.summary()}, each with attempts = 2.")
    return lines


def backoff_table(backlog: Backlog) -> list[str]:
    """What the retry policy left: per number of failed attempts, how many notices, and when each is next
    tried after the recovery."""
    waits: dict[int, list[float]] = defaultdict(list)
    for row in backlog.rows:
        if row["created_at"] < backlog.recovery:  # type: ignore[operator]
            wait = (row["due_at"] - backlog.recovery).total_seconds()  # type: ignore[operator]
            waits[int(row["attempts"])].append(wait)  # type: ignore[call-overload]
    lines = [
        "| failed attempts in the outage | notices | next attempt after the recovery, min: earliest / median "
        "/ latest |",
        "|---:|---:|---|",
    ]
    for attempts in sorted(waits):
        values = sorted(waits[attempts])
        lines.append(
            f"| {attempts} | {len(values):,} | {values[0] / 60:.1f} / {statistics.median(values) / 60:.1f} / "
            f"{values[-1] / 60:.1f} |"
        )
    return lines


def print_drain(
    rate: PeakRate,
    outage: timedelta,
    results: list[DrainResult],
    check: list[str],
    policy: RetryPolicy,
    backlog: Backlog | None,
) -> None:
    print("\n### 2. Draining the backlog of a 30-minute provider outage\n")
    print(f"Peak rate: {rate.explain()}.")
    if results:
        first = results[0]
        print(
            f"A {outage.total_seconds() / 60:.0f}-minute outage at that rate leaves {first.backlog:,} "
            f"notices owed; {first.later:,} more arrive at the same rate while the backlog drains. "
            f"Retry policy: "
            f"{policy.first_delay.total_seconds():.0f} s doubling to at most "
            f"{policy.longest_delay.total_seconds() / 60:.0f} min, +/-{policy.jitter:.0%} jitter, "
            f"{policy.max_attempts} attempts.\n"
        )
    for line in check:
        print(line)
    if backlog is not None:
        print("\nWhat the retry policy left when the providers came back:\n")
        for line in backoff_table(backlog):
            print(line)
    print(
        "\nTimes in minutes after the providers come back, on the dispatchers' clock. *Backoff bound*: the "
        "latest next attempt the policy set for a backlog notice; no dispatcher may send it before. *Lag*: "
        "sent minus due, in seconds of the dispatchers' clock (while it runs fast this multiplies the "
        "polling and sending time: an upper bound). *Real s*: how long the run took here.\n"
    )
    print(
        "| run | dispatchers | setup s | backoff bound | backlog sent by | all sent by "
        "| lag p50 / p99 / max s | clock | real s | CPU ms per notice: dispatchers / PostgreSQL | load "
        "| check | recipients out of order |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|---:|---|---:|---|---|")
    for result in results:
        rows = result.backlog + result.later
        per = {name: 1000 * spent / rows for name, spent in result.cpu.items()}
        print(
            f"| {result.label} | {result.dispatchers} | {result.setup:.1f} | {result.bound / 60:.1f} | "
            f"{result.backlog_drained / 60:.1f} | {result.all_drained / 60:.1f} | "
            f"{result.lag_p50:.1f} / {result.lag_p99:.1f} / {result.lag_max:.1f} | {result.speeds} | "
            f"{result.real_seconds:.0f} | {per['dispatchers']:.2f} / {per['postgres']:.2f} | "
            f"{result.cpu['load']:.1f} | {result.verdict.summary()} ({result.verdict.bundled} went inside "
            f"another's SMS) | {result.verdict.out_of_order_recipients} of "
            f"{result.verdict.recipients_with_several} |"
        )


# Main -------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("HOMECARE_TEST_POSTGRES_URL"))
    parser.add_argument("--database-name", default=DATABASE_NAME)
    parser.add_argument("--notices", type=int, default=20_000)
    parser.add_argument("--dispatchers", default="1,4")
    parser.add_argument(
        "--history", type=int, default=1_000_000, help="notices sent before, kept in the outbox"
    )
    parser.add_argument("--drop-index", action="append", default=[], help="measure without this index")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-outage", action="store_true")
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--share", type=float, default=0.5, help="of the persons, set up for notices")
    parser.add_argument("--per-day", type=float, default=4.0, help="notices a day per person set up")
    parser.add_argument(
        "--peak-hour-share", type=float, default=0.15, help="of a day's notices in the busiest hour"
    )
    parser.add_argument("--outage-minutes", type=float, default=30)
    parser.add_argument(
        "--repeat-share", type=float, default=0.2, help="notices to someone told within 30 min"
    )
    parser.add_argument(
        "--no-new-traffic", action="store_true", help="no new notices while the backlog drains"
    )
    parser.add_argument("--drain-rate", type=float, default=150, help="most rows due per real second (clock)")
    parser.add_argument("--max-speed", type=float, default=20, help="fastest the dispatchers' clock runs")
    parser.add_argument("--real-time", action="store_true", help="the dispatchers' clock at real speed")
    parser.add_argument(
        "--drain-variants",
        default="backoff,all-due",
        help="backoff: the backlog as the retry policy left it; all-due: all of it due at the recovery",
    )
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("no --database-url and no HOMECARE_TEST_POSTGRES_URL")
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("the benchmark runs on PostgreSQL")
    counts = [int(part) for part in args.dispatchers.split(",") if part.strip()]

    setup_started = time.perf_counter()
    url = make_database(args.database_url, args.database_name)
    engine = create_engine(url)
    with engine.begin() as connection:
        for index in args.drop_index:
            connection.execute(text(f'DROP INDEX "{index}"'))
    email, sms = SendGridBenchStub(SENDGRID_KEY), SmsGatewayBenchStub(GATEWAY_TOKEN)
    logs = Path(tempfile.mkdtemp(prefix="notifybench-"))
    database_setup = time.perf_counter() - setup_started
    with engine.connect() as connection:
        server = connection.execute(text("SHOW server_version")).scalar_one()
        settings = {
            name: connection.execute(text(f"SHOW {name}")).scalar_one()
            for name in ("fsync", "synchronous_commit", "shared_buffers")
        }
    print("## Notification dispatchers on PostgreSQL\n")
    print(
        f"PostgreSQL {server} on {make_url(url).host} "
        f"({', '.join(f'{name}={value}' for name, value in settings.items())}); {os.cpu_count()} cores "
        f"shared by PostgreSQL, the dispatchers, the stub providers (this process) and whatever else "
        f"runs here. "
        f"Database made and migrated in {database_setup:.1f} s; {args.history:,} notices sent earlier kept "
        f"in the outbox. Dispatchers poll every {POLL_SECONDS} s when idle, "
        f"claim 50 rows at a time. Logs: {logs}"
    )
    try:
        if not args.skip_throughput:
            results = []
            for count in counts:
                say(f"throughput: {args.notices} notices, {count} dispatcher(s)")
                results.append(
                    throughput_run(engine, url, count, args.notices, email, sms, logs, args.history)
                )
            print_throughput(results)
        if not args.skip_outage:
            rate = PeakRate(args.persons, args.share, args.per_day, args.peak_hour_share)
            outage = timedelta(minutes=args.outage_minutes)
            policy = RetryPolicy()
            say("outage: the real dispatcher against providers that are down")
            check = outage_check(engine, url, email, sms, logs)
            drains = []
            first_backlog: Backlog | None = None
            max_speed = 1.0 if args.real_time else args.max_speed
            variants = {
                "backoff": ("backoff as the policy left it", False, not args.no_new_traffic),
                "all-due": ("everything due at recovery", True, False),
            }
            for label, all_due, new_traffic in (variants[name] for name in args.drain_variants.split(",")):
                for count in counts:
                    recovery = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
                    backlog = outage_backlog(
                        rate,
                        outage,
                        recovery,
                        policy,
                        random.Random(args.seed),
                        args.repeat_share,
                        new_traffic,
                        all_due_at_recovery=all_due,
                    )
                    if first_backlog is None:
                        first_backlog = backlog
                    later = len(backlog.rows) - backlog.backlog
                    say(f"drain ({label}): {backlog.backlog} owed, {later} later, {count} dispatcher(s)")
                    drains.append(
                        drain_run(
                            label,
                            engine,
                            url,
                            count,
                            backlog,
                            email,
                            sms,
                            logs,
                            args.drain_rate,
                            max_speed,
                            args.history,
                        )
                    )
            print_drain(rate, outage, drains, check, policy, first_backlog)
    finally:
        email.close()
        sms.close()
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
