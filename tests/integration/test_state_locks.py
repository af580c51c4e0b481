"""Two backend workers waiting for one page's state: neither waits out the other's hold on it
(homecare/state_lock_names.py), against a real Redis."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken

from homecare.state.i18n import I18nState
from homecare.state_lock_names import own_lock_name

REDIS_URL = os.environ.get("HOMECARE_TEST_REDIS_URL")
HOLD_SECONDS = 3.0

needs_redis = pytest.mark.skipif(REDIS_URL is None, reason="scripts/test starts a Redis server")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def state_manager(*, holds: bool) -> StateManagerRedis:
    """A worker's state manager; one that holds keeps a page's state for HOLD_SECONDS after an event."""
    manager = StateManagerRedis(
        redis=Redis.from_url(REDIS_URL or ""), oplock_hold_time_ms=int(HOLD_SECONDS * 1000)
    )
    manager._oplock_enabled = holds
    return manager


@pytest.fixture
async def forked_workers() -> AsyncIterator[tuple[StateManagerRedis, StateManagerRedis]]:
    """Two workers' state managers as the fork leaves them: with one name between them."""
    first, second = state_manager(holds=True), state_manager(holds=True)
    second._instance_id = first._instance_id
    yield first, second
    await asyncio.gather(first.close(), second.close())


async def seconds_until_both_have_the_state(first: StateManagerRedis, second: StateManagerRedis) -> float:
    """Both workers wait for a page's state while a third has it; how long from its release until each
    of them has had its turn."""
    token = BaseStateToken(ident=str(uuid.uuid4()), cls=I18nState)
    third = state_manager(holds=False)

    async def event(manager: StateManagerRedis) -> None:
        async with manager.modify_state(token) as state:
            state.get_substate(I18nState.get_full_name().split(".")).language = "en"

    waiting: list[asyncio.Task[None]] = []
    try:
        async with third.modify_state(token):
            waiting = [asyncio.create_task(event(first)), asyncio.create_task(event(second))]
            await both_waiting(first, second, StateManagerRedis._lock_key(token))
            assert not any(task.done() for task in waiting)
            released = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*waiting), timeout=3 * HOLD_SECONDS)
        return time.monotonic() - released
    finally:
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await third.close()


async def both_waiting(first: StateManagerRedis, second: StateManagerRedis, lock_key: bytes) -> None:
    """Until each worker waits for the lock and listens for its release, with its claim in the set of
    waiters (put there just after it starts to wait)."""
    deadline = time.monotonic() + 5
    while not all(
        manager._n_lock_waiters(lock_key) == 1 and manager._lock_updates_subscribed.is_set()
        for manager in (first, second)
    ):
        assert time.monotonic() < deadline, "the workers did not start to wait for the lock"
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)


@pytest.mark.anyio
@needs_redis
async def test_with_the_name_the_fork_leaves_them_one_worker_waits_out_the_others_hold(
    forked_workers: tuple[StateManagerRedis, StateManagerRedis],
) -> None:
    # Reflex's behaviour that own_lock_name works around: when this fails, Reflex names each worker itself.
    assert await seconds_until_both_have_the_state(*forked_workers) >= HOLD_SECONDS


@pytest.mark.anyio
@needs_redis
async def test_with_a_name_of_its_own_neither_worker_waits_for_the_others_hold(
    forked_workers: tuple[StateManagerRedis, StateManagerRedis],
) -> None:
    first, second = forked_workers
    for manager in forked_workers:
        own_lock_name(SimpleNamespace(state_manager=manager))
    assert first._instance_id != second._instance_id
    assert await seconds_until_both_have_the_state(first, second) < 1.0


def test_every_worker_names_itself_as_it_starts() -> None:
    from homecare.homecare import app

    assert own_lock_name in app.get_lifespan_tasks()
