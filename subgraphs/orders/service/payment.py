"""Charging a new order and recording what came of it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError
from subgraphs.orders import repository
from subgraphs.orders.clients import PaymentsClient
from subgraphs.orders.clients.errors import (
    InvalidPaymentToken,
    PaymentOutcomeUnknown,
    PaymentUnreachable,
    PeerRefused,
)
from subgraphs.orders.models import CheckoutStep, OrderRow, OrderStatus
from subgraphs.orders.service import errors
from subgraphs.orders.service.outcomes import PaymentOutcomes

logger = logging.getLogger("minishop.orders.payment")


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    """The order (None when nothing was written) and, if any, why it is not paid."""

    order: OrderRow | None
    error: DomainError | None = None


def outcome_error(order: OrderRow) -> DomainError | None:
    """The userError a checkout that ended with this order answers with."""
    if order.status != OrderStatus.PAYMENT_FAILED:
        return None
    if order.failure_code == "payment_unavailable":
        return errors.payment_unavailable()
    if order.failure_code == "invalid_payment_token":
        return errors.invalid_payment_token()
    return errors.payment_declined(order.failure_code)


class Charger:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        payments: PaymentsClient,
        outcomes: PaymentOutcomes,
    ) -> None:
        self._db = sessionmaker
        self._payments = payments
        self._outcomes = outcomes

    async def charge(self, order: OrderRow, payment_token: str) -> CheckoutResult:
        try:
            payment = await self._payments.charge(
                order.id, order.user_id, order.total, order.currency, payment_token
            )
        except InvalidPaymentToken:
            return await self._failed(order, "invalid_payment_token", "Invalid payment token.")
        except PaymentUnreachable:
            return await self._failed(
                order, "payment_unavailable", "Payments could not be reached; nothing charged."
            )
        except PeerRefused as refused:
            logger.warning("payments refused order %s: %s", order.id, refused)
            return await self._failed(order, "payment_rejected", "Payments refused the charge.")
        except PaymentOutcomeUnknown:
            # The charge may have gone through: only payments can say, later.
            logger.warning("charge of order %s has no known outcome yet", order.id)
            async with self._db.begin() as session:
                await repository.set_step(session, order.id, CheckoutStep.AWAITING_PAYMENT)
            return CheckoutResult(order)
        if payment.captured:
            paid = await self._outcomes.paid(order.id, payment.id, "Payment captured.")
            return CheckoutResult(paid, outcome_error(paid))
        code = payment.failure_code or "payment_failed"
        return await self._failed(order, code, f"Payment failed: {code}.", payment.id)

    async def _failed(
        self, order: OrderRow, code: str, note: str, payment_id: uuid.UUID | None = None
    ) -> CheckoutResult:
        failed = await self._outcomes.failed(order.id, code, payment_id, note)
        return CheckoutResult(failed, outcome_error(failed))
