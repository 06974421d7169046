"""updateShipmentStatus: the moves the rules allow, their tracking events and
announcements, and everything else refused with nothing written."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.shipping.support import (
    BUYER,
    BUYER_ID,
    UPDATE_STATUS,
    as_admin,
    deliver,
    order_cancelled,
    outbox_events,
    paid_order,
    shipped_order,
    sql,
    table_counts,
)
from tests.support.services import RunningService


async def update(
    shipping: RunningService, shipment_id: str, status: str, description: str | None = None
) -> dict[str, object]:
    variables = {"shipmentId": shipment_id, "status": status, "description": description}
    result = await as_admin(shipping).execute(UPDATE_STATUS, variables)
    payload: dict[str, object] = result.ok()["updateShipmentStatus"]
    return payload


def codes(payload: dict[str, object]) -> list[str]:
    errors = payload["userErrors"]
    assert isinstance(errors, list)
    return [error["code"] for error in errors]


async def test_in_transit_then_delivered_then_returned_each_leave_a_tracking_event(
    shipping: RunningService, redis_url: str
) -> None:
    order = await shipped_order(shipping, redis_url, "1Z-PATH")
    shipment_id = order["shipment_id"]

    in_transit = await update(shipping, shipment_id, "IN_TRANSIT", "  Left the Leeds hub  ")
    delivered = await update(shipping, shipment_id, "DELIVERED")
    returned = await update(shipping, shipment_id, "RETURNED", "Refused by the recipient")

    for payload in (in_transit, delivered, returned):
        assert payload["userErrors"] == []
    shipment = returned["shipment"]
    assert isinstance(shipment, dict)
    assert shipment["status"] == "RETURNED"
    assert [(e["status"], e["description"]) for e in shipment["events"]] == [
        ("PENDING", "Order paid; the shipment is being prepared."),
        ("SHIPPED", "Handed to the carrier."),
        ("IN_TRANSIT", "Left the Leeds hub"),
        ("DELIVERED", "Delivered."),
        ("RETURNED", "Refused by the recipient"),
    ]
    announced = {
        "shipment_id": shipment_id,
        "order_id": order["order_id"],
        "user_id": BUYER_ID,
        "carrier": "UPS",
        "tracking_number": "1Z-PATH",
    }
    assert await outbox_events(shipping, "ShipmentDelivered") == [announced]
    assert await outbox_events(shipping, "ShipmentReturned") == [announced]
    # Being on the way concerns nobody else.
    types = {row["type"] for row in await sql(shipping, "SELECT type FROM outbox")}
    assert types == {"ShipmentShipped", "ShipmentDelivered", "ShipmentReturned"}


async def test_a_shipped_shipment_may_be_delivered_directly(
    shipping: RunningService, redis_url: str
) -> None:
    order = await shipped_order(shipping, redis_url, "1Z-DIRECT")

    payload = await update(shipping, order["shipment_id"], "DELIVERED")

    assert payload["userErrors"] == []
    assert len(await outbox_events(shipping, "ShipmentDelivered")) == 1


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "SHIPPED"),  # PENDING ships only through shipOrder
        ([], "IN_TRANSIT"),
        ([], "DELIVERED"),
        ([], "CANCELLED"),  # only with the order
        ([], "PENDING"),
        (["SHIPPED"], "SHIPPED"),
        (["SHIPPED"], "RETURNED"),
        (["SHIPPED"], "PENDING"),
        (["SHIPPED"], "CANCELLED"),
        (["SHIPPED", "IN_TRANSIT"], "IN_TRANSIT"),
        (["SHIPPED", "IN_TRANSIT"], "SHIPPED"),
        (["SHIPPED", "IN_TRANSIT"], "RETURNED"),
        (["SHIPPED", "DELIVERED"], "IN_TRANSIT"),
        (["SHIPPED", "DELIVERED"], "DELIVERED"),
        (["SHIPPED", "DELIVERED", "RETURNED"], "DELIVERED"),
        (["SHIPPED", "DELIVERED", "RETURNED"], "SHIPPED"),
        (["CANCELLED"], "SHIPPED"),
        (["CANCELLED"], "PENDING"),
    ],
)
async def test_any_other_move_is_invalid_state_and_writes_nothing(
    shipping: RunningService, redis_url: str, path: list[str], target: str
) -> None:
    order = await _shipment_at(shipping, redis_url, path)
    before = await table_counts(shipping)

    payload = await update(shipping, order["shipment_id"], target)

    assert codes(payload) == ["INVALID_STATE"]
    assert payload["shipment"] is None
    assert await table_counts(shipping) == before


async def _shipment_at(shipping: RunningService, redis_url: str, path: list[str]) -> dict[str, str]:
    """A shipment brought to the end of `path` (after PENDING) the way it gets there."""
    if not path:
        return await paid_order(shipping, redis_url)
    if path == ["CANCELLED"]:
        order = await paid_order(shipping, redis_url)
        await deliver(redis_url, order_cancelled(order["order_id"]))
        return order
    order = await shipped_order(shipping, redis_url, f"T-{uuid.uuid4().hex[:12]}")
    for status in path[1:]:
        assert (await update(shipping, order["shipment_id"], status))["userErrors"] == []
    return order


async def test_an_unknown_shipment_is_not_found(shipping: RunningService) -> None:
    payload = await update(shipping, str(uuid.uuid4()), "DELIVERED")

    assert codes(payload) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("shipment_id", "description", "field"),
    [
        ("not-an-id", None, ["shipmentId"]),
        (None, "x" * 501, ["description"]),
        (None, "Arrived\x00", ["description"]),
        (None, "Arrived\nat depot", ["description"]),
    ],
)
async def test_bad_input_is_invalid_input_and_writes_nothing(
    shipping: RunningService,
    redis_url: str,
    shipment_id: str | None,
    description: str | None,
    field: list[str],
) -> None:
    order = await shipped_order(shipping, redis_url, "1Z-INPUT")
    before = await table_counts(shipping)

    payload = await update(shipping, shipment_id or order["shipment_id"], "IN_TRANSIT", description)

    errors = payload["userErrors"]
    assert isinstance(errors, list)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", field)]
    assert await table_counts(shipping) == before


async def test_an_unknown_status_is_bad_user_input(shipping: RunningService) -> None:
    result = await as_admin(shipping).execute(
        UPDATE_STATUS, {"shipmentId": str(uuid.uuid4()), "status": "LOST"}
    )

    assert result.error_codes == ["BAD_USER_INPUT"]


async def test_a_customer_is_forbidden_and_anonymous_unauthenticated(
    shipping: RunningService, redis_url: str
) -> None:
    order = await shipped_order(shipping, redis_url, "1Z-AUTH")
    before = await table_counts(shipping)
    variables = {"shipmentId": order["shipment_id"], "status": "DELIVERED"}

    customer = await shipping.graphql.as_user(BUYER).execute(UPDATE_STATUS, variables)
    anonymous = await shipping.graphql.execute(UPDATE_STATUS, variables)

    assert customer.error_codes == ["FORBIDDEN"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert await table_counts(shipping) == before
