"""After checkout: cancellation, shipping events, returns and refunds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from shared.events.contracts import (
    PaymentRefunded,
    ShipmentDelivered,
    ShipmentReturned,
    ShipmentShipped,
)
from tests.subgraphs.orders.support import Shop, buyer, eventually, running_shop
from tests.support.databases import DatabaseFactory

CANCEL = """
mutation Cancel($id: ID!) {
  cancelOrder(id: $id) {
    order { id status statusHistory { status note } }
    userErrors { field message code }
  }
}
"""
RETURN = """
mutation Return($id: ID!, $reason: String!) {
  requestReturn(orderId: $id, reason: $reason) {
    order { id status statusHistory { status note } }
    userErrors { field message code }
  }
}
"""
STATUS = "query($id: ID!) { order(id: $id) { status statusHistory { status } } }"


@pytest.fixture
async def lively_shop(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    """Orders consuming the shipping and payments streams."""
    env = {"MINISHOP_EVENTS_IN_PROCESS": "true"}
    async with running_shop(databases, redis_url, orders_env=env) as running:
        yield running


async def paid_order(shop: Shop, token: str, stock: int = 5) -> tuple[str, str]:
    """A PAID order of one lamp; returns (order id, product id)."""
    lamp = await shop.product(stock=stock)
    await shop.add_to_cart(token, lamp)
    payload = await shop.checkout(token)
    assert payload["order"]["status"] == "PAID", payload
    return payload["order"]["id"], lamp


async def cancel(shop: Shop, token: str, order_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await shop.client(token).execute(CANCEL, {"id": order_id})).ok()[
        "cancelOrder"
    ]
    return payload


async def request_return(shop: Shop, token: str, order_id: str, reason: str) -> dict[str, Any]:
    variables = {"id": order_id, "reason": reason}
    payload: dict[str, Any] = (await shop.client(token).execute(RETURN, variables)).ok()[
        "requestReturn"
    ]
    return payload


async def wait_for_status(shop: Shop, token: str, order_id: str, status: str) -> list[str]:
    seen: list[str] = []

    async def reached() -> bool:
        order = (await shop.client(token).execute(STATUS, {"id": order_id})).ok()["order"]
        seen[:] = [change["status"] for change in order["statusHistory"]]
        return bool(order["status"] == status)

    await eventually(reached, what=f"the order to become {status}")
    return seen


def shipment(event: type[Any], order_id: str, user_id: str, **extra: Any) -> Any:
    return event(
        shipment_id=uuid.uuid5(uuid.NAMESPACE_URL, order_id),
        order_id=uuid.UUID(order_id),
        user_id=uuid.UUID(user_id),
        **extra,
    )


async def test_cancelling_a_paid_order_refunds_it_and_releases_its_stock(shop: Shop) -> None:
    # given a paid order
    _, token = buyer()
    order_id, lamp = await paid_order(shop, token, stock=5)
    assert await shop.stock(lamp) == (4, 0)

    # when the buyer cancels it
    payload = await cancel(shop, token, order_id)

    # then it is cancelled, refunded in full and its unit is back on sale
    assert payload["userErrors"] == []
    assert payload["order"]["status"] == "CANCELLED"
    assert [c["status"] for c in payload["order"]["statusHistory"]] == [
        "PENDING_PAYMENT",
        "PAID",
        "CANCELLED",
    ]
    assert await shop.payment_state() == [("REFUNDED", "15.00", 1)]
    assert await shop.stock(lamp) == (5, 0)
    [cancelled] = await shop.events("OrderCancelled")
    assert cancelled["order_id"] == order_id and Decimal(cancelled["total"]) == Decimal("15.00")

    # and cancelling again returns it, refunding nothing more
    again = await cancel(shop, token, order_id)
    assert again["userErrors"] == [] and again["order"]["status"] == "CANCELLED"
    assert await shop.payment_state() == [("REFUNDED", "15.00", 1)]
    assert len(await shop.events("OrderCancelled")) == 1
    assert await shop.stock(lamp) == (5, 0)


async def test_a_failed_order_cannot_be_cancelled(shop: Shop) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    failed = await shop.checkout(token, paymentToken="tok_chargeDeclined")

    payload = await cancel(shop, token, failed["order"]["id"])

    assert payload["order"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_STATE"]
    assert await shop.events("OrderCancelled") == []


async def test_someone_elses_order_cannot_be_cancelled_or_returned(shop: Shop) -> None:
    _, owner = buyer()
    _, stranger = buyer()
    order_id, _ = await paid_order(shop, owner)

    cancelled = await cancel(shop, stranger, order_id)
    returned = await request_return(shop, stranger, order_id, "no")
    unknown = await cancel(shop, stranger, str(uuid.uuid4()))

    assert [(e["code"], e["field"]) for e in cancelled["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert [(e["code"], e["field"]) for e in returned["userErrors"]] == [("NOT_FOUND", ["orderId"])]
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]
    assert await shop.payment_state() == [("SUCCEEDED", "0.00", 0)]


async def test_a_return_before_delivery_is_invalid_state(shop: Shop) -> None:
    _, token = buyer()
    order_id, _ = await paid_order(shop, token)

    payload = await request_return(shop, token, order_id, "Changed my mind")

    assert payload["order"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_STATE"]
    assert await shop.events("OrderReturnRequested") == []


async def test_shipping_events_move_the_order_and_a_returned_parcel_refunds_it(
    lively_shop: Shop,
) -> None:
    shop = lively_shop
    user_id, token = buyer()
    order_id, _ = await paid_order(shop, token)

    # shipped, delivered (each delivered twice: applied once)
    shipped = shipment(ShipmentShipped, order_id, user_id, carrier="UPS", tracking_number="1Z")
    twice = uuid.uuid4()
    await shop.publish(shipped, twice)
    await shop.publish(shipped, twice)
    await wait_for_status(shop, token, order_id, "SHIPPED")
    await shop.publish(shipment(ShipmentDelivered, order_id, user_id))
    await wait_for_status(shop, token, order_id, "DELIVERED")

    # the buyer asks to return it; cancelling is too late now
    too_late = await cancel(shop, token, order_id)
    assert [e["code"] for e in too_late["userErrors"]] == ["INVALID_STATE"]
    bad = await request_return(shop, token, order_id, "broken\x00")
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("INVALID_INPUT", ["reason"])]
    asked = await request_return(shop, token, order_id, "It arrived broken.\nSorry.")
    assert asked["userErrors"] == []
    assert asked["order"]["status"] == "RETURN_REQUESTED"
    assert asked["order"]["statusHistory"][-1]["note"] == "It arrived broken.\nSorry."
    [requested] = await shop.events("OrderReturnRequested")
    assert requested["reason"] == "It arrived broken.\nSorry."

    # the parcel comes back: refunded in full, once however often it is told
    returned = shipment(ShipmentReturned, order_id, user_id)
    again = uuid.uuid4()
    await shop.publish(returned, again)
    await shop.publish(returned, again)
    history = await wait_for_status(shop, token, order_id, "REFUNDED")
    assert history == [
        "PENDING_PAYMENT",
        "PAID",
        "SHIPPED",
        "DELIVERED",
        "RETURN_REQUESTED",
        "REFUNDED",
    ]
    assert await shop.payment_state() == [("REFUNDED", "15.00", 1)]


async def test_a_delivery_reported_before_its_shipping_implies_it_and_the_late_one_is_ignored(
    lively_shop: Shop,
) -> None:
    shop = lively_shop
    user_id, token = buyer()
    order_id, _ = await paid_order(shop, token)

    await shop.publish(shipment(ShipmentDelivered, order_id, user_id))
    await wait_for_status(shop, token, order_id, "DELIVERED")
    await shop.publish(shipment(ShipmentShipped, order_id, user_id))
    # a later event on the same stream shows the earlier one was handled
    await shop.publish(shipment(ShipmentDelivered, order_id, user_id))
    marker_order, _ = await paid_order(shop, token)
    await shop.publish(shipment(ShipmentShipped, marker_order, user_id))
    await wait_for_status(shop, token, marker_order, "SHIPPED")

    history = await wait_for_status(shop, token, order_id, "DELIVERED")
    assert history == ["PENDING_PAYMENT", "PAID", "SHIPPED", "DELIVERED"]


async def test_a_full_refund_refunds_a_paid_order_but_leaves_a_cancelled_one_cancelled(
    lively_shop: Shop,
) -> None:
    shop = lively_shop
    user_id, token = buyer()
    refunded_id, _ = await paid_order(shop, token)
    cancelled_id, _ = await paid_order(shop, token)
    assert (await cancel(shop, token, cancelled_id))["order"]["status"] == "CANCELLED"

    for order_id in (cancelled_id, refunded_id):
        await shop.publish(
            PaymentRefunded(
                payment_id=uuid.uuid4(),
                refund_id=uuid.uuid4(),
                order_id=uuid.UUID(order_id),
                user_id=uuid.UUID(user_id),
                currency="USD",
                amount=Decimal("15.00"),
                refunded_total=Decimal("15.00"),
                captured=Decimal("15.00"),
                fully_refunded=True,
            )
        )

    await wait_for_status(shop, token, refunded_id, "REFUNDED")
    history = await wait_for_status(shop, token, cancelled_id, "CANCELLED")
    assert history == ["PENDING_PAYMENT", "PAID", "CANCELLED"]
