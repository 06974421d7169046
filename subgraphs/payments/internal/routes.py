"""The payments' internal API: charging orders and refunding them, for orders only.

    POST /internal/payments                      charge an order (idempotent by order id)
    GET  /internal/payments/by-order/{order_id}  the order's payment, a pending one settled
    POST /internal/payments/refund-order         refund what is still captured (by key)

Errors use the shared shape: 422 INVALID_INPUT / INVALID_PAYMENT_TOKEN /
INVALID_REQUEST, 404 NOT_FOUND, 409 IDEMPOTENCY_CONFLICT / REFUND_FAILED,
503 UNAVAILABLE (the processor's answer is unknown: retry; the record stays
pending and the next call or the by-order look-up settles it).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import Request

from shared.app import service_parts
from shared.errors import DomainError
from shared.internal import InternalApiError, error_responses, internal_router
from subgraphs.payments.internal.models import (
    ChargeBody,
    PaymentOut,
    RefundOrderBody,
    RefundOrderOut,
)
from subgraphs.payments.service import PaymentsServices
from subgraphs.payments.service.charges import ChargeRequest

payments_router = internal_router(audience="payments", allowed_callers={"orders"})

_STATUS_OF_CODE = {
    "INVALID_INPUT": 422,
    "INVALID_PAYMENT_TOKEN": 422,
    "NOT_FOUND": 404,
    "UNAVAILABLE": 503,
}


def _services(request: Request) -> PaymentsServices:
    return service_parts(request, PaymentsServices)


def _api_error(error: DomainError) -> InternalApiError:
    details: dict[str, object] = {"field": error.field} if error.field else {}
    return InternalApiError(
        _STATUS_OF_CODE.get(error.code, 409), error.code, error.message, details
    )


@payments_router.post(
    "/payments",
    response_model=PaymentOut,
    responses=error_responses(404, 409, 503),
    summary="Charge an order once: a repeat returns the recorded payment",
    description="A decline is 200 with status FAILED and its failure_code. 422 "
    "INVALID_PAYMENT_TOKEN records nothing. 503 UNAVAILABLE: the processor did not "
    "answer; the payment stays pending and a repeat (or the by-order look-up) settles it.",
)
async def charge(body: ChargeBody, request: Request) -> PaymentOut:
    charge_request = ChargeRequest(
        order_id=body.order_id,
        user_id=body.user_id,
        amount=body.amount,
        currency=body.currency,
        token=body.payment_token,
    )
    try:
        row = await _services(request).charges.charge(charge_request)
    except DomainError as error:
        raise _api_error(error) from error
    return PaymentOut.from_row(row)


@payments_router.get(
    "/payments/by-order/{order_id}",
    response_model=PaymentOut,
    responses=error_responses(404, 503),
    summary="The order's payment; a pending one is first settled with the processor",
    description="Pending and unknown to the processor means never charged: FAILED with "
    "failure_code not_charged. 404 when no payment was ever recorded for the order.",
)
async def payment_of_order(order_id: uuid.UUID, request: Request) -> PaymentOut:
    try:
        row = await _services(request).charges.settle_order(order_id)
    except DomainError as error:
        raise _api_error(error) from error
    return PaymentOut.from_row(row)


@payments_router.post(
    "/payments/refund-order",
    response_model=RefundOrderOut,
    responses=error_responses(404, 409, 503),
    summary="Refund everything still captured for an order, once per idempotency key",
    description="refund_id is null and amount 0.00 when nothing was captured or all of "
    "it was refunded already. 404 when the order has no payment.",
)
async def refund_order(body: RefundOrderBody, request: Request) -> RefundOrderOut:
    try:
        outcome = await _services(request).refunds.refund_order(
            body.order_id, body.reason, body.idempotency_key
        )
    except DomainError as error:
        raise _api_error(error) from error
    refund = outcome.refund
    return RefundOrderOut(
        payment=PaymentOut.from_row(outcome.payment),
        refund_id=refund.id if refund else None,
        amount=refund.amount if refund else Decimal("0.00"),
    )
