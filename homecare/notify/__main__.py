"""`python -m homecare.notify`: the dispatcher as a process of its own (for production, beside the app)."""

from __future__ import annotations

import logging
import signal
import threading

from homecare.logs import configure_logging
from homecare.notify.runner import run_forever
from homecare.settings import get_settings, production_problems


def main() -> None:
    configure_logging(json_lines=get_settings().json_logs)
    if problems := production_problems(get_settings()):
        # Without real senders the development outbox would mark every notice sent: they would be lost.
        raise SystemExit("refusing to start with unsafe production settings: " + "; ".join(problems))
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    logging.getLogger("homecare.notify").info("dispatcher started")
    run_forever(stop)


if __name__ == "__main__":
    main()
