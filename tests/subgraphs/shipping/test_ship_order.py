"""shipOrder: an admin hands a pending shipment to a carrier (ShipmentShipped)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.subgraphs.shipping.support import (
    BUYER,
    BUYER_ID,
    SHIP_ORDER,
    as_admin,
    outbox_events,
    paid_order,
    shipment_rows,
    shipped_order,
    table_counts,
)
from tests.support.services import RunningService


def ship(order_id: str, carrier: str = "UPS", tracking_number: str = "1Z999AA1") -> dict[str, str]:
    return {"orderId": order_id, "carrier": carrier, "trackingNumber": tracking_number}


async def test_an_admin_ships_a_pending_shipment(shipping: RunningService, redis_url: str) -> None:
    order = await paid_order(shipping, redis_url)

    result = await as_admin(shipping).execute(
        SHIP_ORDER, ship(order["order_id"], " DHL Express ", " 1z-999aa1 ")
    )

    payload = result.ok()["shipOrder"]
    assert payload["userErrors"] == []
    shipment = payload["shipment"]
    assert shipment["id"] == order["shipment_id"]
    assert shipment["order"] == {"id": order["order_id"]}
    assert (shipment["status"], shipment["carrier"], shipment["trackingNumber"]) == (
        "SHIPPED",
        "DHL Express",
        "1Z-999AA1",
    )
    assert [(e["status"], e["description"]) for e in shipment["events"]] == [
        ("PENDING", "Order paid; the shipment is being prepared."),
        ("SHIPPED", "Handed to the carrier."),
    ]
    assert await outbox_events(shipping, "ShipmentShipped") == [
        {
            "shipment_id": order["shipment_id"],
            "order_id": order["order_id"],
            "user_id": BUYER_ID,
            "carrier": "DHL Express",
            "tracking_number": "1Z-999AA1",
        }
    ]


async def test_a_shipment_that_already_shipped_is_invalid_state(
    shipping: RunningService, redis_url: str
) -> None:
    order = await shipped_order(shipping, redis_url, "FIRST-1")
    before = await table_counts(shipping)

    result = await as_admin(shipping).execute(SHIP_ORDER, ship(order["order_id"], "UPS", "AGAIN-2"))

    payload = result.ok()["shipOrder"]
    assert payload["shipment"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_STATE"]
    assert await table_counts(shipping) == before
    [row] = await shipment_rows(shipping)
    assert row["tracking_number"] == "FIRST-1"


async def test_a_tracking_number_another_shipment_has_is_taken(
    shipping: RunningService, redis_url: str
) -> None:
    await shipped_order(shipping, redis_url, "1Z-TAKEN")
    second = await paid_order(shipping, redis_url)
    before = await table_counts(shipping)

    # Compared without case.
    result = await as_admin(shipping).execute(
        SHIP_ORDER, ship(second["order_id"], "UPS", "1z-taken")
    )

    payload = result.ok()["shipOrder"]
    assert payload["userErrors"] == [
        {
            "field": ["trackingNumber"],
            "message": "Another shipment already has this tracking number.",
            "code": "TRACKING_NUMBER_TAKEN",
        }
    ]
    assert await table_counts(shipping) == before
    statuses = [row["status"] for row in await shipment_rows(shipping)]
    assert statuses == ["SHIPPED", "PENDING"]


async def test_an_order_without_shipment_is_not_found(shipping: RunningService) -> None:
    result = await as_admin(shipping).execute(SHIP_ORDER, ship(str(uuid.uuid4())))

    payload = result.ok()["shipOrder"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["orderId"])]
    assert await table_counts(shipping) == {"shipments": 0, "tracking_events": 0, "outbox": 0}


@pytest.mark.parametrize(
    ("carrier", "tracking_number", "fields"),
    [
        ("", "1Z1", [["carrier"]]),
        ("   ", "1Z1", [["carrier"]]),
        ("U" * 101, "1Z1", [["carrier"]]),
        ("UPS\x00", "1Z1", [["carrier"]]),
        ("UPS\n", "1Z1\x07", [["trackingNumber"]]),
        ("UPS", "", [["trackingNumber"]]),
        ("UPS", "1" * 65, [["trackingNumber"]]),
        ("UPS", "1Z 999", [["trackingNumber"]]),
        ("UPS", "-1Z", [["trackingNumber"]]),
        ("", "\x00", [["carrier"], ["trackingNumber"]]),
    ],
)
async def test_bad_input_is_invalid_input_and_writes_nothing(
    shipping: RunningService,
    redis_url: str,
    carrier: str,
    tracking_number: str,
    fields: list[list[str]],
) -> None:
    order = await paid_order(shipping, redis_url)
    before = await table_counts(shipping)

    result = await as_admin(shipping).execute(
        SHIP_ORDER, ship(order["order_id"], carrier, tracking_number)
    )

    payload = result.ok()["shipOrder"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", field) for field in fields
    ]
    assert await table_counts(shipping) == before
    [row] = await shipment_rows(shipping)
    assert row["status"] == "PENDING"


async def test_a_malformed_order_id_is_invalid_input(shipping: RunningService) -> None:
    result = await as_admin(shipping).execute(SHIP_ORDER, ship("not-an-id"))

    payload = result.ok()["shipOrder"]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["orderId"])
    ]


async def test_a_customer_is_forbidden_and_anonymous_unauthenticated(
    shipping: RunningService, redis_url: str
) -> None:
    order = await paid_order(shipping, redis_url)
    before = await table_counts(shipping)

    customer = await shipping.graphql.as_user(BUYER).execute(SHIP_ORDER, ship(order["order_id"]))
    anonymous = await shipping.graphql.execute(SHIP_ORDER, ship(order["order_id"]))
    bad_token = await shipping.graphql.as_user("not.a.token").execute(
        SHIP_ORDER, ship(order["order_id"])
    )

    assert customer.error_codes == ["FORBIDDEN"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert bad_token.error_codes == ["UNAUTHENTICATED"]
    assert await table_counts(shipping) == before


async def test_two_admins_giving_one_number_to_two_orders_at_once_get_one_shipped(
    shipping: RunningService, redis_url: str
) -> None:
    first = await paid_order(shipping, redis_url)
    second = await paid_order(shipping, redis_url)
    admin = as_admin(shipping)

    results = await asyncio.gather(
        admin.execute(SHIP_ORDER, ship(first["order_id"], "UPS", "1Z-RACE")),
        admin.execute(SHIP_ORDER, ship(second["order_id"], "UPS", "1Z-RACE")),
    )

    codes = sorted(
        [e["code"] for e in result.ok()["shipOrder"]["userErrors"]] for result in results
    )
    assert codes == [[], ["TRACKING_NUMBER_TAKEN"]]
    statuses = sorted(row["status"] for row in await shipment_rows(shipping))
    assert statuses == ["PENDING", "SHIPPED"]
    assert len(await outbox_events(shipping, "ShipmentShipped")) == 1
