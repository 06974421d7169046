"""An OrderPlaced event (published by hand: orders comes later) empties what was ordered."""

from __future__ import annotations

import asyncio
import json
import uuid

from redis.asyncio import Redis
from sqlalchemy import text

from shared.events import EventEnvelope
from shared.events.contracts import OrderPlaced
from shared.events.settings import events_settings
from tests.support.services import RunningService, mint_token

ALICE = "aaaaaaaa-0000-4000-8000-0000000000a1"
ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code } }
}
"""
CART = "query { cart { items { quantity product { id } } } }"


async def _publish(redis_url: str, envelope: EventEnvelope) -> None:
    """What the orders relay will put on its stream."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    await redis.xadd(
        events_settings().stream("orders"),
        {"id": str(envelope.id), "type": envelope.type, "envelope": envelope.model_dump_json()},
    )
    await redis.aclose()


async def _wait_for(cart: RunningService, token: str, expected: list[dict[str, object]]) -> None:
    client = cart.graphql.as_user(token)
    for _ in range(100):
        items = (await client.execute(CART)).ok()["cart"]["items"]
        if items == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"cart is {items}, expected {expected}")


async def test_order_placed_takes_the_ordered_lines_once(
    cart: RunningService, catalog: RunningService, redis_url: str
) -> None:
    assert catalog.state.engine is not None
    async with catalog.state.engine.connect() as connection:
        rows = await connection.execute(text("SELECT id FROM products ORDER BY sku LIMIT 2"))
        first, second = (str(row.id) for row in rows)
    token = mint_token(ALICE)
    alice = cart.graphql.as_user(token)
    await alice.execute(ADD, {"productId": first, "quantity": 3})
    await alice.execute(ADD, {"productId": second, "quantity": 1})

    event = OrderPlaced(
        order_id=uuid.uuid4(),
        user_id=uuid.UUID(ALICE),
        lines=[{"product_id": first, "quantity": 2}, {"product_id": second, "quantity": 1}],
    )
    envelope = EventEnvelope(
        type=event.type,
        source="orders",
        aggregate_id=event.aggregate_id(),
        data=json.loads(event.model_dump_json()),
    )
    await _publish(redis_url, envelope)
    # At-least-once delivery: the same event arriving again changes nothing.
    await _publish(redis_url, envelope)

    await _wait_for(cart, token, [{"quantity": 1, "product": {"id": first}}])
    await alice.execute(ADD, {"productId": second, "quantity": 2})
    await asyncio.sleep(0.3)
    expected = [
        {"quantity": 1, "product": {"id": first}},
        {"quantity": 2, "product": {"id": second}},
    ]
    await _wait_for(cart, token, expected)
