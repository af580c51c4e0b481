"""Rate limits: a token bucket per key, kept in the process or, for several workers and hosts, in Redis."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st

from homecare.rate_limits import Limit, LocalRateLimiter, RedisRateLimiter, rate_limiter
from homecare.settings import get_settings
from tests.integration.stub_servers import unused_port_url

REDIS_URL = os.environ.get("HOMECARE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(REDIS_URL is None, reason="scripts/test starts Redis")


@given(per_minute=st.integers(min_value=1, max_value=100_000), asked=st.integers(min_value=1, max_value=300))
def test_a_burst_gets_a_tenth_of_the_minute_and_then_waits(per_minute: int, asked: int) -> None:
    limiter = LocalRateLimiter(Limit.per_minute(per_minute), clock=lambda: 50.0)
    waits = [limiter.take("client") for _ in range(asked)]
    allowed = max(int(per_minute / 10), 1)
    assert waits[:allowed] == [0.0] * min(allowed, asked)
    assert all(wait > 0 for wait in waits[allowed:])


def test_the_bucket_fills_again_with_time_and_keys_are_apart() -> None:
    now = [0.0]
    limiter = LocalRateLimiter(Limit.per_minute(60), clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(6)] == [0.0] * 6
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0.0
    now[0] += 1.0
    assert limiter.take("a") == 0.0


def test_without_redis_the_limits_are_kept_in_the_process() -> None:
    assert isinstance(
        rate_limiter(replace(get_settings(), redis_url=None), "api", Limit.per_minute(60)), LocalRateLimiter
    )


@needs_redis
def test_with_redis_every_worker_counts_against_the_same_limit() -> None:
    settings = replace(get_settings(), redis_url=REDIS_URL)
    scope = f"test-{uuid.uuid4().hex}"
    workers = [rate_limiter(settings, scope, Limit.per_minute(60)) for _ in range(3)]
    assert all(isinstance(worker, RedisRateLimiter) for worker in workers)
    waits = [workers[number % 3].take("client-1") for number in range(9)]
    assert waits[:6] == [0.0] * 6, "six at once, whichever worker takes them"
    assert all(0 < wait <= 1.0 for wait in waits[6:])
    assert workers[0].take("client-2") == 0.0, "another client has a bucket of its own"
    server = redis.Redis.from_url(REDIS_URL or "")
    assert 0 < server.pttl(f"homecare:rate:{scope}:client-1") <= 11_000, "the bucket expires when full again"


def test_when_redis_does_not_answer_requests_go_on(caplog: pytest.LogCaptureFixture) -> None:
    down = replace(get_settings(), redis_url=unused_port_url().replace("http://", "redis://"))
    limiter = rate_limiter(down, "api", Limit.per_minute(1))
    assert [limiter.take("client") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert "Redis did not answer" in caplog.text
