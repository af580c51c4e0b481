"""Work an event hands to a thread: checking, hashing and writing an attachment of up to 50 MB would hold up
every other page on the worker's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


async def in_thread(work: Callable[..., Result], *args: object) -> Result:
    """`work(*args)` in a thread, run to its end even when the event is cancelled meanwhile (the page went
    away): the state stays the event's until the thread has finished with it, so the next event on the same
    page (its worker may keep the state in memory) never meets a thread still changing it."""
    running = asyncio.ensure_future(asyncio.to_thread(work, *args))
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        await asyncio.wait([running])
        raise
