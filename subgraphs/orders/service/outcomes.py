"""A charge's outcome applied to its order, for checkout and the recovery job alike."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.orders import repository
from subgraphs.orders.clients import PaymentsClient
from subgraphs.orders.clients.errors import PaymentNotFound, PeerRefused, PeerUnavailable
from subgraphs.orders.models import OrderRow, OrderStatus
from subgraphs.orders.service.settlement import StockSettler, apply_paid, apply_payment_failed

logger = logging.getLogger("minishop.orders.outcomes")


class PaymentOutcomes:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        payments: PaymentsClient,
        stock: StockSettler,
    ) -> None:
        self._db = sessionmaker
        self._payments = payments
        self.stock = stock

    async def paid(self, order_id: uuid.UUID, payment_id: uuid.UUID, note: str) -> OrderRow:
        """The order is PAID (unless it had already been settled) and its stock committed."""
        async with self._db.begin() as session:
            order = await repository.lock_order(session, order_id)
            if order is None:
                raise LookupError(f"order {order_id} does not exist")
            await apply_paid(session, order, payment_id, note)
        if order.status == OrderStatus.PAYMENT_FAILED:
            # The order had been given up on (its stock released) before this
            # charge came through: the money goes back.
            await self._refund_late_charge(order_id)
        await self.stock.settle(order.id, OrderStatus(order.status))
        return order

    async def failed(
        self, order_id: uuid.UUID, failure_code: str, payment_id: uuid.UUID | None, note: str
    ) -> OrderRow:
        """The order is PAYMENT_FAILED (unless already settled) and its stock released."""
        async with self._db.begin() as session:
            order = await repository.lock_order(session, order_id)
            if order is None:
                raise LookupError(f"order {order_id} does not exist")
            await apply_payment_failed(session, order, failure_code, payment_id, note)
        await self.stock.settle(order.id, OrderStatus(order.status))
        return order

    async def _refund_late_charge(self, order_id: uuid.UUID) -> None:
        try:
            await self._payments.refund_order(
                order_id, "charged after the order had failed", f"late-charge:{order_id}"
            )
        except (PaymentNotFound, PeerRefused, PeerUnavailable):
            logger.exception("a late charge of failed order %s could not be refunded", order_id)
