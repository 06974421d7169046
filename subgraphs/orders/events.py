"""Events orders consumes: refunds from payments, the parcel's progress from shipping.

Each handler runs in the transaction that records the event id, so it applies
once however often it is delivered. Events may arrive out of order or after a
later change: a change the order has already gone past is ignored, and a
delivery reported before its shipping implies the shipping.

A returned parcel (ShipmentReturned) refunds what is left of the payment; the
returned goods are not put back on sale here (restocking returns is out of
scope: someone checks them first).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Consumer, EventEnvelope
from shared.events.contracts import (
    PaymentRefunded,
    ShipmentDelivered,
    ShipmentReturned,
    ShipmentShipped,
)
from subgraphs.orders import repository
from subgraphs.orders.clients import PaymentsClient
from subgraphs.orders.models import OrderRow, OrderStatus
from subgraphs.orders.service.transitions import can_transition, reachable, transition

logger = logging.getLogger("minishop.orders.events")

S = OrderStatus


async def _advance(
    session: AsyncSession, order: OrderRow | None, path: list[OrderStatus], note: str, why: str
) -> None:
    """Take the order along `path` from wherever it stands on it; ignore the event
    when the order is already at or past the end, or somewhere the path never was."""
    if order is None:
        logger.warning("%s for an unknown order", why)
        return
    current = S(order.status)
    target = path[-1]
    if current == target or reachable(target, current):
        return
    steps = path[path.index(current) + 1 :] if current in path else []
    if not steps or not can_transition(current, steps[0]):
        logger.warning("%s ignored: the order %s is %s", why, order.id, current.value)
        return
    for status in steps:
        await transition(session, order, status, note)


def orders_consumer(payments: PaymentsClient) -> Consumer:
    consumer = Consumer("orders")

    @consumer.on(ShipmentShipped)
    async def shipped(event: ShipmentShipped, _: EventEnvelope, session: AsyncSession) -> None:
        order = await repository.lock_order(session, event.order_id)
        await _advance(session, order, [S.PAID, S.SHIPPED], _shipped_note(event), "ShipmentShipped")

    @consumer.on(ShipmentDelivered)
    async def delivered(event: ShipmentDelivered, _: EventEnvelope, session: AsyncSession) -> None:
        order = await repository.lock_order(session, event.order_id)
        await _advance(
            session, order, [S.PAID, S.SHIPPED, S.DELIVERED], "Delivered.", "ShipmentDelivered"
        )

    @consumer.on(PaymentRefunded)
    async def refunded(event: PaymentRefunded, _: EventEnvelope, session: AsyncSession) -> None:
        if not event.fully_refunded:
            return
        order = await repository.lock_order(session, event.order_id)
        if order is None or order.status in (S.CANCELLED, S.REFUNDED):
            # A cancellation's own refund: the order stays CANCELLED.
            return
        if can_transition(S(order.status), S.REFUNDED):
            await transition(session, order, S.REFUNDED, "Payment refunded in full.")
        else:
            logger.warning("refund of order %s ignored: it is %s", order.id, order.status)

    @consumer.on(ShipmentReturned)
    async def returned(event: ShipmentReturned, _: EventEnvelope, session: AsyncSession) -> None:
        order = await repository.lock_order(session, event.order_id)
        if order is None or order.status not in (S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED):
            return
        # Keyed by the order: a redelivered event refunds nothing more. Raising
        # (payments down) makes the delivery try again later.
        result = await payments.refund_order(order.id, "parcel returned", f"return:{order.id}")
        if result.payment.status == "REFUNDED":
            await transition(session, order, S.REFUNDED, "Returned and refunded.")

    return consumer


def _shipped_note(event: ShipmentShipped) -> str:
    if event.carrier and event.tracking_number:
        return f"Shipped with {event.carrier}, tracking {event.tracking_number}."
    return "Shipped."
