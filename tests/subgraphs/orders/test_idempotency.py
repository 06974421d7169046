"""One idempotency key, one order and one charge: repeats, races and reuse."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.subgraphs.orders.support import Shop, buyer, eventually, running_shop
from tests.support.databases import DatabaseFactory

CLEAR_CART = "mutation { clearCart { userErrors { code } } }"


async def test_the_same_key_twice_returns_the_same_order_and_charges_once(shop: Shop) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    first = await shop.checkout(token, idempotencyKey="key-1")
    again = await shop.checkout(token, idempotencyKey="key-1")

    assert again == first
    assert first["order"]["status"] == "PAID"
    assert len(await shop.charges()) == 1
    assert (await shop.counts())["orders"] == 1


async def test_the_same_key_once_the_order_emptied_the_cart_returns_that_order(
    shop: Shop,
) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    first = await shop.checkout(token, idempotencyKey="key-1")
    await shop.cart.graphql.as_user(token).execute(CLEAR_CART)

    again = await shop.checkout(token, idempotencyKey="key-1")

    assert again["order"]["id"] == first["order"]["id"]
    assert again["userErrors"] == []
    assert len(await shop.charges()) == 1


async def test_the_same_key_for_another_cart_is_idempotency_key_reused(shop: Shop) -> None:
    lamp = await shop.product()
    bulb = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    await shop.checkout(token, idempotencyKey="key-1")
    await shop.add_to_cart(token, bulb)
    before = await shop.counts()

    again = await shop.checkout(token, idempotencyKey="key-1")

    assert again["order"] is None
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])
    ]
    assert await shop.counts() == before
    assert len(await shop.charges()) == 1


async def test_the_same_key_with_another_address_is_idempotency_key_reused(shop: Shop) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    await shop.checkout(token, idempotencyKey="key-1")

    moved = {
        "fullName": "Ada",
        "line1": "2 Side Road",
        "city": "X",
        "postalCode": "1",
        "country": "DE",
    }
    again = await shop.checkout(token, idempotencyKey="key-1", shippingAddress=moved)

    assert [e["code"] for e in again["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]


async def test_keys_belong_to_their_user(shop: Shop) -> None:
    lamp = await shop.product()
    _, ada = buyer()
    _, bob = buyer()
    await shop.add_to_cart(ada, lamp)
    await shop.add_to_cart(bob, lamp)

    first = await shop.checkout(ada, idempotencyKey="shared")
    second = await shop.checkout(bob, idempotencyKey="shared")

    assert first["order"]["id"] != second["order"]["id"]
    assert len(await shop.charges()) == 2


async def test_a_declined_checkout_repeats_as_declined_and_a_new_key_pays(shop: Shop) -> None:
    lamp = await shop.product(stock=1)
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    declined = await shop.checkout(token, idempotencyKey="k1", paymentToken="tok_chargeDeclined")

    # the same key answers the same, even with another card
    again = await shop.checkout(token, idempotencyKey="k1", paymentToken="tok_visa")
    assert again == declined
    assert [e["code"] for e in again["userErrors"]] == ["PAYMENT_DECLINED"]

    # a new key is a new order for the cart that was kept, and the released unit sells
    paid = await shop.checkout(token, idempotencyKey="k2", paymentToken="tok_visa")
    assert paid["order"]["status"] == "PAID"
    assert paid["order"]["id"] != declined["order"]["id"]
    assert await shop.stock(lamp) == (0, 0)


async def test_ten_concurrent_checkouts_with_one_key_make_one_order_and_one_charge(
    shop: Shop,
) -> None:
    lamp = await shop.product(stock=3)
    _, token = buyer()
    await shop.add_to_cart(token, lamp, 2)

    payloads = await asyncio.gather(
        *(shop.checkout(token, idempotencyKey="once") for _ in range(10))
    )

    assert {p["order"]["id"] for p in payloads} == {payloads[0]["order"]["id"]}
    assert all(p["order"]["status"] == "PAID" and p["userErrors"] == [] for p in payloads)
    assert (await shop.counts())["orders"] == 1
    assert len(await shop.charges()) == 1
    assert await shop.stock(lamp) == (1, 0)


async def test_thirty_buyers_of_the_last_ten_units_make_ten_paid_orders(shop: Shop) -> None:
    # given ten units and thirty carts holding one each
    lamp = await shop.product(stock=10)
    tokens = [buyer()[1] for _ in range(30)]
    for token in tokens:
        await shop.add_to_cart(token, lamp)

    # when all of them check out at once
    payloads = await asyncio.gather(*(shop.checkout(token) for token in tokens))

    # then exactly ten are paid and twenty are out of stock
    outcomes = Counter(
        p["order"]["status"] if p["order"] else p["userErrors"][0]["code"] for p in payloads
    )
    assert outcomes == {"PAID": 10, "OUT_OF_STOCK": 20}
    assert await shop.stock(lamp) == (0, 0)
    assert len(await shop.charges()) == 10
    assert (await shop.counts())["checkouts"] == 10


@pytest.fixture
async def shop_with_events(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    """Orders publishing its outbox, the cart consuming OrderPlaced."""
    async with running_shop(
        databases, redis_url, orders_env={"MINISHOP_EVENTS_IN_PROCESS": "true"}, cart_events=True
    ) as running:
        yield running


async def test_a_paid_checkout_empties_the_cart_and_its_key_still_returns_the_order(
    shop_with_events: Shop,
) -> None:
    shop = shop_with_events
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp, 2)

    first = await shop.checkout(token, idempotencyKey="k")

    async def cart_is_empty() -> bool:
        return await shop.cart_items(token) == []

    await eventually(cart_is_empty, what="the cart to give up the ordered lines")
    again = await shop.checkout(token, idempotencyKey="k")
    assert again["order"]["id"] == first["order"]["id"]
    assert again["order"]["status"] == "PAID"
    # while a new key finds the cart empty
    fresh = await shop.checkout(token, idempotencyKey="other")
    assert [e["code"] for e in fresh["userErrors"]] == ["CART_EMPTY"]
