"""Checkouts that fail before an order exists: their codes, and that nothing is written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.devstack.process import free_port
from tests.subgraphs.orders.support import (
    ADDRESS,
    CHECKOUT,
    NOTHING,
    Shop,
    buyer,
    checkout_input,
    running_shop,
)
from tests.support.databases import DatabaseFactory


async def test_empty_cart_is_cart_empty_and_writes_nothing(shop: Shop) -> None:
    _, token = buyer()

    payload = await shop.checkout(token)

    assert payload["order"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["CART_EMPTY"]
    assert await shop.counts() == NOTHING


async def test_too_few_units_is_out_of_stock_naming_the_product_and_writes_nothing(
    shop: Shop,
) -> None:
    # given a cart with more lamps than the catalog has, and a bulb it has
    lamp = await shop.product(stock=5, name="Lamp")
    bulb = await shop.product(stock=5, name="Bulb")
    _, token = buyer()
    await shop.add_to_cart(token, lamp, 6)
    await shop.add_to_cart(token, bulb, 1)

    payload = await shop.checkout(token)

    assert payload["order"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "OUT_OF_STOCK"
    assert lamp in error["message"] and "Lamp" in error["message"]
    assert bulb not in error["message"]
    assert await shop.counts() == NOTHING
    assert await shop.stock(lamp) == (5, 0)
    assert await shop.stock(bulb) == (5, 0)
    assert await shop.charges() == []


async def test_an_archived_product_is_product_unavailable_and_writes_nothing(shop: Shop) -> None:
    lamp = await shop.product()
    bulb = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    await shop.add_to_cart(token, bulb)
    await shop.archive(bulb)

    payload = await shop.checkout(token)

    assert payload["order"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "PRODUCT_UNAVAILABLE"
    assert bulb in error["message"] and lamp not in error["message"]
    assert await shop.counts() == NOTHING
    assert await shop.stock(lamp) == (10, 0)


async def test_an_unknown_shipping_method_is_invalid_input_on_the_method(shop: Shop) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token, shippingMethod="TELEPORT")

    assert payload["order"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["shippingMethod"])
    ]
    assert await shop.counts() == NOTHING


async def test_express_shipping_is_priced_by_shipping(shop: Shop) -> None:
    lamp = await shop.product(price="10.00")
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token, shippingMethod="express")

    assert payload["order"]["shippingMethod"] == "EXPRESS"
    assert payload["order"]["total"]["amount"] == "25.00"


async def test_every_bad_field_is_reported_at_once(shop: Shop) -> None:
    _, token = buyer()

    payload = await shop.checkout(
        token, paymentToken="", idempotencyKey="", shippingAddress={**ADDRESS, "country": "x"}
    )

    assert sorted(tuple(e["field"]) for e in payload["userErrors"]) == [
        ("idempotencyKey",),
        ("paymentToken",),
        ("shippingAddress", "country"),
    ]


async def test_checkout_needs_a_signed_in_user(shop: Shop) -> None:
    response = await shop.client(None).execute(CHECKOUT, {"input": checkout_input()})

    assert response.error_codes == ["UNAUTHENTICATED"]
    assert await shop.counts() == NOTHING


@pytest.fixture
async def shop_without_shipping(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    nowhere = {"MINISHOP_SERVICE_SHIPPING_URL": f"http://127.0.0.1:{free_port()}"}
    async with running_shop(databases, redis_url, orders_env=nowhere) as running:
        yield running


async def test_an_unreachable_peer_before_the_order_is_service_unavailable_and_writes_nothing(
    shop_without_shipping: Shop,
) -> None:
    shop = shop_without_shipping
    lamp = await shop.product(stock=2)
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token, idempotencyKey="k")

    assert payload["order"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["SERVICE_UNAVAILABLE"]
    assert await shop.counts() == NOTHING
    assert await shop.stock(lamp) == (2, 0)
    assert await shop.charges() == []
