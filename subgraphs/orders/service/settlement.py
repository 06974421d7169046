"""Recording a charge's outcome on an order, and then settling its stock.

Checkout, the recovery job and the consumers all move orders through here, so
a payment outcome means the same everywhere: one transaction with the status
change, its history row, the outbox events and the checkout's last step; then
the catalog reservation is committed (paid) or released (failed, cancelled).
Those catalog calls are idempotent; when one does not go through, the order's
stock stays HELD and the recovery job tries again.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import record_event
from shared.events.contracts import (
    OrderAddress,
    OrderedLine,
    OrderEventLine,
    OrderPaid,
    OrderPaymentFailed,
    OrderPlaced,
)
from subgraphs.orders import repository
from subgraphs.orders.clients import CatalogClient
from subgraphs.orders.clients.errors import PeerRefused, PeerUnavailable, ReservationGone
from subgraphs.orders.models import CheckoutStep, OrderRow, OrderStatus, StockState
from subgraphs.orders.service.transitions import transition

logger = logging.getLogger("minishop.orders.settlement")

# Statuses whose units were sold, and those whose units must go back on sale.
SOLD = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.RETURN_REQUESTED,
        OrderStatus.REFUNDED,
    }
)
UNSOLD = frozenset({OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED})


def shipping_address(order: OrderRow) -> OrderAddress:
    return OrderAddress(
        full_name=order.ship_full_name,
        line1=order.ship_line1,
        line2=order.ship_line2,
        city=order.ship_city,
        region=order.ship_region,
        postal_code=order.ship_postal_code,
        country=order.ship_country,
        phone=order.ship_phone,
    )


async def apply_paid(
    session: AsyncSession, order: OrderRow, payment_id: uuid.UUID, note: str
) -> bool:
    """PENDING_PAYMENT -> PAID with OrderPlaced and OrderPaid; False if it was not pending.

    OrderPlaced (the cart gives up the ordered lines) is recorded only here: a
    declined payment keeps the cart.
    """
    if order.status != OrderStatus.PENDING_PAYMENT:
        return False
    await transition(session, order, OrderStatus.PAID, note)
    order.payment_id = payment_id
    order.failure_code = None
    items = await repository.items_of_orders(session, [order.id])
    await record_event(
        session,
        OrderPlaced(
            order_id=order.id,
            user_id=order.user_id,
            lines=tuple(
                OrderedLine(product_id=item.product_id, quantity=item.quantity) for item in items
            ),
        ),
    )
    await record_event(
        session,
        OrderPaid(
            order_id=order.id,
            user_id=order.user_id,
            number=order.number,
            currency=order.currency,
            subtotal=order.subtotal,
            shipping_cost=order.shipping_cost,
            total=order.total,
            shipping_method=order.shipping_method,
            shipping_address=shipping_address(order),
            lines=tuple(
                OrderEventLine(
                    product_id=item.product_id,
                    sku=item.sku,
                    name=item.name,
                    unit_price=item.unit_price,
                    quantity=item.quantity,
                )
                for item in items
            ),
        ),
    )
    await repository.set_step(session, order.id, CheckoutStep.COMPLETED)
    await session.flush()
    return True


async def apply_payment_failed(
    session: AsyncSession,
    order: OrderRow,
    failure_code: str,
    payment_id: uuid.UUID | None,
    note: str,
) -> bool:
    """PENDING_PAYMENT -> PAYMENT_FAILED with OrderPaymentFailed; False if not pending."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return False
    await transition(session, order, OrderStatus.PAYMENT_FAILED, note)
    order.failure_code = failure_code[:64]
    order.payment_id = payment_id
    await record_event(
        session,
        OrderPaymentFailed(
            order_id=order.id,
            user_id=order.user_id,
            number=order.number,
            currency=order.currency,
            total=order.total,
            failure_code=order.failure_code,
        ),
    )
    await repository.set_step(session, order.id, CheckoutStep.COMPLETED)
    await session.flush()
    return True


class StockSettler:
    """Commits a sold order's reservation, releases an unsold one's, and records it."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], catalog: CatalogClient):
        self._db = sessionmaker
        self._catalog = catalog

    async def settle(self, order_id: uuid.UUID, status: OrderStatus) -> bool:
        """True once the catalog agreed; False leaves it to the recovery job."""
        state = await self._ask_catalog(order_id, status)
        if state is None:
            return False
        statement = update(OrderRow).where(OrderRow.id == order_id).values(stock=state.value)
        if state != StockState.RELEASED:
            # A cancellation may have released the units meanwhile: that stands.
            statement = statement.where(
                OrderRow.stock == StockState.HELD.value,
                OrderRow.status.in_([sold.value for sold in SOLD]),
            )
        async with self._db.begin() as session:
            await session.execute(statement)
        return True

    async def settle_locked(self, order: OrderRow) -> bool:
        """`settle` for an order the caller's transaction holds locked."""
        state = await self._ask_catalog(order.id, OrderStatus(order.status))
        if state is not None:
            order.stock = state.value
        return state is not None

    async def _ask_catalog(self, order_id: uuid.UUID, status: OrderStatus) -> StockState | None:
        try:
            if status in SOLD:
                await self._catalog.commit(order_id)
                return StockState.COMMITTED
            if status in UNSOLD:
                await self._catalog.release(order_id)
                return StockState.RELEASED
        except ReservationGone:
            # The hold expired (or was released) before the commit: the units went
            # back on sale and this order cannot take them any more. Recorded, not
            # retried; the shop has to restock or refund by hand.
            logger.error("stock of paid order %s was no longer held", order_id)
            return StockState.LOST
        except (PeerUnavailable, PeerRefused):
            logger.warning("stock of order %s not settled yet; recovery retries", order_id)
        return None
