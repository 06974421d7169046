"""Sliding-window rate limits in Redis: one atomic round trip per attempt.

Each limited subject (an e-mail, a client address, …) has a sorted set of the
times of its accepted attempts. A Lua script drops the ones older than the
window, and only when *every* subject named in the call still has room does it
record the attempt under all of them. Checking and counting together, inside
Redis, means concurrent attempts cannot slip past a limit between a check and a
count; recording only accepted attempts means a client hammering a closed limit
does not push its reopening further away.

    limiter = SlidingWindowLimiter(redis, enabled=platform_settings().rate_limits_enabled)
    decision = await limiter.hit(
        (Limit("login:email", 10, 900), email_digest),
        (Limit("login:address", 60, 60), client_address),
    )
    if not decision.allowed:
        ...  # tell the caller to retry in decision.retry_after_seconds

Times come from the Redis server's clock, so several replicas of a service
agree on the window whatever their own clocks say (a `clock` given to the
limiter replaces it, for tests that move time on instead of waiting). When Redis cannot be reached
the call raises: an attempt is refused rather than let through unlimited.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

KEY_PREFIX = "ratelimit"

# KEYS: one sorted set per subject. ARGV[1]: a unique member for this attempt;
# ARGV[2]: the time in milliseconds, or "" for the server's clock; then for
# each key, its limit and its window in milliseconds.
# Returns 0 when the attempt was recorded, else the milliseconds until every
# full key has room again.
_SCRIPT = """
local now = tonumber(ARGV[2])
if not now then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
end
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i + 1])
  local window = tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    -- Room comes back when the oldest attempt that keeps the set full expires.
    local blocking = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local key_wait = tonumber(blocking[2]) + window - now
    if key_wait > wait then wait = key_wait end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 2]))
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` attempts per subject in any `window_seconds`; `name` keeps
    the subjects of different limits apart ("login:email", "register:address")."""

    name: str
    count: int
    window_seconds: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.window_seconds <= 0:
            raise ValueError(f"limit {self.name!r} needs a count >= 1 and a positive window")

    @property
    def window_ms(self) -> int:
        return max(1, round(self.window_seconds * 1000))

    def key(self, subject: str) -> str:
        # Hashed: subjects may be e-mail addresses, which have no place in key names.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"{KEY_PREFIX}:{self.name}:{digest}"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    # Milliseconds until an attempt would be accepted; 0 when this one was.
    retry_after_ms: int = 0
    # The recorded attempt, for `release`; None when nothing was recorded.
    attempt: str | None = None

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds to wait, rounded up so that retrying then succeeds."""
        return math.ceil(self.retry_after_ms / 1000)


ALLOWED = Decision(allowed=True)


class SlidingWindowLimiter:
    def __init__(
        self, redis: Redis, *, enabled: bool = True, clock: Callable[[], int] | None = None
    ) -> None:
        self._redis = redis
        # MINISHOP_RATE_LIMITS=off: every attempt is allowed and nothing is stored.
        self._enabled = enabled
        # Milliseconds; None is the Redis server's clock.
        self._clock = clock
        self._script = redis.register_script(_SCRIPT)

    @property
    def enabled(self) -> bool:
        return self._enabled

    async def hit(self, *checks: tuple[Limit, str]) -> Decision:
        """Record one attempt against every `(limit, subject)` pair, or none of them.

        Allowed only if every pair has room; the retry delay is the longest wait
        among the pairs that are full.
        """
        if not self._enabled or not checks:
            return ALLOWED
        keys = [limit.key(subject) for limit, subject in checks]
        attempt = uuid.uuid4().hex
        args: list[str | int] = [attempt, "" if self._clock is None else self._clock()]
        for limit, _subject in checks:
            args += [limit.count, limit.window_ms]
        wait = int(await self._script(keys=keys, args=args))
        if wait > 0:
            return Decision(allowed=False, retry_after_ms=wait)
        return Decision(allowed=True, attempt=attempt)

    async def release(self, decision: Decision, *checks: tuple[Limit, str]) -> None:
        """Take a recorded attempt back from these subjects' counts.

        For limits on failures only: count every attempt up front (so parallel
        attempts cannot all slip through), then give back the ones that succeed.
        """
        if decision.attempt is None or not checks:
            return
        async with self._redis.pipeline(transaction=False) as pipeline:
            for limit, subject in checks:
                pipeline.zrem(limit.key(subject), decision.attempt)
            await pipeline.execute()
