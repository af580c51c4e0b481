"""A page's event does its database work in a thread, and finishes it even when the page goes away."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from homecare.state.session import _finished


def test_a_cancelled_event_waits_for_its_thread_before_it_ends() -> None:
    started, finished = threading.Event(), threading.Event()

    def database_work() -> str:
        started.set()
        time.sleep(0.2)
        finished.set()
        return "done"

    async def page_goes_away() -> None:
        event = asyncio.create_task(_finished(asyncio.to_thread(database_work)))
        await asyncio.to_thread(started.wait)
        event.cancel()
        with pytest.raises(asyncio.CancelledError):
            await event
        assert finished.is_set(), "the state was let go only after the thread was done with it"

    asyncio.run(page_goes_away())


def test_the_threads_result_and_errors_reach_the_event() -> None:
    def fails() -> None:
        raise LookupError("nothing there")

    async def both() -> None:
        assert await _finished(asyncio.to_thread(lambda: 42)) == 42
        with pytest.raises(LookupError):
            await _finished(asyncio.to_thread(fails))

    asyncio.run(both())
