"""Bad checkout input: INVALID_INPUT on the field, before anything is asked or written.

One shop serves the whole module: none of these checkouts may change it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.subgraphs.orders.support import ADDRESS, NOTHING, Shop, buyer, running_shop
from tests.support.databases import DatabaseFactory


@pytest.fixture(scope="module")
async def quiet_shop(databases: DatabaseFactory, redis_server_url: str) -> AsyncIterator[Shop]:
    # A Redis database of the module's own: the per-test ones rotate through 0-15.
    base = redis_server_url.rsplit("/", 1)[0]
    async with running_shop(databases, f"{base}/15") as running:
        yield running


def _with_address(**changes: Any) -> dict[str, Any]:
    return {"shippingAddress": {**ADDRESS, **changes}}


BAD_INPUTS = [
    pytest.param(_with_address(line1=""), ["shippingAddress", "line1"], id="empty-line1"),
    pytest.param(_with_address(city="x" * 101), ["shippingAddress", "city"], id="long-city"),
    pytest.param(_with_address(fullName="Ada\x00"), ["shippingAddress", "fullName"], id="nul"),
    pytest.param(_with_address(line2="a\x07b"), ["shippingAddress", "line2"], id="control"),
    pytest.param(_with_address(country="USA"), ["shippingAddress", "country"], id="country-3"),
    pytest.param(_with_address(country="1A"), ["shippingAddress", "country"], id="country-digit"),
    pytest.param(_with_address(postalCode="!!"), ["shippingAddress", "postalCode"], id="postal"),
    pytest.param(_with_address(phone="call me"), ["shippingAddress", "phone"], id="phone"),
    pytest.param({"shippingMethod": " "}, ["shippingMethod"], id="blank-method"),
    pytest.param({"shippingMethod": "STAN\x01DARD"}, ["shippingMethod"], id="method-control"),
    pytest.param({"paymentToken": ""}, ["paymentToken"], id="blank-token"),
    pytest.param({"paymentToken": "t" * 101}, ["paymentToken"], id="long-token"),
    pytest.param({"idempotencyKey": ""}, ["idempotencyKey"], id="empty-key"),
    pytest.param({"idempotencyKey": "k" * 101}, ["idempotencyKey"], id="long-key"),
    pytest.param({"idempotencyKey": "key\x00"}, ["idempotencyKey"], id="key-nul"),
    pytest.param({"shippingAddress": None}, ["shippingAddress"], id="no-address"),
    pytest.param(
        {"addressId": "00000000-0000-4000-8000-000000000001"}, ["shippingAddress"], id="both"
    ),
    pytest.param(
        {"shippingAddress": None, "addressId": "not-an-id"}, ["addressId"], id="forged-address-id"
    ),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUTS)
async def test_bad_input_is_invalid_input_on_its_field_and_writes_nothing(
    quiet_shop: Shop, overrides: dict[str, Any], field: list[str]
) -> None:
    shop = quiet_shop
    _, token = buyer()
    await shop.add_to_cart(token, await shop.product())

    payload = await shop.checkout(token, **overrides)

    assert payload["order"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", field)]
    assert await shop.counts() == NOTHING


async def test_a_forged_order_id_in_cancel_is_not_found(quiet_shop: Shop) -> None:
    _, token = buyer()
    response = await quiet_shop.client(token).execute(
        'mutation { cancelOrder(id: "x\\u0000") { order { id } userErrors { code field } } }'
    )
    assert response.ok()["cancelOrder"]["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
