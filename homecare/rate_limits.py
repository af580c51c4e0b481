"""Rate limits as token buckets: `count` uses per `seconds`, in bursts of up to `burst` at once.

With Redis (REFLEX_REDIS_URL) the buckets live there, so every worker on every host counts against the same
limit; without it, in the process. Should Redis not answer, the request goes on (and the fault is logged):
a limit is a protection, and Redis restarting must not take the service down with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import redis

from homecare.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """`count` uses per `seconds`, at most `burst` of them at once."""

    count: int
    seconds: float
    burst: float

    @classmethod
    def per_minute(cls, count: int) -> Limit:
        """The integration API's: a tenth of the minute at once."""
        return cls(count, 60, max(count / 10, 1.0))

    @property
    def rate(self) -> float:
        """Uses won back per second."""
        return self.count / self.seconds


class RateLimiter(Protocol):
    limit: Limit

    def take(self, key: str) -> float:
        """0 when the request may go on; otherwise the seconds to wait."""
        ...


@dataclass
class LocalRateLimiter:
    """The buckets in this process (one worker, or tests)."""

    limit: Limit
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str) -> float:
        rate, capacity = self.limit.rate, self.limit.burst
        with self._lock:
            now = self.clock()
            tokens, then = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - then) * rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return (1 - tokens) / rate
            self._buckets[key] = (tokens - 1, now)
            return 0.0


# The same bucket as LocalRateLimiter, taken atomically in Redis on Redis's own clock (so hosts agree). The
# key expires once it would be full again.
_TAKE = """
local rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(stored[1]) or capacity, tonumber(stored[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity / rate + 1) * 1000))
return tostring(wait)
"""


@dataclass
class RedisRateLimiter:
    """The buckets in Redis, shared by every worker and host."""

    limit: Limit
    server: redis.Redis
    scope: str

    def __post_init__(self) -> None:
        self._take = self.server.register_script(_TAKE)

    def take(self, key: str) -> float:
        rate, capacity = self.limit.rate, self.limit.burst
        try:
            wait = self._take(keys=[f"homecare:rate:{self.scope}:{key}"], args=[rate, capacity])
        except redis.RedisError:
            log.exception("rate limit %s: Redis did not answer; the request goes on", self.scope)
            return 0.0
        return float(wait)


def rate_limiter(settings: Settings, scope: str, limit: Limit) -> RateLimiter:
    """The limiter for `scope` (e.g. "api"): in Redis when the portal has it, otherwise in this process."""
    if settings.redis_url:
        return RedisRateLimiter(limit, _redis(settings.redis_url), scope)
    return LocalRateLimiter(limit)


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


@dataclass(frozen=True)
class AbuseLimits:
    """Against guessing and flooding: logins per address, powers of attorney granted (a national identity
    number and a surname is what one probes with) per person and per address, messages per person."""

    logins_per_address: RateLimiter
    grants_per_person: RateLimiter
    grants_per_address: RateLimiter
    messages_per_person: RateLimiter

    def login(self, address: str) -> float:
        return self.logins_per_address.take(address)

    def grant(self, person_id: int, address: str) -> float:
        return max(self.grants_per_person.take(str(person_id)), self.grants_per_address.take(address))

    def message(self, person_id: int) -> float:
        return self.messages_per_person.take(str(person_id))


def abuse_limits_from(settings: Settings) -> AbuseLimits:
    hour = 3600.0
    logins, grants, messages = (
        settings.logins_per_minute,
        settings.grants_per_hour,
        settings.messages_per_hour,
    )
    return AbuseLimits(
        logins_per_address=rate_limiter(settings, "login", Limit(logins, 60, max(logins / 2, 1))),
        grants_per_person=rate_limiter(settings, "grant-person", Limit(grants, hour, max(grants / 2, 1))),
        grants_per_address=rate_limiter(
            settings, "grant-address", Limit(grants * 3, hour, max(grants * 3 / 2, 1))
        ),
        messages_per_person=rate_limiter(settings, "message", Limit(messages, hour, max(messages / 3, 1))),
    )


@lru_cache(maxsize=1)
def abuse_limits() -> AbuseLimits:
    """This process's limits, from the settings (shared through Redis with every other process)."""
    return abuse_limits_from(get_settings())


def client_address(peer: str | None, forwarded_for: str | None, proxy_hops: int) -> str:
    """The address a request came from. Behind `proxy_hops` proxies of our own the peer is the last proxy,
    and the client is the address the first of them saw: the `proxy_hops`-th entry of X-Forwarded-For from
    the right (entries further left are whatever the client claimed)."""
    if proxy_hops > 0 and forwarded_for:
        entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
        if len(entries) >= proxy_hops:
            return entries[-proxy_hops]
    return peer or "unknown"
