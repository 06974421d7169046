"""What the notifications service consumes: contacts, orders, and a message per happening.

One consumer group, `notifications`, over the accounts, orders, payments and
shipping streams. Each handler runs in the transaction that records the event
as processed (see shared/events/consumer.py), so its projections and messages
are written once per event.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Consumer, EventEnvelope
from shared.events.contracts import (
    OrderCancelled,
    OrderPaid,
    OrderPaymentFailed,
    PasswordChanged,
    PaymentRefunded,
    ShipmentDelivered,
    ShipmentShipped,
    UserRegistered,
    UserUpdated,
)
from subgraphs.notifications import repository
from subgraphs.notifications.models import Kind
from subgraphs.notifications.service.recording import MessageRecorder, amount_text

GROUP = "notifications"


def _address_lines(event: OrderPaid) -> list[str]:
    address = event.shipping_address
    city = " ".join(part for part in (address.postal_code, address.city) if part)
    lines = [address.full_name, address.line1, address.line2, city, address.region]
    return [line for line in (*lines, address.country) if line]


def notifications_consumer(recorder: MessageRecorder) -> Consumer:
    consumer = Consumer(GROUP)

    @consumer.on(UserRegistered)
    async def welcome(
        event: UserRegistered, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await repository.upsert_contact(session, event.user_id, event.email, event.name)
        await recorder.record(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            kind=Kind.WELCOME,
            values={"email": event.email},
        )

    @consumer.on(UserUpdated)
    async def contact_changed(
        event: UserUpdated, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await repository.upsert_contact(session, event.user_id, event.email, event.name)

    @consumer.on(PasswordChanged)
    async def password_changed(
        event: PasswordChanged, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await recorder.record(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            kind=Kind.PASSWORD_CHANGED,
            values={},
        )

    @consumer.on(OrderPaid)
    async def order_confirmed(
        event: OrderPaid, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await _remember_order(session, event)
        lines = [
            {
                "quantity": line.quantity,
                "name": line.name,
                "sku": line.sku,
                "unit_price": amount_text(line.unit_price, event.currency),
                "amount": amount_text(line.unit_price * line.quantity, event.currency),
            }
            for line in event.lines
        ]
        await recorder.record_about_order(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            order_id=event.order_id,
            kind=Kind.ORDER_CONFIRMED,
            values={
                "lines": lines,
                "subtotal": amount_text(event.subtotal, event.currency),
                "shipping_cost": amount_text(event.shipping_cost, event.currency),
                "shipping_method": event.shipping_method,
                "address": _address_lines(event),
            },
        )

    @consumer.on(OrderPaymentFailed)
    async def payment_failed(
        event: OrderPaymentFailed, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await _remember_order(session, event)
        await recorder.record_about_order(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            order_id=event.order_id,
            kind=Kind.PAYMENT_FAILED,
            values={"failure_code": event.failure_code},
        )

    @consumer.on(OrderCancelled)
    async def order_cancelled(
        event: OrderCancelled, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await _remember_order(session, event)
        await recorder.record_about_order(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            order_id=event.order_id,
            kind=Kind.ORDER_CANCELLED,
            values={},
        )

    @consumer.on(ShipmentShipped)
    async def order_shipped(
        event: ShipmentShipped, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await recorder.record_about_order(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            order_id=event.order_id,
            kind=Kind.ORDER_SHIPPED,
            values={"carrier": event.carrier, "tracking_number": event.tracking_number},
        )

    @consumer.on(ShipmentDelivered)
    async def order_delivered(
        event: ShipmentDelivered, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await recorder.record_about_order(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            order_id=event.order_id,
            kind=Kind.ORDER_DELIVERED,
            values={"carrier": event.carrier, "tracking_number": event.tracking_number},
        )

    @consumer.on(PaymentRefunded)
    async def refund_issued(
        event: PaymentRefunded, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await recorder.record_about_order(
            session,
            event_id=envelope.id,
            user_id=event.user_id,
            order_id=event.order_id,
            kind=Kind.REFUND_ISSUED,
            values={
                "amount": amount_text(event.amount, event.currency),
                "refunded_total": amount_text(event.refunded_total, event.currency),
                "captured": amount_text(event.captured, event.currency),
                "fully_refunded": event.fully_refunded,
            },
        )

    return consumer


async def _remember_order(
    session: AsyncSession, event: OrderPaid | OrderPaymentFailed | OrderCancelled
) -> None:
    await repository.upsert_order(
        session,
        order_id=event.order_id,
        user_id=event.user_id,
        number=event.number,
        total=event.total,
        currency=event.currency,
    )
