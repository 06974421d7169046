"""Checkout to a saved address: the accounts' copy of it goes on the order."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from tests.subgraphs.orders.support import NOTHING, Shop, running_shop
from tests.support.accounts import register
from tests.support.databases import DatabaseFactory

ADD_ADDRESS = """
mutation Add($input: AddressInput!) {
  addAddress(input: $input) { address { id } userErrors { code message } }
}
"""
SAVED = {
    "fullName": "Grace Saved",
    "line1": "9 Harbour Lane",
    "line2": "Flat 2",
    "city": "Portsmouth",
    "region": "Hampshire",
    "postalCode": "PO1 2AB",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture
async def shop(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    async with running_shop(databases, redis_url, with_accounts=True) as running:
        yield running


async def saved_address(shop: Shop, token: str) -> str:
    assert shop.accounts is not None
    result = await shop.accounts.graphql.as_user(token).execute(ADD_ADDRESS, {"input": SAVED})
    payload = result.ok()["addAddress"]
    assert payload["userErrors"] == []
    return str(payload["address"]["id"])


async def test_checkout_copies_the_saved_address_onto_the_order(shop: Shop) -> None:
    assert shop.accounts is not None
    _, token = await register(shop.accounts.graphql, "Grace")
    address_id = await saved_address(shop, token)
    await shop.add_to_cart(token, await shop.product())

    payload = await shop.checkout(token, shippingAddress=None, addressId=address_id)

    assert payload["userErrors"] == []
    assert payload["order"]["shippingAddress"] == {
        "fullName": "Grace Saved",
        "line1": "9 Harbour Lane",
        "line2": "Flat 2",
        "city": "Portsmouth",
        "region": "Hampshire",
        "postalCode": "PO1 2AB",
        "country": "GB",
        "phone": "+44 20 7946 0000",
    }
    [paid] = await shop.events("OrderPaid")
    assert paid["shipping_address"]["city"] == "Portsmouth"


async def test_someone_elses_or_an_unknown_address_is_not_found_and_writes_nothing(
    shop: Shop,
) -> None:
    assert shop.accounts is not None
    _, owner = await register(shop.accounts.graphql, "Owner")
    _, thief = await register(shop.accounts.graphql, "Thief")
    address_id = await saved_address(shop, owner)
    await shop.add_to_cart(thief, await shop.product())

    for wanted in (address_id, str(uuid.uuid4())):
        payload = await shop.checkout(thief, shippingAddress=None, addressId=wanted)
        assert payload["order"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("NOT_FOUND", ["addressId"])
        ]
    assert await shop.counts() == NOTHING
