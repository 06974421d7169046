"""updateCartItem waits on the catalog between checking the line and changing it:
a line that leaves the cart in that window must stay gone."""

from __future__ import annotations

from tests.subgraphs.cart.conftest import LookupHook
from tests.subgraphs.cart.support import (
    CART,
    order_placed,
    product_ids,
    publish,
    wait_for_items,
)
from tests.support.services import RunningService, mint_token

ALICE = "aaaaaaaa-0000-4000-8000-0000000000c1"
ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code } }
}
"""
UPDATE = """
mutation Update($productId: ID!, $quantity: Int!) {
  updateCartItem(productId: $productId, quantity: $quantity) {
    cart { totalQuantity } userErrors { field code }
  }
}
"""
REMOVE = """
mutation Remove($productId: ID!) { removeFromCart(productId: $productId) { userErrors { code } } }
"""
UPDATED_AT = "query { cart { updatedAt } }"


async def test_a_line_removed_while_the_catalog_answers_is_not_brought_back(
    hooked_cart: RunningService, seeded_catalog: RunningService, lookup_hook: LookupHook
) -> None:
    # Given a line, and the shopper removing it (another request) while an update of it
    # waits on the catalog
    product, other = await product_ids(seeded_catalog, 2)
    alice = hooked_cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": product, "quantity": 1})
    await alice.execute(ADD, {"productId": other, "quantity": 2})

    async def remove_the_line() -> None:
        removed = (await alice.execute(REMOVE, {"productId": product})).ok()
        assert removed["removeFromCart"]["userErrors"] == []

    lookup_hook.before_next_lookup = remove_the_line
    # When the update goes on
    updated = (await alice.execute(UPDATE, {"productId": product, "quantity": 5})).ok()
    # Then it finds the line gone, and the cart is what the removal left
    assert lookup_hook.ran
    assert updated["updateCartItem"] == {
        "cart": None,
        "userErrors": [{"field": ["productId"], "code": "NOT_FOUND"}],
    }
    items = (await alice.execute(CART)).ok()["cart"]["items"]
    assert items == [{"quantity": 2, "product": {"id": other}}]


async def test_a_line_ordered_while_the_catalog_answers_is_not_brought_back(
    hooked_cart: RunningService,
    seeded_catalog: RunningService,
    lookup_hook: LookupHook,
    redis_url: str,
) -> None:
    # Given a line that an order takes (OrderPlaced consumed) while an update of it
    # waits on the catalog
    (product,) = await product_ids(seeded_catalog, 1)
    alice = hooked_cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": product, "quantity": 3})

    ordered_at = None

    async def order_the_line() -> None:
        nonlocal ordered_at
        await publish(redis_url, order_placed(ALICE, {product: 3}))
        await wait_for_items(alice, [])
        ordered_at = (await alice.execute(UPDATED_AT)).ok()["cart"]["updatedAt"]

    lookup_hook.before_next_lookup = order_the_line
    # When the update goes on
    updated = (await alice.execute(UPDATE, {"productId": product, "quantity": 7})).ok()
    # Then the ordered line stays out of the cart and the failed update wrote nothing
    assert lookup_hook.ran
    assert updated["updateCartItem"]["userErrors"][0]["code"] == "NOT_FOUND"
    after = (await alice.execute("query { cart { updatedAt items { quantity } } }")).ok()
    assert after["cart"] == {"updatedAt": ordered_at, "items": []}
