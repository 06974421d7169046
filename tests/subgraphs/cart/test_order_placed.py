"""An OrderPlaced event (published by hand: orders comes later) empties what was ordered."""

from __future__ import annotations

import asyncio

from tests.subgraphs.cart.support import order_placed, product_ids, publish, wait_for_items
from tests.support.services import RunningService, mint_token

ALICE = "aaaaaaaa-0000-4000-8000-0000000000a1"
ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code } }
}
"""


async def test_order_placed_takes_the_ordered_lines_once(
    cart: RunningService, catalog: RunningService, redis_url: str
) -> None:
    first, second = await product_ids(catalog, 2)
    alice = cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": first, "quantity": 3})
    await alice.execute(ADD, {"productId": second, "quantity": 1})

    envelope = order_placed(ALICE, {first: 2, second: 1})
    await publish(redis_url, envelope)
    # At-least-once delivery: the same event arriving again changes nothing.
    await publish(redis_url, envelope)

    await wait_for_items(alice, [{"quantity": 1, "product": {"id": first}}])
    await alice.execute(ADD, {"productId": second, "quantity": 2})
    await asyncio.sleep(0.3)
    expected = [
        {"quantity": 1, "product": {"id": first}},
        {"quantity": 2, "product": {"id": second}},
    ]
    await wait_for_items(alice, expected)
