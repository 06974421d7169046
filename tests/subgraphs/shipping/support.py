"""Operations and helpers the shipping tests share: tokens, the orders' events as
orders publishes them, and direct reads of the shipping database."""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
from redis.asyncio import Redis

from shared.events import Event, EventEnvelope
from shared.events.contracts import OrderAddress, OrderCancelled, OrderEventLine, OrderPaid
from shared.events.settings import events_settings
from tests.support.graphql import GraphQLClient
from tests.support.services import RunningService, mint_token

CONSUME_TIMEOUT_SECONDS = 10.0
ADMIN_ID = "00000000-0000-4000-8000-0000000000ad"
BUYER_ID = "00000000-0000-4000-8000-0000000000b1"
OTHER_ID = "00000000-0000-4000-8000-0000000000b2"
ADMIN = mint_token(ADMIN_ID, roles=["CUSTOMER", "ADMIN"])
BUYER = mint_token(BUYER_ID)
OTHER = mint_token(OTHER_ID)
PARTNER = mint_token("partner-courier", roles=[], scopes=["shipping:read"], partner=True)
PARTNER_WITHOUT_SCOPE = mint_token("partner-shop", roles=[], scopes=["catalog:read"], partner=True)

ADDRESS = OrderAddress(
    full_name="Ada Lovelace",
    line1="12 St James's Square",
    city="London",
    postal_code="SW1Y 4JH",
    country="GB",
    phone="+44 20 7946 0000",
)

SHIPMENT_FIELDS = """
  id order { id } status carrier trackingNumber createdAt updatedAt
  events { status description occurredAt }
"""
SHIP_ORDER = f"""
mutation Ship($orderId: ID!, $carrier: String!, $trackingNumber: String!) {{
  shipOrder(orderId: $orderId, carrier: $carrier, trackingNumber: $trackingNumber) {{
    shipment {{ {SHIPMENT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
UPDATE_STATUS = f"""
mutation Update($shipmentId: ID!, $status: ShipmentStatus!, $description: String) {{
  updateShipmentStatus(shipmentId: $shipmentId, status: $status, description: $description) {{
    shipment {{ {SHIPMENT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
BY_TRACKING_NUMBER = f"""
query Track($trackingNumber: String!) {{
  shipment(trackingNumber: $trackingNumber) {{ {SHIPMENT_FIELDS} }}
}}
"""


def as_admin(shipping: RunningService) -> GraphQLClient:
    return shipping.graphql.as_user(ADMIN)


def _envelope(event: Event) -> EventEnvelope:
    return EventEnvelope(
        type=event.type,
        source=event.producer,
        aggregate_id=event.aggregate_id(),
        data=json.loads(event.model_dump_json()),
    )


def order_paid(
    user_id: str = BUYER_ID, order_id: uuid.UUID | None = None, method: str = "STANDARD"
) -> EventEnvelope:
    """OrderPaid as the orders service publishes it."""
    return _envelope(
        OrderPaid(
            order_id=order_id or uuid.uuid4(),
            user_id=uuid.UUID(user_id),
            number="MS-000123",
            currency="USD",
            subtotal=Decimal("20.00"),
            shipping_cost=Decimal("5.00"),
            total=Decimal("25.00"),
            shipping_method=method,
            shipping_address=ADDRESS,
            lines=(
                OrderEventLine(
                    product_id=uuid.uuid4(),
                    sku="LAMP-1",
                    name="Desk lamp",
                    unit_price=Decimal("10.00"),
                    quantity=2,
                ),
            ),
        )
    )


def order_cancelled(order_id: str, user_id: str = BUYER_ID) -> EventEnvelope:
    return _envelope(
        OrderCancelled(
            order_id=uuid.UUID(order_id),
            user_id=uuid.UUID(user_id),
            number="MS-000123",
            currency="USD",
            total=Decimal("25.00"),
        )
    )


async def publish(redis_url: str, *envelopes: EventEnvelope) -> str:
    """Put the envelopes on the orders stream as its relay would; the last entry's id."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    message_id = ""
    try:
        for envelope in envelopes:
            added = await redis.xadd(
                events_settings().stream("orders"),
                {
                    "id": str(envelope.id),
                    "type": envelope.type,
                    "envelope": envelope.model_dump_json(),
                },
            )
            message_id = added if isinstance(added, str) else added.decode()
    finally:
        await redis.aclose()
    return message_id


def _stream_id(value: str) -> tuple[int, int]:
    millis, sequence = value.split("-")
    return int(millis), int(sequence)


async def wait_consumed(redis_url: str, message_id: str) -> None:
    """Until the shipping group has read up to `message_id` and acknowledged everything
    (10 s at most)."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        async with asyncio.timeout(CONSUME_TIMEOUT_SECONDS):
            while True:
                groups = await redis.xinfo_groups(events_settings().stream("orders"))
                group = next((g for g in groups if g["name"] == "shipping"), None)
                if (
                    group is not None
                    and _stream_id(group["last-delivered-id"]) >= _stream_id(message_id)
                    and group["pending"] == 0
                ):
                    return
                await asyncio.sleep(0.02)
    finally:
        await redis.aclose()


async def deliver(redis_url: str, *envelopes: EventEnvelope) -> None:
    """Publish the envelopes and wait until shipping has handled them all."""
    await wait_consumed(redis_url, await publish(redis_url, *envelopes))


def database_url(shipping: RunningService) -> str:
    assert shipping.state.engine is not None
    url = shipping.state.engine.url.render_as_string(hide_password=False)
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def sql(shipping: RunningService, query: str, *args: Any) -> list[asyncpg.Record]:
    """Read the service's database directly, outside its engine and counters."""
    connection = await asyncpg.connect(database_url(shipping))
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def table_counts(shipping: RunningService) -> dict[str, int]:
    """Rows per table that a failed command must leave unchanged."""
    rows = await sql(
        shipping,
        "SELECT 'shipments', count(*) FROM shipments UNION ALL "
        "SELECT 'tracking_events', count(*) FROM tracking_events UNION ALL "
        "SELECT 'outbox', count(*) FROM outbox",
    )
    return {row[0]: row[1] for row in rows}


async def shipment_rows(shipping: RunningService) -> list[dict[str, Any]]:
    rows = await sql(
        shipping,
        "SELECT id, order_id, user_id, method, address, status, carrier, tracking_number "
        "FROM shipments ORDER BY created_at, id",
    )
    return [dict(row) for row in rows]


async def outbox_events(shipping: RunningService, type_: str) -> list[dict[str, Any]]:
    """The payloads of outbox events of one type, oldest first."""
    rows = await sql(shipping, "SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq", type_)
    return [json.loads(row[0])["data"] for row in rows]


async def paid_order(
    shipping: RunningService, redis_url: str, user_id: str = BUYER_ID
) -> dict[str, str]:
    """A paid order whose PENDING shipment exists: its order and shipment ids."""
    envelope = order_paid(user_id)
    await deliver(redis_url, envelope)
    order_id = envelope.data["order_id"]
    rows = await sql(shipping, "SELECT id FROM shipments WHERE order_id = $1", uuid.UUID(order_id))
    assert len(rows) == 1
    return {"order_id": order_id, "shipment_id": str(rows[0]["id"])}


async def shipped_order(
    shipping: RunningService, redis_url: str, tracking_number: str, user_id: str = BUYER_ID
) -> dict[str, str]:
    """A paid order whose shipment was handed to a carrier."""
    order = await paid_order(shipping, redis_url, user_id)
    result = await as_admin(shipping).execute(
        SHIP_ORDER,
        {"orderId": order["order_id"], "carrier": "UPS", "trackingNumber": tracking_number},
    )
    assert result.ok()["shipOrder"]["userErrors"] == []
    return order
