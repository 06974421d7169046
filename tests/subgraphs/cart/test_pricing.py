"""The cart prices its lines at the catalog's current prices: one look-up per request."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from shared.devstack.process import free_port
from tests.subgraphs.cart.conftest import LookupHook, cart_with_catalog_at
from tests.subgraphs.cart.support import product_ids
from tests.support.services import RunningService, mint_token

ALICE = "aaaaaaaa-0000-4000-8000-000000000011"

ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) {
    cart { subtotal { amount currencyCode } items { lineTotal { amount } } }
    userErrors { code }
  }
}
"""
PAGE = """
query {
  cart {
    subtotal { amount currencyCode }
    items { quantity product { id } lineTotal { amount currencyCode } }
  }
}
"""


async def _prices(catalog: RunningService, ids: list[str]) -> dict[str, Decimal]:
    assert catalog.state.engine is not None
    async with catalog.state.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id::text, price FROM products WHERE id::text = ANY(:ids)"), {"ids": ids}
        )
        return {row.id: row.price for row in rows}


async def test_a_20_line_cart_is_priced_by_one_lookup_and_one_statement(
    hooked_cart: RunningService, seeded_catalog: RunningService, lookup_hook: LookupHook
) -> None:
    alice = hooked_cart.graphql.as_user(mint_token(ALICE))
    ids = await product_ids(seeded_catalog, 20)
    for index, product_id in enumerate(ids):
        quantity = index % 3 + 1
        added = await alice.execute(ADD, {"productId": product_id, "quantity": quantity})
        assert added.ok()["addToCart"]["userErrors"] == []
    prices = await _prices(seeded_catalog, ids)

    lookup_hook.lookups = 0
    with seeded_catalog.sql.counting() as sql:
        cart = (await alice.execute(PAGE)).ok()["cart"]

    assert lookup_hook.lookups == 1
    assert len(sql) == 1, sql.statements
    expected_lines = [prices[pid] * (i % 3 + 1) for i, pid in enumerate(ids)]
    assert [item["product"]["id"] for item in cart["items"]] == ids
    assert [Decimal(item["lineTotal"]["amount"]) for item in cart["items"]] == expected_lines
    assert {item["lineTotal"]["currencyCode"] for item in cart["items"]} == {"USD"}
    assert Decimal(cart["subtotal"]["amount"]) == sum(expected_lines, Decimal(0))
    assert cart["subtotal"]["currencyCode"] == "USD"


async def test_prices_follow_the_catalog(
    hooked_cart: RunningService, seeded_catalog: RunningService
) -> None:
    """A price change shows on the next read: the cart keeps no price of its own."""
    alice = hooked_cart.graphql.as_user(mint_token(ALICE))
    (product_id,) = await product_ids(seeded_catalog, 1)
    added = (await alice.execute(ADD, {"productId": product_id, "quantity": 2})).ok()
    before = Decimal(added["addToCart"]["cart"]["subtotal"]["amount"])
    assert seeded_catalog.state.engine is not None
    async with seeded_catalog.state.engine.begin() as connection:
        await connection.execute(
            text("UPDATE products SET price = price + 1 WHERE id = :id"), {"id": product_id}
        )
    cart = (await alice.execute(PAGE)).ok()["cart"]
    assert Decimal(cart["subtotal"]["amount"]) == before + 2
    assert Decimal(cart["items"][0]["lineTotal"]["amount"]) == before + 2


async def test_an_empty_cart_costs_zero_without_asking_the_catalog(
    hooked_cart: RunningService, lookup_hook: LookupHook
) -> None:
    alice = hooked_cart.graphql.as_user(mint_token(ALICE))
    cart = (await alice.execute(PAGE)).ok()["cart"]
    assert cart == {"subtotal": {"amount": "0.00", "currencyCode": "USD"}, "items": []}
    assert lookup_hook.lookups == 0


async def test_prices_without_a_catalog_are_a_clear_error(
    catalog_url: str, seeded_catalog: RunningService, redis_url: str
) -> None:
    """The cart still shows its lines from Redis; the prices say why they are missing."""
    (product_id,) = await product_ids(seeded_catalog, 1)
    async for cart in cart_with_catalog_at(catalog_url, redis_url):
        alice = cart.graphql.as_user(mint_token(ALICE))
        await alice.execute(ADD, {"productId": product_id, "quantity": 1})
    async for cart in cart_with_catalog_at(f"http://127.0.0.1:{free_port()}", redis_url):
        alice = cart.graphql.as_user(mint_token(ALICE))
        lines = (await alice.execute("query { cart { items { quantity } } }")).ok()
        assert lines["cart"]["items"] == [{"quantity": 1}]
        result = await alice.execute(PAGE)
        assert result.error_codes == ["INTERNAL_SERVER_ERROR"]
        assert "catalog is not answering" in result.errors[0]["message"]


async def test_adding_checks_and_prices_the_whole_cart_in_one_lookup(
    hooked_cart: RunningService, seeded_catalog: RunningService, lookup_hook: LookupHook
) -> None:
    alice = hooked_cart.graphql.as_user(mint_token(ALICE))
    ids = await product_ids(seeded_catalog, 6)
    for product_id in ids[:5]:
        await alice.execute(ADD, {"productId": product_id, "quantity": 1})
    prices = await _prices(seeded_catalog, ids)

    lookup_hook.lookups = 0
    added = (await alice.execute(ADD, {"productId": ids[5], "quantity": 2})).ok()["addToCart"]

    assert lookup_hook.lookups == 1
    assert added["userErrors"] == []
    expected = sum((prices[pid] for pid in ids[:5]), Decimal(0)) + 2 * prices[ids[5]]
    assert Decimal(added["cart"]["subtotal"]["amount"]) == expected
    assert len(added["cart"]["items"]) == 6
