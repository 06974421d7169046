"""Refunds: never more than was captured, at most once per refund.

A refund first reserves its amount: under the payment's row lock it checks
what is left (captured minus refunded minus refunds still pending) and
commits a PENDING refund row. Only then is the processor asked, with the
refund's id as idempotency key; the outcome is written under the lock again,
with the PaymentRefunded event in the same transaction. Concurrent refunds of
one payment therefore serialise on the lock and can never together exceed it.
An outcome left unknown (the processor silent) stays PENDING, still holding
its amount, until a repeat or the sweep asks again with the same key.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import utcnow
from shared.errors import DomainError
from shared.events.contracts import PaymentRefunded
from shared.events.outbox import record_event
from subgraphs.payments import repository
from subgraphs.payments.models import PaymentRow, PaymentStatus, RefundRow, RefundStatus
from subgraphs.payments.service.charges import ChargeService
from subgraphs.payments.service.errors import (
    invalid_state,
    not_found,
    refund_failed,
    unavailable,
)
from subgraphs.payments.service.locking import waiting_transaction
from subgraphs.payments.service.processor import (
    PaymentProcessor,
    ProcessorRejected,
    ProcessorUnavailable,
)
from subgraphs.payments.service.validation import Checks

logger = logging.getLogger("minishop.payments.refunds")
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class RefundOutcome:
    payment: PaymentRow
    # None when there was nothing left to refund (refund-order only).
    refund: RefundRow | None


def _status_after(payment: PaymentRow) -> PaymentStatus:
    if payment.refunded_amount >= payment.amount:
        return PaymentStatus.REFUNDED
    return (
        PaymentStatus.PARTIALLY_REFUNDED if payment.refunded_amount > 0 else PaymentStatus.SUCCEEDED
    )


class RefundService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        processor: PaymentProcessor,
        charges: ChargeService,
        *,
        lock_wait_seconds: float,
    ) -> None:
        self._db = sessionmaker
        self._processor = processor
        self._charges = charges
        self._lock_wait = lock_wait_seconds

    async def refund_payment(
        self,
        payment_id: uuid.UUID,
        amount: Decimal | None,
        reason: str,
        idempotency_key: str | None = None,
    ) -> RefundOutcome:
        """Refund `amount` (everything left when None) of a captured payment.

        Errors: INVALID_INPUT, NOT_FOUND, INVALID_STATE (not captured, or more than
        is left), REFUND_FAILED, UNAVAILABLE (outcome unknown: the refund stays
        pending and a repeat with the same key finishes it).
        """
        checks = Checks()
        wanted = checks.amount(amount) if amount is not None else None
        reason = checks.reason(reason)
        key = checks.key(idempotency_key)
        checks.done()
        async with waiting_transaction(self._db, self._lock_wait) as session:
            payment = await repository.lock_payment(session, payment_id)
            if payment is None or payment.status == PaymentStatus.PENDING:
                raise not_found("payment", "paymentId")
            existing = await repository.refund_by_key(session, payment.id, key) if key else None
            if existing is None:
                if not payment.captured:
                    raise invalid_state("Only a captured payment can be refunded.", "paymentId")
                left = await self._left(session, payment)
                wanted = wanted if wanted is not None else left
                if wanted <= 0 or wanted > left:
                    raise invalid_state(
                        f"Only {left} of this payment can still be refunded.", "amount"
                    )
                existing = await repository.insert_refund(
                    session,
                    payment_id=payment.id,
                    amount=wanted,
                    reason=reason,
                    idempotency_key=key,
                )
        return await self._finish(existing)

    async def refund_order(self, order_id: uuid.UUID, reason: str, key: str) -> RefundOutcome:
        """Refund everything still captured of the order's payment, once per key.

        Nothing left (never captured, or refunded already) is no error: the
        outcome has no refund. Errors: INVALID_INPUT, NOT_FOUND, REFUND_FAILED,
        UNAVAILABLE.
        """
        checks = Checks()
        reason = checks.reason(reason)
        checks.key(key, "idempotency_key")
        checks.done()
        # A payment left pending by a crash is settled first: it may hold money.
        settled = await self._charges.settle_order(order_id)
        async with waiting_transaction(self._db, self._lock_wait) as session:
            payment = await repository.lock_payment(session, settled.id)
            if payment is None:
                raise not_found("payment for this order", "order_id")
            refund = await repository.refund_by_key(session, payment.id, key)
            if refund is None:
                left = await self._left(session, payment) if payment.captured else ZERO
                if left <= 0:
                    return RefundOutcome(payment, None)
                refund = await repository.insert_refund(
                    session, payment_id=payment.id, amount=left, reason=reason, idempotency_key=key
                )
        return await self._finish(refund)

    async def settle_pending(self, older_than: timedelta, batch: int = 100) -> int:
        """Ask the processor again about refunds left pending; how many were settled."""
        async with self._db() as session:
            pending = await repository.pending_refunds_before(session, utcnow() - older_than, batch)
        settled = 0
        for refund in pending:
            try:
                await self._finish(refund)
            except DomainError as error:
                if error.code == "UNAVAILABLE":
                    logger.warning("refund %s still pending: processor unavailable", refund.id)
                    break
            settled += 1
        return settled

    async def _left(self, session: AsyncSession, payment: PaymentRow) -> Decimal:
        reserved = await repository.reserved_amount(session, payment.id)
        return payment.amount - payment.refunded_amount - reserved

    async def _finish(self, refund: RefundRow) -> RefundOutcome:
        """Ask the processor (same key every time) and write the outcome."""
        async with self._db() as session:
            payment = await repository.payments_by_ids(session, [refund.payment_id])
        if refund.status != RefundStatus.PENDING:
            return self._outcome(payment[0], refund)
        charge_id = payment[0].processor_charge_id
        assert charge_id is not None, "a captured payment has its charge id"
        failure_code: str | None = None
        processor_id: str | None = None
        try:
            result = await self._processor.refund(
                key=f"ref_{refund.id.hex}", charge_id=charge_id, amount=refund.amount
            )
            processor_id = result.refund_id
        except ProcessorUnavailable as exc:
            raise unavailable(
                "The payment processor did not answer; the refund stays pending and is "
                "retried (repeat with the same idempotency key to finish it now)."
            ) from exc
        except ProcessorRejected as rejected:
            failure_code = rejected.code
        async with waiting_transaction(self._db, self._lock_wait) as session:
            locked = await repository.lock_payment(session, refund.payment_id)
            current = await repository.lock_refund(session, refund.id)
            assert locked is not None and current is not None
            if current.status == RefundStatus.PENDING:
                if processor_id is not None:
                    await self._succeed(session, locked, current, processor_id)
                else:
                    current.status = RefundStatus.FAILED.value
                    current.failure_code = failure_code
        return self._outcome(locked, current)

    async def _succeed(
        self, session: AsyncSession, payment: PaymentRow, refund: RefundRow, processor_id: str
    ) -> None:
        refund.status = RefundStatus.SUCCEEDED.value
        refund.processor_refund_id = processor_id
        payment.refunded_amount = payment.refunded_amount + refund.amount
        payment.status = _status_after(payment).value
        await session.flush()
        await record_event(
            session,
            PaymentRefunded(
                payment_id=payment.id,
                refund_id=refund.id,
                order_id=payment.order_id,
                user_id=payment.user_id,
                currency=payment.currency,
                amount=refund.amount,
                refunded_total=payment.refunded_amount,
                captured=payment.amount,
                fully_refunded=payment.refunded_amount >= payment.amount,
            ),
        )

    @staticmethod
    def _outcome(payment: PaymentRow, refund: RefundRow) -> RefundOutcome:
        if refund.status == RefundStatus.FAILED:
            raise refund_failed(refund.failure_code or "refused")
        return RefundOutcome(payment, refund)
