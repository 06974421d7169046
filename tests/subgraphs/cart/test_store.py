"""The cart's Redis store: atomic changes, limits, order of lines, expiry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from subgraphs.cart.repository import (
    LINE_LIMIT,
    LINE_MISSING,
    OK,
    QUANTITY_LIMIT,
    CartStore,
    StoredCart,
    StoredLine,
)

USER = "8d0c2f3a-0000-4000-8000-000000000001"


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[CartStore]:
    redis = Redis.from_url(redis_url, decode_responses=True)
    yield CartStore(redis, ttl_seconds=3600)
    await redis.aclose()


def _product() -> str:
    return str(uuid.uuid4())


async def test_concurrent_adds_of_one_line_lose_no_update(store: CartStore) -> None:
    product = _product()
    await asyncio.gather(
        *(store.add(USER, product, 1, max_quantity=99, max_lines=100) for _ in range(20))
    )
    assert (await store.read(USER)).lines == [StoredLine(product, 20)]


async def test_quantity_and_line_limits_change_nothing(store: CartStore) -> None:
    first, second, third = _product(), _product(), _product()
    assert (await store.add(USER, first, 98, max_quantity=99, max_lines=2)).code == OK
    over = await store.add(USER, first, 2, max_quantity=99, max_lines=2)
    assert (over.code, over.quantity) == (QUANTITY_LIMIT, 98)
    await store.add(USER, second, 1, max_quantity=99, max_lines=2)
    assert (await store.add(USER, third, 1, max_quantity=99, max_lines=2)).code == LINE_LIMIT
    assert (await store.read(USER)).lines == [StoredLine(first, 98), StoredLine(second, 1)]


async def test_lines_keep_the_order_they_were_added_in(store: CartStore) -> None:
    products = [_product() for _ in range(5)]
    for product in products:
        await store.add(USER, product, 1, max_quantity=99, max_lines=100)
    await store.add(USER, products[0], 1, max_quantity=99, max_lines=100)
    await store.update_line(USER, products[2], 0)
    lines = (await store.read(USER)).lines
    assert [line.product_id for line in lines] == [products[i] for i in (0, 1, 3, 4)]
    assert lines[0].quantity == 2


async def test_every_change_slides_the_expiry(store: CartStore, redis_url: str) -> None:
    await store.add(USER, _product(), 1, max_quantity=99, max_lines=100)
    redis = Redis.from_url(redis_url, decode_responses=True)
    keys = await redis.keys(f"{{cart:{USER}}}:*")
    ttls = [await redis.ttl(key) for key in keys]
    await redis.aclose()
    assert len(keys) == 3 and all(3590 <= ttl <= 3600 for ttl in ttls)


async def test_take_ordered_applies_once_per_event_and_keeps_later_additions(
    store: CartStore,
) -> None:
    ordered, other = _product(), _product()
    await store.add(USER, ordered, 3, max_quantity=99, max_lines=100)
    await store.add(USER, other, 1, max_quantity=99, max_lines=100)
    taken = [StoredLine(ordered, 2), StoredLine(other, 1)]
    assert await store.take_ordered(USER, "event-1", taken) is True
    assert await store.take_ordered(USER, "event-1", taken) is False  # redelivery
    assert (await store.read(USER)).lines == [StoredLine(ordered, 1)]


async def test_update_of_a_line_ordered_after_the_check_finds_it_missing(
    store: CartStore,
) -> None:
    # Given a line checked to exist, then taken by an order before the update runs
    product = _product()
    await store.add(USER, product, 2, max_quantity=99, max_lines=100)
    assert StoredLine(product, 2) in (await store.read(USER)).lines
    await store.take_ordered(USER, "event-race", [StoredLine(product, 2)])
    taken = await store.read(USER)
    # When the update runs
    result = await store.update_line(USER, product, 5)
    # Then the line does not come back and nothing was written
    assert result.code == LINE_MISSING
    assert await store.read(USER) == taken == StoredCart([], taken.updated_at)


async def test_update_of_a_missing_line_creates_no_keys(store: CartStore, redis_url: str) -> None:
    for quantity in (0, 3):
        assert (await store.update_line(USER, _product(), quantity)).code == LINE_MISSING
    redis = Redis.from_url(redis_url, decode_responses=True)
    keys = await redis.keys(f"{{cart:{USER}}}:*")
    await redis.aclose()
    assert keys == []
