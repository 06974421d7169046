"""Events the cart consumes: an order placed from a cart takes its lines out.

The cart has no database to record processed events in, so the handler
deduplicates itself: the Redis script that removes the ordered lines also sets
a marker for the event id, and does nothing when the marker exists.
"""

from __future__ import annotations

from typing import Any

from shared.events import Consumer, EventEnvelope
from shared.events.contracts import OrderPlaced
from subgraphs.cart.repository import StoredLine
from subgraphs.cart.service import CartServices


def cart_consumer(services: CartServices) -> Consumer:
    consumer = Consumer("cart", deduplicates_itself=True)

    @consumer.on(OrderPlaced)
    async def take_ordered_lines(event: OrderPlaced, envelope: EventEnvelope, _: Any) -> bool:
        lines = [StoredLine(str(line.product_id), line.quantity) for line in event.lines]
        return await services.carts.take_ordered(str(event.user_id), str(envelope.id), lines)

    return consumer
