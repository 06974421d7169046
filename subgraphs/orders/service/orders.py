"""Orders after checkout: reading them, the buyer's cancellation and return request,
and the changes other services' events bring."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError, invalid_input
from shared.events import record_event
from shared.events.contracts import OrderCancelled, OrderReturnRequested
from shared.validation import has_control_characters
from subgraphs.orders import repository
from subgraphs.orders.clients import PaymentsClient
from subgraphs.orders.clients.errors import PaymentNotFound, PeerRefused, PeerUnavailable
from subgraphs.orders.models import OrderRow, OrderStatus
from subgraphs.orders.service.errors import invalid_state, not_found
from subgraphs.orders.service.settlement import StockSettler
from subgraphs.orders.service.transitions import check_transition, transition

logger = logging.getLogger("minishop.orders.orders")

MAX_REASON_LENGTH = 500


def _refunds_unavailable() -> DomainError:
    return DomainError(
        "SERVICE_UNAVAILABLE",
        "Refunds are unavailable right now; the order was not cancelled, try again.",
    )


class OrderService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        payments: PaymentsClient,
        stock: StockSettler,
    ) -> None:
        self._db = sessionmaker
        self._payments = payments
        self._stock = stock

    async def page(
        self,
        *,
        user_id: uuid.UUID | None,
        status: OrderStatus | None,
        limit: int,
        after_key: Sequence[Any] | None,
    ) -> list[OrderRow]:
        """Newest first. Raises ValueError for a key that is not of this listing."""
        async with self._db() as session:
            return await repository.list_orders(
                session, user_id=user_id, status=status, limit=limit, after_key=after_key
            )

    async def count(self, *, user_id: uuid.UUID | None, status: OrderStatus | None) -> int:
        async with self._db() as session:
            return await repository.count_orders(session, user_id=user_id, status=status)

    async def cancel(self, user_id: uuid.UUID, order_id: uuid.UUID) -> OrderRow:
        """Cancel a PAID order of the user's: refund it, then give its units back.

        Cancelling a cancelled order returns it unchanged (no second refund).
        Errors: NOT_FOUND (no such order of the user's), INVALID_STATE,
        SERVICE_UNAVAILABLE (payments could not refund; nothing changed).
        """
        async with self._db.begin() as session:
            # Held through the refund: a shipment cannot start meanwhile.
            order = await repository.lock_order(session, order_id)
            if order is None or order.user_id != user_id:
                raise not_found("order of yours", "id")
            if order.status == OrderStatus.CANCELLED:
                return order
            check_transition(OrderStatus(order.status), OrderStatus.CANCELLED)
            try:
                # Keyed by the order: a retried cancellation refunds once.
                await self._payments.refund_order(
                    order.id, "order cancelled by the buyer", f"cancel:{order.id}"
                )
            except PaymentNotFound:
                logger.error("paid order %s has no payment to refund", order.id)
            except (PeerUnavailable, PeerRefused) as error:
                logger.warning("refund of order %s failed: %s", order.id, error)
                raise _refunds_unavailable() from error
            await transition(session, order, OrderStatus.CANCELLED, "Cancelled by the buyer.")
            await record_event(
                session,
                OrderCancelled(
                    order_id=order.id,
                    user_id=order.user_id,
                    number=order.number,
                    currency=order.currency,
                    total=order.total,
                ),
            )
        await self._stock.settle(order.id, OrderStatus.CANCELLED)
        return order

    async def request_return(
        self, user_id: uuid.UUID, order_id: uuid.UUID, reason: str
    ) -> OrderRow:
        """A DELIVERED order of the user's becomes RETURN_REQUESTED.
        Errors: INVALID_INPUT (reason), NOT_FOUND, INVALID_STATE."""
        cleaned = reason.strip()
        if (
            not cleaned
            or len(cleaned) > MAX_REASON_LENGTH
            or has_control_characters(reason, prose=True)
        ):
            raise invalid_input(
                f"`reason` must be 1 to {MAX_REASON_LENGTH} characters, without control "
                "characters.",
                "reason",
            )
        async with self._db.begin() as session:
            order = await repository.lock_order(session, order_id)
            if order is None or order.user_id != user_id:
                raise not_found("order of yours", "orderId")
            if order.status != OrderStatus.DELIVERED:
                raise invalid_state("Only a delivered order can be returned.")
            await transition(session, order, OrderStatus.RETURN_REQUESTED, cleaned)
            await record_event(
                session,
                OrderReturnRequested(
                    order_id=order.id, user_id=order.user_id, number=order.number, reason=cleaned
                ),
            )
        return order
