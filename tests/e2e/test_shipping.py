"""A paid order's shipment through the gateway: shipped, delivered, returned, and who may see it."""

from __future__ import annotations

import uuid

from tests.e2e.test_orders import RETURN, paid_order
from tests.support.accounts import register
from tests.support.graphql import GraphQLClient
from tests.support.shop import eventually

SHIPMENT_OF = """
query Shipment($id: ID!) {
  order(id: $id) {
    status statusHistory { status }
    shipment { id status carrier trackingNumber events { status description occurredAt } }
  }
}
"""
SHIP = """
mutation Ship($orderId: ID!, $carrier: String!, $tracking: String!) {
  shipOrder(orderId: $orderId, carrier: $carrier, trackingNumber: $tracking) {
    shipment { id status trackingNumber } userErrors { field code }
  }
}
"""
UPDATE = """
mutation Update($id: ID!, $status: ShipmentStatus!, $description: String) {
  updateShipmentStatus(shipmentId: $id, status: $status, description: $description) {
    shipment { id status } userErrors { code }
  }
}
"""
TRACK = "query Track($number: String!) { shipment(trackingNumber: $number) { id status } }"


async def order_view(client: GraphQLClient, order_id: str) -> dict[str, object]:
    order: dict[str, object] = (await client.execute(SHIPMENT_OF, {"id": order_id})).ok()["order"]
    return order


def has_status(status: str) -> object:
    return lambda order: order["status"] == status


async def test_a_paid_order_is_shipped_delivered_and_returned_with_the_order_following(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    admin = gateway.as_user(admin_token)
    pending = await eventually(
        lambda: order_view(buyer, order["id"]),
        lambda o: o["shipment"] is not None,
        what="the shipment of the paid order",
    )
    assert pending["shipment"]["status"] == "PENDING"
    tracking = f"TRK{uuid.uuid4().hex[:12].upper()}"

    shipped = (
        await admin.execute(SHIP, {"orderId": order["id"], "carrier": "UPS", "tracking": tracking})
    ).ok()["shipOrder"]
    shipment_id = shipped["shipment"]["id"]
    await eventually(lambda: order_view(buyer, order["id"]), has_status("SHIPPED"), what="SHIPPED")
    transit = (await admin.execute(UPDATE, {"id": shipment_id, "status": "IN_TRANSIT"})).ok()
    delivered = (
        await admin.execute(
            UPDATE, {"id": shipment_id, "status": "DELIVERED", "description": "Porch"}
        )
    ).ok()
    await eventually(
        lambda: order_view(buyer, order["id"]), has_status("DELIVERED"), what="DELIVERED"
    )
    returned = (await buyer.execute(RETURN, {"id": order["id"], "reason": "Wrong size"})).ok()
    back = (await admin.execute(UPDATE, {"id": shipment_id, "status": "RETURNED"})).ok()
    final = await eventually(
        lambda: order_view(buyer, order["id"]), has_status("REFUNDED"), what="REFUNDED"
    )

    assert shipped["userErrors"] == []
    assert shipped["shipment"]["status"] == "SHIPPED"
    assert transit["updateShipmentStatus"]["userErrors"] == []
    assert delivered["updateShipmentStatus"]["shipment"]["status"] == "DELIVERED"
    assert returned["requestReturn"]["order"]["status"] == "RETURN_REQUESTED"
    assert back["updateShipmentStatus"]["shipment"]["status"] == "RETURNED"
    assert [change["status"] for change in final["statusHistory"]] == [
        "PENDING_PAYMENT",
        "PAID",
        "SHIPPED",
        "DELIVERED",
        "RETURN_REQUESTED",
        "REFUNDED",
    ]
    assert [event["status"] for event in final["shipment"]["events"]] == [
        "PENDING",
        "SHIPPED",
        "IN_TRANSIT",
        "DELIVERED",
        "RETURNED",
    ]


async def test_customers_cannot_ship_and_others_cannot_track(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    admin = gateway.as_user(admin_token)
    await eventually(
        lambda: order_view(buyer, order["id"]),
        lambda o: o["shipment"] is not None,
        what="the shipment",
    )
    tracking = f"TRK{uuid.uuid4().hex[:12].upper()}"
    variables = {"orderId": order["id"], "carrier": "DHL", "tracking": tracking}

    by_customer = await buyer.execute(SHIP, variables)
    by_admin = (await admin.execute(SHIP, variables)).ok()["shipOrder"]
    twice = (await admin.execute(SHIP, variables)).ok()["shipOrder"]
    _other_id, other_token = await register(gateway, "Other")
    as_other = (await gateway.as_user(other_token).execute(TRACK, {"number": tracking})).ok()
    as_owner = (await buyer.execute(TRACK, {"number": tracking})).ok()
    anonymous = (await gateway.execute(TRACK, {"number": tracking})).ok()

    assert by_customer.error_codes == ["FORBIDDEN"]
    assert by_admin["userErrors"] == []
    assert [e["code"] for e in twice["userErrors"]] == ["INVALID_STATE"]
    assert as_other["shipment"] is None
    assert anonymous["shipment"] is None
    assert as_owner["shipment"]["status"] == "SHIPPED"
