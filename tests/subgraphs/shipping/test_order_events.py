"""A paid order gets one PENDING shipment however often OrderPaid arrives; a
cancelled order's pending shipment is cancelled, a shipped one stays."""

from __future__ import annotations

import json
import uuid

from tests.subgraphs.shipping.support import (
    BUYER_ID,
    deliver,
    order_cancelled,
    order_paid,
    paid_order,
    shipment_rows,
    shipped_order,
    sql,
    table_counts,
)
from tests.support.services import RunningService


async def test_order_paid_opens_one_pending_shipment_even_when_delivered_twice(
    shipping: RunningService, redis_url: str
) -> None:
    envelope = order_paid(method="EXPRESS")

    # At-least-once delivery: the same event may arrive again.
    await deliver(redis_url, envelope, envelope)

    rows = await shipment_rows(shipping)
    assert len(rows) == 1
    row = rows[0]
    assert str(row["order_id"]) == envelope.data["order_id"]
    assert str(row["user_id"]) == BUYER_ID
    assert (row["method"], row["status"], row["carrier"], row["tracking_number"]) == (
        "EXPRESS",
        "PENDING",
        None,
        None,
    )
    assert json.loads(row["address"]) == {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "line2": None,
        "city": "London",
        "region": None,
        "postal_code": "SW1Y 4JH",
        "country": "GB",
        "phone": "+44 20 7946 0000",
    }
    events = await sql(shipping, "SELECT status FROM tracking_events")
    assert [e["status"] for e in events] == ["PENDING"]


async def test_a_second_order_paid_event_for_the_same_order_changes_nothing(
    shipping: RunningService, redis_url: str
) -> None:
    order_id = uuid.uuid4()

    # Two distinct events (two ids) for one order: the order id decides.
    await deliver(redis_url, order_paid(order_id=order_id), order_paid(order_id=order_id))

    assert await table_counts(shipping) == {"shipments": 1, "tracking_events": 1, "outbox": 0}


async def test_order_cancelled_cancels_the_pending_shipment_once(
    shipping: RunningService, redis_url: str
) -> None:
    order = await paid_order(shipping, redis_url)
    cancelled = order_cancelled(order["order_id"])

    await deliver(redis_url, cancelled, cancelled)

    [row] = await shipment_rows(shipping)
    assert row["status"] == "CANCELLED"
    events = await sql(shipping, "SELECT status FROM tracking_events ORDER BY id")
    assert [e["status"] for e in events] == ["PENDING", "CANCELLED"]


async def test_order_cancelled_leaves_a_shipped_shipment_as_it_is(
    shipping: RunningService, redis_url: str
) -> None:
    order = await shipped_order(shipping, redis_url, "1Z999AA10123456784")
    before = await table_counts(shipping)

    await deliver(redis_url, order_cancelled(order["order_id"]))

    [row] = await shipment_rows(shipping)
    assert row["status"] == "SHIPPED"
    assert await table_counts(shipping) == before


async def test_order_cancelled_for_an_order_without_shipment_does_nothing(
    shipping: RunningService, redis_url: str
) -> None:
    await deliver(redis_url, order_cancelled(str(uuid.uuid4())))

    assert await table_counts(shipping) == {"shipments": 0, "tracking_events": 0, "outbox": 0}
