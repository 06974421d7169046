"""An OrderPlaced event (published by hand: orders comes later) empties what was ordered."""

from __future__ import annotations

from tests.subgraphs.cart.support import CART, order_placed, product_ids, publish, wait_for_items
from tests.support.services import RunningService, mint_token

ALICE = "aaaaaaaa-0000-4000-8000-0000000000a1"
BOB = "bbbbbbbb-0000-4000-8000-0000000000a2"
ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code } }
}
"""


async def test_order_placed_takes_the_ordered_lines_once(
    cart: RunningService, catalog: RunningService, redis_url: str
) -> None:
    # Given Alice's cart, and Bob's whose order will tell when the stream was read
    first, second = await product_ids(catalog, 2)
    alice = cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": first, "quantity": 3})
    await alice.execute(ADD, {"productId": second, "quantity": 1})
    bob = cart.graphql.as_user(mint_token(BOB))
    await bob.execute(ADD, {"productId": first, "quantity": 1})

    # When Alice's order arrives twice (at-least-once delivery), then Bob's
    envelope = order_placed(ALICE, {first: 2, second: 1})
    await publish(redis_url, envelope)
    await publish(redis_url, envelope)
    await publish(redis_url, order_placed(BOB, {first: 1}))

    # Then, once Bob's is applied (the stream is handled in order), Alice's order
    # took its lines once, and what she adds afterwards stays
    await wait_for_items(bob, [])
    items = (await alice.execute(CART)).ok()["cart"]["items"]
    assert items == [{"quantity": 1, "product": {"id": first}}]
    await alice.execute(ADD, {"productId": second, "quantity": 2})
    assert (await alice.execute(CART)).ok()["cart"]["items"] == [
        {"quantity": 1, "product": {"id": first}},
        {"quantity": 2, "product": {"id": second}},
    ]
