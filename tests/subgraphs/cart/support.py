"""What several cart tests share: catalog product ids, OrderPlaced as orders will publish it."""

from __future__ import annotations

import asyncio
import json
import uuid

from redis.asyncio import Redis
from sqlalchemy import text

from shared.events import EventEnvelope
from shared.events.contracts import OrderedLine, OrderPlaced
from shared.events.settings import events_settings
from tests.support.graphql import GraphQLClient
from tests.support.services import RunningService

CART = "query { cart { items { quantity product { id } } } }"


async def product_ids(catalog: RunningService, count: int) -> list[str]:
    assert catalog.state.engine is not None
    async with catalog.state.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id FROM products ORDER BY sku LIMIT :n"), {"n": count}
        )
        return [str(row.id) for row in rows]


def order_placed(user_id: str, lines: dict[str, int]) -> EventEnvelope:
    event = OrderPlaced(
        order_id=uuid.uuid4(),
        user_id=uuid.UUID(user_id),
        lines=tuple(OrderedLine(product_id=uuid.UUID(p), quantity=q) for p, q in lines.items()),
    )
    return EventEnvelope(
        type=event.type,
        source="orders",
        aggregate_id=event.aggregate_id(),
        data=json.loads(event.model_dump_json()),
    )


async def publish(redis_url: str, envelope: EventEnvelope) -> None:
    """What the orders relay will put on its stream."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        await redis.xadd(
            events_settings().stream("orders"),
            {"id": str(envelope.id), "type": envelope.type, "envelope": envelope.model_dump_json()},
        )
    finally:
        await redis.aclose()


async def wait_for_items(client: GraphQLClient, expected: list[dict[str, object]]) -> None:
    """Until the cart shows `expected` (the consumer works in the background), 5 s at most."""
    items: object = None
    for _ in range(100):
        items = (await client.execute(CART)).ok()["cart"]["items"]
        if items == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"cart is {items}, expected {expected}")
