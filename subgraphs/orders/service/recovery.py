"""The recovery job: finishes what crashed or timed-out checkouts left behind.

Each round, for work older than the threshold (younger work may still be in
the hands of a running checkout):

- orders still PENDING_PAYMENT: payments settles the charge with the
  processor and says what happened; SUCCEEDED -> PAID (stock committed),
  FAILED or no payment at all -> PAYMENT_FAILED (stock released);
- claims that never became an order (a crash after reserving): the
  reservation is released and the claim dropped, which frees the key;
- settled orders whose stock commit or release did not go through: again.

Each item is handled in a transaction of its own that holds its row with
FOR UPDATE SKIP LOCKED, so replicas running the job at once share the work
and never handle one item twice.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import utcnow
from shared.periodic import PeriodicJob, running
from subgraphs.orders import repository
from subgraphs.orders.clients import CatalogClient, PaymentsClient
from subgraphs.orders.clients.errors import PaymentNotFound, PeerRefused, PeerUnavailable
from subgraphs.orders.clients.payments import Payment
from subgraphs.orders.models import OrderRow, OrderStatus
from subgraphs.orders.service.settlement import StockSettler, apply_paid, apply_payment_failed
from subgraphs.orders.service.transitions import transition

logger = logging.getLogger("minishop.orders.recovery")


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    payments_settled: int = 0
    claims_dropped: int = 0
    stock_settled: int = 0

    def __bool__(self) -> bool:
        return bool(self.payments_settled or self.claims_dropped or self.stock_settled)


class RecoveryService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        payments: PaymentsClient,
        catalog: CatalogClient,
        stock: StockSettler,
        after: timedelta,
        batch: int,
    ) -> None:
        self._db = sessionmaker
        self._payments = payments
        self._catalog = catalog
        self._stock = stock
        self.after = after
        self._batch = batch

    async def run_once(self) -> RecoveryReport:
        before = utcnow() - self.after
        return RecoveryReport(
            payments_settled=await self._settle_payments(before),
            claims_dropped=await self._drop_claims(before),
            stock_settled=await self._settle_stock(before),
        )

    async def _settle_payments(self, before: datetime) -> int:
        skip: list[uuid.UUID] = []
        settled: list[OrderRow] = []
        while len(skip) < self._batch:
            async with self._db.begin() as session:
                order = await repository.lock_due_pending(session, before, skip)
                if order is None:
                    break
                skip.append(order.id)
                try:
                    payment: Payment | None = await self._payments.by_order(order.id)
                except PaymentNotFound:
                    payment = None
                except (PeerUnavailable, PeerRefused) as error:
                    logger.warning("payment of order %s not settled yet: %s", order.id, error)
                    continue
                await _apply(session, order, payment)
            settled.append(order)
        for order in settled:
            await self._stock.settle(order.id, OrderStatus(order.status))
        return len(settled)

    async def _drop_claims(self, before: datetime) -> int:
        skip: list[uuid.UUID] = []
        dropped = 0
        while len(skip) < self._batch:
            async with self._db.begin() as session:
                claim = await repository.lock_stale_claim(session, before, skip)
                if claim is None:
                    break
                skip.append(claim.order_id)
                try:
                    # Also for a reserve that never arrived: the marker it leaves
                    # stops a late one from holding stock.
                    await self._catalog.release(claim.order_id)
                except (PeerUnavailable, PeerRefused) as error:
                    logger.warning("claim of order %s kept for now: %s", claim.order_id, error)
                    continue
                await repository.delete_checkout_of_order(session, claim.order_id)
                dropped += 1
        return dropped

    async def _settle_stock(self, before: datetime) -> int:
        skip: list[uuid.UUID] = []
        settled = 0
        while len(skip) < self._batch:
            async with self._db.begin() as session:
                order = await repository.lock_due_stock(session, before, skip)
                if order is None:
                    break
                skip.append(order.id)
                if await self._stock.settle_locked(order):
                    settled += 1
        return settled


async def _apply(session: AsyncSession, order: OrderRow, payment: Payment | None) -> None:
    if payment is None:
        await apply_payment_failed(
            session, order, "payment_not_recorded", None, "No payment was made; recovered."
        )
    elif payment.captured:
        await apply_paid(session, order, payment.id, "Payment confirmed; recovered.")
        if payment.status == "REFUNDED":
            # Refunded before the order learned it was paid: that refund's
            # event found the order pending and could not apply.
            await transition(session, order, OrderStatus.REFUNDED, "Payment refunded.")
    else:
        code = payment.failure_code or "payment_failed"
        await apply_payment_failed(session, order, code, payment.id, f"Payment failed: {code}.")


def recovering(
    service: RecoveryService, *, interval_seconds: float
) -> AbstractAsyncContextManager[None]:
    """Runs `service` every `interval_seconds` while the app runs."""

    async def round_() -> None:
        if report := await service.run_once():
            logger.info("recovery: %s", report)

    return running(
        PeriodicJob(
            "orders-recovery",
            round_,
            interval_seconds=interval_seconds,
            failure="order recovery round failed",
            logger=logger,
        )
    )
