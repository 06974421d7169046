"""The payments service's internal API: charge an order, read its payment, refund it.

Every call is keyed by the order id (a refund also by its own key), so a
repeat never charges or refunds twice. Charging retries by itself, because
it must tell apart "no request ever reached payments" (nothing can have been
charged) from "a request may have reached it" (the outcome is unknown).
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
from pydantic import BaseModel, ConfigDict

from shared.internal import InternalCallError, RetryPolicy, ServiceClient, ServiceUnavailable
from subgraphs.orders.clients.common import within
from subgraphs.orders.clients.errors import (
    InvalidPaymentToken,
    PaymentNotFound,
    PaymentOutcomeUnknown,
    PaymentUnreachable,
    PeerRefused,
)

# Transport failures that happen before any byte of the request is sent.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BROKEN = frozenset({"INVALID_RESPONSE", "UNEXPECTED_RESPONSE"})


class Payment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    order_id: uuid.UUID
    status: str  # SUCCEEDED, FAILED, REFUNDED, PARTIALLY_REFUNDED
    amount: Decimal
    currency: str
    refunded_amount: Decimal = Decimal("0")
    failure_code: str | None = None

    @property
    def captured(self) -> bool:
        """Money was taken (and may have been given back since)."""
        return self.status in ("SUCCEEDED", "REFUNDED", "PARTIALLY_REFUNDED")


class _ChargeRequest(BaseModel):
    order_id: uuid.UUID
    user_id: uuid.UUID
    amount: Decimal
    currency: str
    payment_token: str


class _RefundRequest(BaseModel):
    order_id: uuid.UUID
    reason: str
    idempotency_key: str


class RefundResult(BaseModel):
    model_config = ConfigDict(extra="ignore")

    payment: Payment
    amount: Decimal


def _never_sent(error: ServiceUnavailable) -> bool:
    return error.status is None and isinstance(error.__cause__, _NEVER_SENT)


class PaymentsClient:
    def __init__(
        self,
        payments: ServiceClient,
        charging: ServiceClient,
        *,
        attempts: int,
        timeout_seconds: float,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._payments = payments
        # Makes one attempt per call: each charge attempt's fate is judged here.
        self._charging = charging
        self._attempts = attempts
        self._timeout = timeout_seconds
        self._retry = retry or RetryPolicy()

    async def charge(
        self,
        order_id: uuid.UUID,
        user_id: uuid.UUID,
        amount: Decimal,
        currency: str,
        payment_token: str,
    ) -> Payment:
        """The payment (SUCCEEDED or FAILED). Raises InvalidPaymentToken, PeerRefused,
        PaymentUnreachable (nothing charged) or PaymentOutcomeUnknown."""
        body = _ChargeRequest(
            order_id=order_id,
            user_id=user_id,
            amount=amount,
            currency=currency,
            payment_token=payment_token,
        )
        reached = False
        for attempt in range(self._attempts):
            if attempt:
                await asyncio.sleep(self._retry.delay(attempt - 1))
            try:
                async with asyncio.timeout(self._timeout):
                    return await self._charging.post(
                        "/internal/payments", body=body, response_model=Payment, idempotent=True
                    )
            except TimeoutError:
                reached = True
            except ServiceUnavailable as error:
                reached = reached or not _never_sent(error)
            except InternalCallError as error:
                if error.code in _BROKEN:
                    reached = True
                elif error.code == "INVALID_PAYMENT_TOKEN":
                    raise InvalidPaymentToken(payment_token) from error
                else:
                    raise PeerRefused("payments", error.code, error.message) from error
        if reached:
            raise PaymentOutcomeUnknown(str(order_id))
        raise PaymentUnreachable(str(order_id))

    async def by_order(self, order_id: uuid.UUID) -> Payment:
        """The order's payment, settled with the processor (PaymentNotFound if none)."""
        try:
            return await within(
                "payments",
                self._timeout * self._attempts,
                self._payments.get(
                    f"/internal/payments/by-order/{order_id}", response_model=Payment
                ),
            )
        except InternalCallError as error:
            if error.code == "NOT_FOUND" or error.status == 404:
                raise PaymentNotFound(str(order_id)) from error
            raise PeerRefused("payments", error.code, error.message) from error

    async def refund_order(
        self, order_id: uuid.UUID, reason: str, idempotency_key: str
    ) -> RefundResult:
        """Refund what is left of the order's payment, once per `idempotency_key`."""
        body = _RefundRequest(order_id=order_id, reason=reason, idempotency_key=idempotency_key)
        try:
            return await within(
                "payments",
                self._timeout * self._attempts,
                self._payments.post(
                    "/internal/payments/refund-order",
                    body=body,
                    response_model=RefundResult,
                    idempotent=True,
                ),
            )
        except InternalCallError as error:
            if error.status == 404:
                raise PaymentNotFound(str(order_id)) from error
            raise PeerRefused("payments", error.code, error.message) from error
