"""Shopping through any GraphQL endpoint (the gateway in e2e tests): products of the
test's own, a cart, a checkout, and waiting for what events bring about."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

from tests.support.graphql import GraphQLClient

T = TypeVar("T")

CREATE_PRODUCT = """
mutation Create($input: ProductCreateInput!) {
  createProduct(input: $input) {
    product { id sku name stock price { amount } } userErrors { code }
  }
}
"""
ADD_TO_CART = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) {
    cart { totalQuantity } userErrors { code }
  }
}
"""
CART = "query { cart { totalQuantity items { quantity product { id } } } }"
STOCK = "query Stock($id: ID!) { product(id: $id) { stock } }"
ORDER_FIELDS = """
  id number status shippingMethod
  subtotal { amount currencyCode } shippingCost { amount } total { amount currencyCode }
  items { product { id } name sku unitPrice { amount } quantity lineTotal { amount } }
  shippingAddress { fullName line1 city postalCode country }
  statusHistory { status at note }
  createdAt updatedAt
"""
CHECKOUT = f"""
mutation Checkout($input: CheckoutInput!) {{
  checkout(input: $input) {{ order {{ {ORDER_FIELDS} }} userErrors {{ field code message }} }}
}}
"""
ORDER = f"query Order($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
ADDRESS = {
    "fullName": "Ada Shopper",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    within: float = 15.0,
    what: str = "the expected state",
) -> T:
    """Poll `probe` until `until(result)`; fail after `within` seconds with the last result."""
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}: last {result!r}")
        await asyncio.sleep(0.1)


async def create_product(
    admin: GraphQLClient, *, stock: int = 10, price: str = "12.50", name: str | None = None
) -> dict[str, Any]:
    """A product of the test's own (the demo catalogue is left alone)."""
    tag = uuid.uuid4().hex[:10]
    variables = {
        "input": {
            "sku": f"T-{tag}".upper(),
            "name": name or f"Test item {tag}",
            "price": price,
            "initialStock": stock,
        }
    }
    payload = (await admin.execute(CREATE_PRODUCT, variables)).ok()["createProduct"]
    assert payload["userErrors"] == [], payload
    product: dict[str, Any] = payload["product"]
    return product


async def add_to_cart(shopper: GraphQLClient, product_id: str, quantity: int = 1) -> None:
    variables = {"productId": product_id, "quantity": quantity}
    payload = (await shopper.execute(ADD_TO_CART, variables)).ok()["addToCart"]
    assert payload["userErrors"] == [], payload


async def cart_quantity(shopper: GraphQLClient) -> int:
    quantity: int = (await shopper.execute(CART)).ok()["cart"]["totalQuantity"]
    return quantity


async def stock_of(client: GraphQLClient, product_id: str) -> int:
    stock: int = (await client.execute(STOCK, {"id": product_id})).ok()["product"]["stock"]
    return stock


def checkout_input(
    token: str = "tok_visa", *, key: str | None = None, method: str = "STANDARD", **extra: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "shippingAddress": ADDRESS,
        "shippingMethod": method,
        "paymentToken": token,
        "idempotencyKey": key or uuid.uuid4().hex,
    }
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}


async def checkout(
    shopper: GraphQLClient, token: str = "tok_visa", **options: Any
) -> dict[str, Any]:
    """The checkout payload ({order, userErrors}), after asserting no GraphQL error."""
    result = await shopper.execute(CHECKOUT, {"input": checkout_input(token, **options)})
    payload: dict[str, Any] = result.ok()["checkout"]
    return payload


async def order_status(client: GraphQLClient, order_id: str) -> str | None:
    order = (await client.execute(ORDER, {"id": order_id})).ok()["order"]
    return None if order is None else str(order["status"])


def money(value: dict[str, Any]) -> Decimal:
    return Decimal(value["amount"])
