"""A time-limited Redis lease: which consumer of a group is the reader right now.

`SET key owner NX PX ttl` takes it; the holder renews it every `ttl / 3`, and
checks and deletes it only while its own token is there (two small Lua
scripts), so a holder that stalled past its expiry can neither extend nor
delete its successor's lease. The holder also stops trusting the lease on its
own clock once `ttl` has passed since the last successful renewal, whether or
not Redis could be reached.
"""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger("minishop.events.lease")

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class Lease:
    def __init__(self, redis: Redis, key: str, owner: str, ttl_seconds: float) -> None:
        self._redis = redis
        self.key = key
        self.owner = owner
        self.ttl_seconds = ttl_seconds
        self._valid_until = 0.0
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @property
    def held(self) -> bool:
        return time.monotonic() < self._valid_until

    @property
    def _ttl_ms(self) -> int:
        return max(1, int(self.ttl_seconds * 1000))

    async def acquire(self) -> bool:
        """Take the lease if it is free (or already ours)."""
        asked_at = time.monotonic()
        if await self._redis.set(self.key, self.owner, nx=True, px=self._ttl_ms):
            self._valid_until = asked_at + self.ttl_seconds
            return True
        return await self.renew()

    async def renew(self) -> bool:
        asked_at = time.monotonic()
        try:
            renewed = bool(await self._renew(keys=[self.key], args=[self.owner, self._ttl_ms]))
        except RedisError:
            logger.warning("could not renew the consumer lease %s", self.key, exc_info=True)
            return self.held  # keep going until our own clock says it may have lapsed
        if renewed:
            self._valid_until = asked_at + self.ttl_seconds
        else:
            self._valid_until = 0.0
        return renewed

    async def release(self) -> None:
        self._valid_until = 0.0
        try:
            await self._release(keys=[self.key], args=[self.owner])
        except RedisError:
            logger.warning("could not release the consumer lease %s", self.key, exc_info=True)
