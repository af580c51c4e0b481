"""Event latency under load: N simulated users over Reflex's websocket, beside the framework's floor.

Each user logs in through the development identity provider, opens the websocket with the session cookie and
goes round the real flows with about a second (± 50 %) of thinking between steps: choose the person they hold
a power of attorney for, open the inbox, open the appointments, write and send a message. Between the steps it
sends a no-op event (`SessionState.dismiss_notice`, one string, no database): its latency in the same run is
the framework's floor. See bench/event_users.py for what is sent and how answers are matched.

    # a portal of its own (one worker, disk state manager, SQLite), 500 users, 60 s after the ramp-up
    .venv/bin/python -m bench.event_load --start sqlite --users 500
    # two workers with Redis and PostgreSQL, on the throwaway servers of scripts/test_servers.sh
    bash -c 'source scripts/setup.sh && source scripts/test_servers.sh && start_test_servers &&
             .venv/bin/python -m bench.event_load --start postgres-redis --users 500'
    # a running portal: its database must hold the load cast (python -m bench.load_cast), and its limits
    # (HOMECARE_LOGINS_PER_MINUTE, HOMECARE_MESSAGES_PER_HOUR) must let every user log in and write a
    # message every few seconds from one address
    .venv/bin/python -m bench.event_load --portal http://localhost:3000 --users 100

Prints a Markdown table per run: latency percentiles and errors per event, events sent per second, and the CPU
used by the portal's processes (100 % is one core) and by the load generator during the measured window.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from urllib.parse import urlsplit

import psutil

from bench.event_portal import SETUPS, Portal, processes_listening_on, started_portal
from bench.event_users import DISCONNECTS, ROWS, Options, Recorder, SimulatedUser, StepFailed
from bench.load_cast import load_pairs

# Sockets per user: the websocket, and during the login the HTTP connections to the portal and the provider.
FILES_PER_USER = 4
# Reflex's lock expiry (10 s) and a margin: a held state is written by then, or its write was refused.
LATE_WRITES_SECONDS = 12


# The resident memory (MB) of each portal process: (seconds into the window, {pid: MB}).
MemorySamples = list[tuple[float, dict[int, float]]]


@dataclass(frozen=True)
class RunResult:
    users: int
    logged_in: int
    seconds: float
    recorder: Recorder
    portal_cpu: float
    generator_cpu: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    memory: MemorySamples


def raise_open_file_limit(users: int) -> int:
    """Raise the soft limit on open files to the hard one when the users need more; return the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = users * FILES_PER_USER + 256
    if soft < wanted:
        soft = hard if hard == resource.RLIM_INFINITY else min(max(wanted, soft), hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY and soft < wanted:
        print(f"warning: {soft} open files allowed, {users} users want about {wanted}", file=sys.stderr)
    return soft


def _cpu_seconds(processes: Sequence[psutil.Process]) -> dict[int, float]:
    seconds = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


def _resident_mb(processes: Sequence[psutil.Process]) -> dict[int, float]:
    resident = {}
    for process in processes:
        try:
            resident[process.pid] = process.memory_info().rss / 1e6
        except psutil.NoSuchProcess:
            continue
    return resident


async def _memory_during(
    processes: Sequence[psutil.Process], seconds: float
) -> list[tuple[float, dict[int, float]]]:
    """Sample the processes' memory ten times over `seconds` (and at both ends), sleeping in between."""
    samples = [(0.0, _resident_mb(processes))]
    for step in range(1, 11):
        await asyncio.sleep(seconds / 10)
        samples.append((step * seconds / 10, _resident_mb(processes)))
    return samples


def _cpu_percent(before: dict[int, float], after: dict[int, float], wall: float) -> float:
    used = sum(after[pid] - before[pid] for pid in after.keys() & before.keys())
    return 100 * used / wall


async def run_users(
    portal: Portal, users: int, *, seconds: float, options: Options, login_concurrency: int, settle: float
) -> RunResult:
    """Log the users in (at most `login_concurrency` at a time), let them run, measure for `seconds`.

    The window starts `settle` seconds after the last login; each user starts within a few think times of it.
    """
    recorder = Recorder()
    stop = asyncio.Event()
    people = [SimulatedUser(portal.url, pair, recorder, options) for pair in load_pairs(users)]
    gate = asyncio.Semaphore(login_concurrency)
    everyone_in = asyncio.Event()

    async def live(user: SimulatedUser) -> bool:
        async with gate:
            if not await user.log_in():
                return False
            try:
                await user.connect()
            except StepFailed:
                return False
        # Everyone logs in first: logins behind a saturated portal would make the ramp-up take many minutes.
        await everyone_in.wait()
        await user.run(stop)
        return True

    tasks = [asyncio.create_task(live(user)) for user in people]
    while sum(user.sio is not None for user in people) + sum(task.done() for task in tasks) < users:
        await asyncio.sleep(0.2)
    everyone_in.set()
    await asyncio.sleep(settle)
    # The generator's own collections would show up as latency; its heap after the logins stays put.
    gc.collect()
    gc.freeze()
    generator = psutil.Process()
    load_before = os.getloadavg()
    portal_before, generator_before = _cpu_seconds(portal.processes), _cpu_seconds([generator])
    started = time.perf_counter()
    recorder.window = (started, started + seconds)
    memory = await _memory_during(portal.processes, seconds)
    wall = time.perf_counter() - started
    portal_after, generator_after = _cpu_seconds(portal.processes), _cpu_seconds([generator])
    load_after = os.getloadavg()
    stop.set()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(user.close() for user in people), return_exceptions=True)
    gc.unfreeze()
    crashed = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    for outcome in crashed:
        recorder.problems[f"user crashed: {outcome!r}"[:120]] += 1
    return RunResult(
        users=users,
        logged_in=sum(outcome is True for outcome in outcomes),
        seconds=wall,
        recorder=recorder,
        portal_cpu=_cpu_percent(portal_before, portal_after, wall),
        generator_cpu=_cpu_percent(generator_before, generator_after, wall),
        load_before=load_before,
        load_after=load_after,
        memory=memory,
    )


def _percentiles(samples: list[float]) -> tuple[str, str, str]:
    if not samples:
        return "", "", ""
    if len(samples) == 1:
        value = f"{samples[0] * 1000:.1f}"
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return f"{cuts[49] * 1000:.1f}", f"{cuts[94] * 1000:.1f}", f"{cuts[98] * 1000:.1f}"


def table(result: RunResult, portal: Portal, logged_errors: list[str]) -> str:
    """The run as Markdown: one row per event, then the totals."""
    recorder = result.recorder
    lines = [
        f"**{result.users} users** ({result.logged_in} logged in and ran), {portal.description}, "
        f"measured for {result.seconds:.0f} s after the ramp-up",
        "",
        "| users | event | count | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in ROWS:
        samples = recorder.samples[row]
        if row == DISCONNECTS:
            lines.append(f"| {result.users} | {row} | | | | | {recorder.errors[row]} |")
            continue
        p50, p95, p99 = _percentiles(samples)
        lines.append(
            f"| {result.users} | {row} | {len(samples)} | {p50} | {p95} | {p99} | {recorder.errors[row]} |"
        )
    load = " → ".join(
        ", ".join(f"{value:.2f}" for value in loads) for loads in (result.load_before, result.load_after)
    )
    lines += [
        "",
        f"- events sent: {recorder.sent_in_window / result.seconds:.0f}/s "
        "(a navigation is one event sent; the portal runs three for it: on_load_internal, the page's load, "
        "is_hydrated)",
        f"- CPU during the window: portal {result.portal_cpu:.0f} % ({len(portal.processes)} processes; "
        f"100 % is one core), load generator {result.generator_cpu:.0f} %",
        f"- load average (1, 5, 15 min) before → after the window: {load}",
        *_memory_lines(result.memory),
    ]
    if logged_errors:
        first = logged_errors[0][:400]
        lines.append(f"- errors in the portal's log during the run: {len(logged_errors)}; the first: {first}")
    lines += [f"- {count} times: {problem}" for problem, count in recorder.problems.most_common(12)]
    lines += [
        f"- before the window, {count} times: {problem}"
        for problem, count in recorder.problems_before.most_common(6)
    ]
    return "\n".join(lines)


def _memory_lines(memory: MemorySamples) -> list[str]:
    """Each portal process's resident memory through the window, and how it grew in the second half."""
    if not memory:
        return []
    lines = []
    half = memory[len(memory) // 2][1]
    for pid in sorted(memory[0][1]):
        values = [sample.get(pid) for _at, sample in memory]
        seen = [value for value in values if value is not None]
        if not seen:
            continue
        growth = seen[-1] - half.get(pid, seen[0])
        lines.append(
            f"- memory of process {pid} (RSS MB, every tenth of the window): "
            + " ".join(f"{value:.0f}" if value is not None else "-" for value in values)
            + f"; second half {growth:+.1f} MB"
        )
    return lines


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.event_load", description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--portal", help="URL of a running portal whose database holds the load cast")
    target.add_argument("--start", choices=SETUPS, help="start a portal of its own in this set-up")
    parser.add_argument("--users", type=int, nargs="+", default=[100], help="users per run (default 100)")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds after the ramp-up (60)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time in seconds, ± 50 %% (1.0)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for an answer (30)")
    parser.add_argument("--login-concurrency", type=int, default=20, help="logins at a time (20)")
    parser.add_argument(
        "--settle", type=float, default=10, help="seconds between the ramp-up and the window (10)"
    )
    parser.add_argument("--workers", type=int, default=2, help="workers for postgres-redis (2)")
    parser.add_argument("--postgres-url", default=os.environ.get("HOMECARE_TEST_POSTGRES_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("HOMECARE_TEST_REDIS_URL"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    most = max(arguments.users)
    print(f"open files allowed: {raise_open_file_limit(most)}", file=sys.stderr)
    options = Options(think_seconds=arguments.think, timeout_seconds=arguments.timeout)
    gc.set_threshold(50_000, 50, 100)
    context: AbstractContextManager[Portal]
    if arguments.start:
        context = started_portal(
            arguments.start, most, workers=arguments.workers,
            postgres_url=arguments.postgres_url, redis_url=arguments.redis_url,
        )  # fmt: skip
    else:
        url = arguments.portal.rstrip("/")
        port = urlsplit(url).port or 80
        context = nullcontext(Portal(url, f"the portal at {url}", processes_listening_on(port)))
    failed, errors_before = False, 0
    with context as portal:
        for users in arguments.users:
            result = asyncio.run(
                run_users(
                    portal, users, seconds=arguments.seconds, options=options,
                    login_concurrency=arguments.login_concurrency, settle=arguments.settle,
                )
            )  # fmt: skip
            # A worker writes the states it holds when its hold ends, and a write refused because the lock
            # had expired by then (Reflex's, 10 s) is logged only then: wait that long before reading. The
            # log is the whole invocation's: this run's errors are the ones after the runs before.
            if portal.log:
                time.sleep(LATE_WRITES_SECONDS)
            logged_so_far = portal.logged_errors()
            logged_errors, errors_before = logged_so_far[errors_before:], len(logged_so_far)
            print(table(result, portal, logged_errors), "\n", flush=True)
            recorder = result.recorder
            errors = (
                any(recorder.errors.values())
                or bool(recorder.problems_before)
                or result.logged_in < users
                or bool(logged_errors)
            )
            if errors and portal.log:
                print(f"The end of the portal's log:\n{portal.log_tail()}", file=sys.stderr)
            failed = failed or errors
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
