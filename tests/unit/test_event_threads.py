"""An event's work in a thread finishes even when the page goes away, before the state is let go."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from homecare.state.event_threads import in_thread


def test_a_cancelled_event_waits_for_its_thread_before_it_ends() -> None:
    started, finished = threading.Event(), threading.Event()

    def attachment_work() -> str:
        started.set()
        time.sleep(0.2)
        finished.set()
        return "done"

    async def page_goes_away() -> None:
        event = asyncio.create_task(in_thread(attachment_work))
        await asyncio.to_thread(started.wait)
        event.cancel()
        with pytest.raises(asyncio.CancelledError):
            await event
        assert finished.is_set(), "the state was let go only after the thread was done with it"

    asyncio.run(page_goes_away())


def test_the_threads_result_and_errors_reach_the_event() -> None:
    def fails(_what: str) -> None:
        raise LookupError("nothing there")

    async def both() -> None:
        assert await in_thread(lambda a, b: a + b, 40, 2) == 42
        with pytest.raises(LookupError):
            await in_thread(fails, "a file")

    asyncio.run(both())
