"""Checkout through the gateway: stock, charge, totals, the cart, and every error code."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx

from tests.e2e.conftest import Stack
from tests.support.accounts import register
from tests.support.graphql import GraphQLClient
from tests.support.shop import (
    ADDRESS,
    CHECKOUT,
    ORDER,
    add_to_cart,
    cart_quantity,
    checkout,
    checkout_input,
    create_product,
    eventually,
    money,
    stock_of,
)

SHIPPING_METHODS = (
    "query { shippingMethods { code name price { amount currencyCode } estimatedDays } }"
)
ORDER_PAYMENTS = """
query Payments($id: ID!) {
  order(id: $id) {
    status
    payments {
      id status amount { amount } refundedAmount { amount } cardBrand cardLast4 failureCode
    }
  }
}
"""
SET_QUANTITY = """
mutation Set($productId: ID!, $quantity: Int!) {
  updateCartItem(productId: $productId, quantity: $quantity) { userErrors { code } }
}
"""
ADD_ADDRESS = """
mutation Add($input: AddressInput!) {
  addAddress(input: $input) { address { id } userErrors { code } }
}
"""


async def shopper(gateway: GraphQLClient) -> GraphQLClient:
    _user_id, token = await register(gateway)
    return gateway.as_user(token)


async def charges(stack: Stack) -> list[dict[str, Any]]:
    """What the payment processor recorded (it counts charges by idempotency key)."""
    async with httpx.AsyncClient(base_url=stack.component_urls["processor"]) as http:
        response = await http.get("/v1/_control/charges")
        response.raise_for_status()
        body = response.json()
    listed: list[dict[str, Any]] = body["charges"] if isinstance(body, dict) else body
    return listed


async def test_shipping_methods_are_public_with_prices_and_days(gateway: GraphQLClient) -> None:
    methods = (await gateway.execute(SHIPPING_METHODS)).ok()["shippingMethods"]

    by_code = {method["code"]: method for method in methods}
    assert set(by_code) >= {"STANDARD", "EXPRESS"}
    assert Decimal(by_code["EXPRESS"]["price"]["amount"]) > Decimal(
        by_code["STANDARD"]["price"]["amount"]
    )
    assert by_code["EXPRESS"]["estimatedDays"] < by_code["STANDARD"]["estimatedDays"]


async def test_checkout_pays_commits_stock_empties_the_cart_and_snapshots_prices(
    stack: Stack, gateway: GraphQLClient, admin_token: str
) -> None:
    admin = gateway.as_user(admin_token)
    first = await create_product(admin, stock=5, price="12.50")
    second = await create_product(admin, stock=5, price="3.99")
    buyer = await shopper(gateway)
    await add_to_cart(buyer, first["id"], 2)
    await add_to_cart(buyer, second["id"], 1)
    charged_before = len(await charges(stack))

    payload = await checkout(buyer, "tok_visa", method="EXPRESS")

    assert payload["userErrors"] == []
    order = payload["order"]
    assert order["status"] == "PAID"
    assert order["number"].startswith("MS-")
    assert money(order["subtotal"]) == Decimal("28.99")
    assert money(order["total"]) == money(order["subtotal"]) + money(order["shippingCost"])
    assert order["shippingMethod"] == "EXPRESS"
    assert [
        (item["sku"], item["quantity"], item["unitPrice"]["amount"]) for item in order["items"]
    ] == [
        (first["sku"], 2, "12.50"),
        (second["sku"], 1, "3.99"),
    ]
    assert [change["status"] for change in order["statusHistory"]] == ["PENDING_PAYMENT", "PAID"]
    assert order["shippingAddress"]["fullName"] == ADDRESS["fullName"]
    assert (await stock_of(gateway, first["id"]), await stock_of(gateway, second["id"])) == (3, 4)
    assert len(await charges(stack)) == charged_before + 1
    await eventually(lambda: cart_quantity(buyer), lambda q: q == 0, what="the cart to empty")
    paid = (await buyer.execute(ORDER_PAYMENTS, {"id": order["id"]})).ok()["order"]
    assert [(p["status"], p["amount"]["amount"], p["cardLast4"]) for p in paid["payments"]] == [
        ("SUCCEEDED", order["total"]["amount"], "4242")
    ]
    # A later price change does not touch the order's snapshot.
    reread = (await buyer.execute(ORDER, {"id": order["id"]})).ok()["order"]
    assert reread["items"] == order["items"]


async def test_a_declined_card_fails_the_order_releases_stock_and_keeps_the_cart(
    gateway: GraphQLClient, admin_token: str
) -> None:
    product = await create_product(gateway.as_user(admin_token), stock=3)
    for token, failure in (
        ("tok_chargeDeclined", "card_declined"),
        ("tok_insufficientFunds", "insufficient_funds"),
    ):
        buyer = await shopper(gateway)
        await add_to_cart(buyer, product["id"], 2)

        payload = await checkout(buyer, token)

        assert [error["code"] for error in payload["userErrors"]] == ["PAYMENT_DECLINED"]
        order = payload["order"]
        assert order["status"] == "PAYMENT_FAILED"
        assert await stock_of(gateway, product["id"]) == 3
        assert await cart_quantity(buyer) == 2
        paid = (await buyer.execute(ORDER_PAYMENTS, {"id": order["id"]})).ok()["order"]
        assert [(p["status"], p["failureCode"]) for p in paid["payments"]] == [("FAILED", failure)]


async def test_a_processing_error_is_retried_into_exactly_one_charge(
    stack: Stack, gateway: GraphQLClient, admin_token: str
) -> None:
    product = await create_product(gateway.as_user(admin_token), stock=3)
    buyer = await shopper(gateway)
    await add_to_cart(buyer, product["id"])
    before = len(await charges(stack))

    payload = await checkout(buyer, "tok_processingError")

    assert payload["userErrors"] == []
    assert payload["order"]["status"] == "PAID"
    successful = [c for c in (await charges(stack))[before:] if c.get("status") == "succeeded"]
    assert len(successful) == 1


async def test_checkout_userErrors_write_nothing(gateway: GraphQLClient, admin_token: str) -> None:
    product = await create_product(gateway.as_user(admin_token), stock=1)
    buyer = await shopper(gateway)

    empty = await checkout(buyer)
    await add_to_cart(buyer, product["id"], 2)
    short = await checkout(buyer)
    await buyer.execute(SET_QUANTITY, {"productId": product["id"], "quantity": 1})
    unknown_token = await checkout(buyer, "tok_unknown")
    both = await checkout(buyer, addressId="00000000-0000-0000-0000-000000000000")
    neither = await checkout(buyer, shippingAddress=None)
    bad_method = await checkout(buyer, method="TELEPORT")
    nul = await checkout(buyer, shippingAddress={**ADDRESS, "line1": "1 Market\x00Street"})
    other_address = await checkout(
        buyer, shippingAddress=None, addressId="00000000-0000-0000-0000-000000000000"
    )

    assert [e["code"] for e in empty["userErrors"]] == ["CART_EMPTY"]
    assert [e["code"] for e in short["userErrors"]] == ["OUT_OF_STOCK"]
    for payload in (unknown_token, both, neither, bad_method, nul):
        assert [e["code"] for e in payload["userErrors"]] == ["INVALID_INPUT"], payload
    assert [e["code"] for e in other_address["userErrors"]] == ["NOT_FOUND"]
    assert [e["field"] for e in bad_method["userErrors"]] == [["shippingMethod"]]
    for payload in (empty, short, both, neither, bad_method, nul, other_address):
        assert payload["order"] is None
    assert await stock_of(gateway, product["id"]) == 1
    assert await cart_quantity(buyer) == 1


async def test_checkout_to_a_saved_address(gateway: GraphQLClient, admin_token: str) -> None:
    product = await create_product(gateway.as_user(admin_token))
    buyer = await shopper(gateway)
    added = (
        await buyer.execute(ADD_ADDRESS, {"input": {**ADDRESS, "fullName": "Saved Person"}})
    ).ok()
    address_id = added["addAddress"]["address"]["id"]
    await add_to_cart(buyer, product["id"])

    payload = await checkout(buyer, shippingAddress=None, addressId=address_id)

    assert payload["userErrors"] == []
    assert payload["order"]["shippingAddress"]["fullName"] == "Saved Person"


async def test_one_key_ten_times_at_once_is_one_order_and_one_charge(
    stack: Stack, gateway: GraphQLClient, admin_token: str
) -> None:
    product = await create_product(gateway.as_user(admin_token), stock=10)
    buyer = await shopper(gateway)
    await add_to_cart(buyer, product["id"], 2)
    before = len(await charges(stack))
    variables = {"input": checkout_input("tok_visa", key="same-key-for-all")}

    results = await asyncio.gather(*(buyer.execute(CHECKOUT, variables) for _ in range(10)))

    payloads = [result.ok()["checkout"] for result in results]
    assert {p["order"]["id"] for p in payloads} == {payloads[0]["order"]["id"]}
    assert all(p["userErrors"] == [] for p in payloads)
    final = await eventually(
        lambda: buyer.execute(ORDER, {"id": payloads[0]["order"]["id"]}),
        lambda r: r.ok()["order"]["status"] == "PAID",
        what="the order to be paid",
    )
    assert final.ok()["order"]["status"] == "PAID"
    assert len(await charges(stack)) == before + 1
    assert await stock_of(gateway, product["id"]) == 8


async def test_a_key_is_the_users_own_and_refused_for_another_cart(
    gateway: GraphQLClient, admin_token: str
) -> None:
    admin = gateway.as_user(admin_token)
    product, other = await create_product(admin), await create_product(admin)
    buyer, second_buyer = await shopper(gateway), await shopper(gateway)
    await add_to_cart(buyer, product["id"])
    await add_to_cart(second_buyer, product["id"])

    first = await checkout(buyer, key="my-key")
    again = await checkout(buyer, key="my-key")
    await eventually(lambda: cart_quantity(buyer), lambda q: q == 0, what="the cart to empty")
    await add_to_cart(buyer, other["id"])
    reused = await checkout(buyer, key="my-key")
    someone_else = await checkout(second_buyer, key="my-key")

    assert first["order"]["status"] == "PAID"
    assert again["order"]["id"] == first["order"]["id"]
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert reused["order"] is None
    assert someone_else["order"]["id"] != first["order"]["id"]
    assert someone_else["order"]["status"] == "PAID"


async def test_thirty_buyers_for_ten_units_make_exactly_ten_paid_orders(
    gateway: GraphQLClient, admin_token: str
) -> None:
    product = await create_product(gateway.as_user(admin_token), stock=10)
    # Sign-ups hash passwords (Argon2id): a few at a time, the checkouts all at once.
    signing_up = asyncio.Semaphore(4)

    async def one_shopper() -> GraphQLClient:
        async with signing_up:
            return await shopper(gateway)

    buyers = await asyncio.gather(*(one_shopper() for _ in range(30)))
    await asyncio.gather(*(add_to_cart(buyer, product["id"]) for buyer in buyers))

    payloads = await asyncio.gather(*(checkout(buyer) for buyer in buyers))

    paid = [p for p in payloads if p["order"] and p["order"]["status"] == "PAID"]
    short = [p for p in payloads if [e["code"] for e in p["userErrors"]] == ["OUT_OF_STOCK"]]
    assert (len(paid), len(short)) == (10, 20)
    assert await stock_of(gateway, product["id"]) == 0


async def test_checkout_needs_a_signed_in_user(gateway: GraphQLClient) -> None:
    result = await gateway.execute(CHECKOUT, {"input": checkout_input()})

    assert result.error_codes == ["UNAUTHENTICATED"]
