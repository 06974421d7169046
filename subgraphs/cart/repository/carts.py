"""The cart in Redis, its primary store.

Per user: a hash of product id → quantity, a sorted set keeping the order in
which lines were added, and the last-change time. Every change is one Lua
script, so concurrent changes of one line never lose an update and a cart is
never seen half-changed. All three keys share the `{cart:<user>}` hash tag so a
Redis Cluster keeps them on one slot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

# Result codes returned by the scripts.
OK = 0
QUANTITY_LIMIT = 1
LINE_LIMIT = 2
LINE_MISSING = 3

# New lines go after the last one (timestamps tie within a millisecond).
_NEXT_POSITION = """
local function next_position(order_key)
  local last = redis.call('ZRANGE', order_key, -1, -1, 'WITHSCORES')
  return (tonumber(last[2]) or 0) + 1
end
"""

# KEYS: lines, order, updated. ARGV: product, delta, max quantity, max lines, ttl, now.
_ADD = (
    _NEXT_POSITION
    + """
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local wanted = current + tonumber(ARGV[2])
if wanted > tonumber(ARGV[3]) then return {1, current} end
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {2, 0} end
redis.call('HSET', KEYS[1], ARGV[1], wanted)
if current == 0 then redis.call('ZADD', KEYS[2], next_position(KEYS[2]), ARGV[1]) end
redis.call('SET', KEYS[3], ARGV[6])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return {0, wanted}
"""
)

# KEYS: lines, order, updated. ARGV: product, quantity (0 removes), ttl, now.
# Only an existing line changes: the caller checked it before asking the catalog,
# and a line removed or ordered meanwhile must not come back.
_UPDATE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return {3, 0} end
local quantity = tonumber(ARGV[2])
if quantity == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], quantity)
end
redis.call('SET', KEYS[3], ARGV[4])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
return {0, quantity}
"""

# KEYS: lines, order, updated, processed marker. ARGV: ttl, now, marker ttl, then
# product/quantity pairs. Takes the ordered quantities out once per event.
_TAKE_ORDERED = """
if redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[3]) == false then return 0 end
for i = 4, #ARGV, 2 do
  local left = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') - tonumber(ARGV[i + 1])
  if left > 0 then
    redis.call('HSET', KEYS[1], ARGV[i], left)
  else
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
  end
end
redis.call('SET', KEYS[3], ARGV[2])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return 1
"""

# KEYS: lines, order, updated. Reads everything in one round trip.
_READ = """
local products = redis.call('ZRANGE', KEYS[2], 0, -1)
local quantities = {}
if #products > 0 then quantities = redis.call('HMGET', KEYS[1], unpack(products)) end
return {products, quantities, redis.call('GET', KEYS[3]) or ''}
"""


@dataclass(frozen=True, slots=True)
class StoredLine:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class StoredCart:
    lines: list[StoredLine]
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChangeResult:
    code: int
    quantity: int


def _keys(user_id: str) -> list[str]:
    tag = f"{{cart:{user_id}}}"
    return [f"{tag}:lines", f"{tag}:order", f"{tag}:updated"]


def _now_ms() -> str:
    return str(int(time.time() * 1000))


class CartStore:
    # Markers that an OrderPlaced event was applied outlive any redelivery.
    PROCESSED_MARKER_TTL_SECONDS = 7 * 24 * 3600

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._add = redis.register_script(_ADD)
        self._update = redis.register_script(_UPDATE)
        self._take = redis.register_script(_TAKE_ORDERED)
        self._read = redis.register_script(_READ)

    async def read(self, user_id: str) -> StoredCart:
        products, quantities, updated = await self._read(keys=_keys(user_id))
        lines = [
            StoredLine(product_id=p, quantity=int(q))
            for p, q in zip(products, quantities, strict=True)
            if q is not None
        ]
        updated_at = datetime.fromtimestamp(int(updated) / 1000, UTC) if updated else None
        return StoredCart(lines=lines, updated_at=updated_at)

    async def add(
        self, user_id: str, product_id: str, quantity: int, *, max_quantity: int, max_lines: int
    ) -> ChangeResult:
        code, resulting = await self._add(
            keys=_keys(user_id),
            args=[product_id, quantity, max_quantity, max_lines, self._ttl, _now_ms()],
        )
        return ChangeResult(int(code), int(resulting))

    async def update_line(self, user_id: str, product_id: str, quantity: int) -> ChangeResult:
        """Set an existing line's quantity (0 removes it); LINE_MISSING changes nothing."""
        code, resulting = await self._update(
            keys=_keys(user_id), args=[product_id, quantity, self._ttl, _now_ms()]
        )
        return ChangeResult(int(code), int(resulting))

    async def clear(self, user_id: str) -> None:
        lines, order, updated = _keys(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(lines, order)
            pipe.set(updated, _now_ms(), ex=self._ttl)
            await pipe.execute()

    async def take_ordered(self, user_id: str, event_id: str, lines: list[StoredLine]) -> bool:
        """Remove what an order took from the cart, once per event id.

        Only the ordered quantities go: anything added while the order was
        placed stays. False when this event was already applied.
        """
        marker = f"{{cart:{user_id}}}:processed:{event_id}"
        args: list[str | int] = [self._ttl, _now_ms(), self.PROCESSED_MARKER_TTL_SECONDS]
        for line in lines:
            args += [line.product_id, line.quantity]
        return bool(await self._take(keys=[*_keys(user_id), marker], args=args))
