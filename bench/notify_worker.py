"""A dispatcher process for the backlog part of bench/notify_throughput.py: `python -m homecare.notify` with
a clock the benchmark sets.

It builds the dispatcher exactly as the real process does (homecare.notify.runner.dispatcher_from: the same
Dispatcher, the same SendGrid and SMS senders from the settings) and runs the same loop; only the dispatcher's
`clock` is replaced. The clock reads a schedule file the benchmark writes at the moment the providers come
back: virtual time starts at the recovery moment and runs at a given speed per stretch of virtual time
(1 = real time). Until the file is there the clock stands an hour before the recovery, when nothing is due.

    python -m bench.notify_worker SCHEDULE_FILE RECOVERY_ISO
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from homecare.notify.runner import _once, dispatcher_from
from homecare.settings import get_settings


class ScheduleClock:
    """Virtual time: `recovery` at real time `real_start`, then stretch after stretch, each at its own speed.

    The file holds {"real_start": seconds since the epoch, "stretches": [[virtual seconds after recovery,
    real seconds after real_start, speed], ...]}; the benchmark appends stretches as it goes (replacing the
    file whole), and the clock reads it again whenever it changes.
    """

    def __init__(self, path: Path, recovery: datetime) -> None:
        self.path = path
        self.recovery = recovery
        self.real_start: float | None = None
        self.stretches: list[tuple[float, float, float]] = []
        self._seen: int | None = None

    def _load(self) -> None:
        try:
            changed = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if changed == self._seen:
            return
        try:
            document = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return
        self._seen = changed
        self.real_start = document["real_start"]
        self.stretches = [tuple(stretch) for stretch in document["stretches"]]

    def virtual_seconds(self, real_now: float) -> float:
        assert self.real_start is not None
        elapsed = real_now - self.real_start
        if elapsed <= 0:
            return elapsed
        virtual_start, real_start, speed = self.stretches[0]
        for stretch in self.stretches:
            if stretch[1] > elapsed:
                break
            virtual_start, real_start, speed = stretch
        return virtual_start + (elapsed - real_start) * speed

    def __call__(self) -> datetime:
        self._load()
        if self.real_start is None:
            return self.recovery - timedelta(hours=1)
        return self.recovery + timedelta(seconds=self.virtual_seconds(time.time()))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    schedule, recovery = Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2])
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    dispatcher = dispatcher_from(get_settings())
    dispatcher.clock = ScheduleClock(schedule, recovery)
    interval = dispatcher.settings.dispatch_interval_seconds
    print("dispatcher started", file=sys.stderr, flush=True)
    while not stop.is_set():
        if _once(dispatcher) < dispatcher.batch:
            stop.wait(interval)


if __name__ == "__main__":
    main()
