"""Events shipping consumes: a paid order gets a shipment, a cancelled one loses it.

Both run in the delivery's transaction, beside its processed-event record, so
each event is applied once; the handlers are idempotent besides (one shipment
per order, only a PENDING one is cancelled).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Consumer, EventEnvelope
from shared.events.contracts import OrderCancelled, OrderPaid
from subgraphs.shipping.service import ShippingServices


def shipping_consumer(services: ShippingServices) -> Consumer:
    consumer = Consumer("shipping")

    @consumer.on(OrderPaid)
    async def open_shipment(event: OrderPaid, _: EventEnvelope, session: AsyncSession) -> None:
        await services.shipments.open_for_paid_order(session, event)

    @consumer.on(OrderCancelled)
    async def cancel_shipment(
        event: OrderCancelled, _: EventEnvelope, session: AsyncSession
    ) -> None:
        await services.shipments.cancel_for_order(session, event.order_id)

    return consumer
