"""The cart through the gateway: catalog data and prices, concurrency, ownership."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from tests.support.accounts import register
from tests.support.graphql import GraphQLClient
from tests.support.shop import create_product

ADD = """
mutation Add($productId: ID!, $quantity: Int! = 1) {
  addToCart(productId: $productId, quantity: $quantity) {
    cart { totalQuantity } userErrors { field code message }
  }
}
"""
UPDATE = """
mutation Update($productId: ID!, $quantity: Int!) {
  updateCartItem(productId: $productId, quantity: $quantity) {
    cart { totalQuantity items { product { id } quantity } } userErrors { code }
  }
}
"""
REMOVE = """
mutation Remove($productId: ID!) {
  removeFromCart(productId: $productId) { cart { totalQuantity } userErrors { code } }
}
"""
CLEAR = "mutation { clearCart { cart { totalQuantity items { quantity } } userErrors { code } } }"
MY_CART = """
query {
  me {
    cart {
      totalQuantity
      items { quantity lineTotal { amount } product { id name price { amount } } }
      subtotal { amount currencyCode }
    }
  }
}
"""
CART = "query { cart { id totalQuantity updatedAt items { quantity product { id } } } }"
SET_PRICE = """
mutation Price($id: ID!, $price: Decimal!) {
  updateProduct(id: $id, input: {price: $price}) {
    product { price { amount } } userErrors { code }
  }
}
"""
ARCHIVE = "mutation Archive($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }"
USER_CART = "query Other($id: ID!) { user(id: $id) { id cart { totalQuantity } } }"


async def _products(admin: GraphQLClient, count: int) -> list[str]:
    """Products of the test's own: the demo catalogue's prices and states stay as seeded."""
    made = await asyncio.gather(*(create_product(admin, price="7.25") for _ in range(count)))
    return [product["id"] for product in made]


async def test_my_cart_shows_catalog_data_and_current_prices(
    gateway: GraphQLClient, admin_token: str
) -> None:
    _, token = await register(gateway, "Pricey")
    shopper = gateway.as_user(token)
    first, second = await _products(gateway.as_user(admin_token), 2)
    await shopper.execute(ADD, {"productId": first, "quantity": 2})
    await shopper.execute(ADD, {"productId": second, "quantity": 1})
    cart = (await shopper.execute(MY_CART)).ok()["me"]["cart"]
    assert cart["totalQuantity"] == 3
    prices = {i["product"]["id"]: Decimal(i["product"]["price"]["amount"]) for i in cart["items"]}
    assert all(item["product"]["name"] for item in cart["items"])
    expected = prices[first] * 2 + prices[second]
    assert Decimal(cart["subtotal"]["amount"]) == expected
    assert cart["subtotal"]["currencyCode"] == "USD"
    assert [Decimal(i["lineTotal"]["amount"]) for i in cart["items"]] == [
        prices[first] * 2,
        prices[second],
    ]

    admin = gateway.as_user(admin_token)
    changed = (await admin.execute(SET_PRICE, {"id": first, "price": "10.05"})).ok()
    assert changed["updateProduct"]["userErrors"] == []
    after = (await shopper.execute(MY_CART)).ok()["me"]["cart"]
    assert Decimal(after["subtotal"]["amount"]) == Decimal("20.10") + prices[second]


async def test_every_cart_operation_and_error_code(
    gateway: GraphQLClient, admin_token: str
) -> None:
    _, token = await register(gateway, "Busy")
    shopper = gateway.as_user(token)
    first, second, archived = await _products(gateway.as_user(admin_token), 3)
    assert (await shopper.execute(ADD, {"productId": first})).ok()["addToCart"]["userErrors"] == []
    await shopper.execute(ADD, {"productId": second, "quantity": 3})

    unknown = (await shopper.execute(ADD, {"productId": str(uuid.uuid4())})).ok()
    assert unknown["addToCart"]["userErrors"][0]["code"] == "NOT_FOUND"
    await gateway.as_user(admin_token).execute(ARCHIVE, {"id": archived})
    gone = (await shopper.execute(ADD, {"productId": archived})).ok()
    assert gone["addToCart"]["userErrors"][0]["code"] == "NOT_FOUND"
    too_many = (await shopper.execute(ADD, {"productId": first, "quantity": 99})).ok()
    assert too_many["addToCart"]["userErrors"][0]["code"] == "INVALID_INPUT"

    updated = (await shopper.execute(UPDATE, {"productId": second, "quantity": 5})).ok()
    assert updated["updateCartItem"]["cart"]["totalQuantity"] == 6
    removed_by_zero = (await shopper.execute(UPDATE, {"productId": second, "quantity": 0})).ok()
    assert removed_by_zero["updateCartItem"]["cart"]["items"] == [
        {"product": {"id": first}, "quantity": 1}
    ]
    bad = (await shopper.execute(UPDATE, {"productId": first, "quantity": -1})).ok()
    assert bad["updateCartItem"]["userErrors"][0]["code"] == "INVALID_INPUT"
    not_there = (await shopper.execute(REMOVE, {"productId": second})).ok()
    assert not_there["removeFromCart"]["userErrors"][0]["code"] == "NOT_FOUND"
    removed = (await shopper.execute(REMOVE, {"productId": first})).ok()
    assert removed["removeFromCart"]["cart"]["totalQuantity"] == 0

    await shopper.execute(ADD, {"productId": first, "quantity": 2})
    cleared = (await shopper.execute(CLEAR)).ok()["clearCart"]
    assert cleared == {"cart": {"totalQuantity": 0, "items": []}, "userErrors": []}
    assert (await shopper.execute(CART)).ok()["cart"]["items"] == []

    for operation, variables in ((CART, {}), (ADD, {"productId": first}), (CLEAR, {})):
        anonymous = await gateway.execute(operation, variables)
        assert "UNAUTHENTICATED" in anonymous.error_codes


async def test_twenty_concurrent_adds_make_twenty(gateway: GraphQLClient, admin_token: str) -> None:
    _, token = await register(gateway, "Eager")
    shopper = gateway.as_user(token)
    (product,) = await _products(gateway.as_user(admin_token), 1)
    results = await asyncio.gather(
        *(shopper.execute(ADD, {"productId": product}) for _ in range(20))
    )
    assert all(r.ok()["addToCart"]["userErrors"] == [] for r in results)
    items = (await shopper.execute(CART)).ok()["cart"]["items"]
    assert items == [{"quantity": 20, "product": {"id": product}}]


async def test_one_user_cannot_reach_anothers_cart(
    gateway: GraphQLClient, admin_token: str
) -> None:
    alice_id, alice_token = await register(gateway, "Alice")
    bob_id, bob_token = await register(gateway, "Bob")
    (product,) = await _products(gateway.as_user(admin_token), 1)
    await gateway.as_user(alice_token).execute(ADD, {"productId": product, "quantity": 4})
    bob = gateway.as_user(bob_token)
    # Bob's own cart and operations never touch Alice's.
    assert (await bob.execute(CART)).ok()["cart"]["items"] == []
    await bob.execute(CLEAR)
    alice_cart = (await gateway.as_user(alice_token).execute(CART)).ok()["cart"]
    assert alice_cart["totalQuantity"] == 4
    assert alice_cart["id"] != (await bob.execute(CART)).ok()["cart"]["id"]
    # Asking for Alice as a user: a customer may not, and even an admin does not
    # get her cart.
    as_bob = await bob.execute(USER_CART, {"id": alice_id})
    assert as_bob.data is None or as_bob.data["user"] is None
    assert "FORBIDDEN" in as_bob.error_codes
    as_admin = await gateway.as_user(admin_token).execute(USER_CART, {"id": alice_id})
    assert "FORBIDDEN" in as_admin.error_codes
    assert bob_id != alice_id
