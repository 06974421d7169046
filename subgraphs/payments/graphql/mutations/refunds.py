"""Admin refunds."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from shared.errors import DomainError, invalid_input
from shared.graphql.errors import user_errors
from shared.graphql.ids import try_parse_id
from subgraphs.payments.graphql.payloads import PaymentPayload
from subgraphs.payments.graphql.types import Payment, PaymentsInfo, Refund
from subgraphs.payments.service import PaymentsServices


@strawberry.type
class RefundMutations:
    @strawberry.mutation(
        description="(admin) Give back `amount` of a captured payment, everything still "
        "captured when `amount` is null; never more than was captured. With an "
        "`idempotencyKey`, a repeat returns the same refund. userErrors: NOT_FOUND, "
        "INVALID_INPUT (amount not above 0 or with more than two decimals, reason empty, "
        "too long or with control characters), INVALID_STATE (payment not captured, or "
        "more than is left), REFUND_FAILED (the processor refused), UNAVAILABLE (the "
        "processor did not answer: the refund stays pending, holding its amount, and is "
        "retried; repeat with the same key to finish it)."
    )
    async def refund_payment(
        self,
        info: PaymentsInfo,
        payment_id: strawberry.ID,
        reason: str,
        amount: Decimal | None = None,
        idempotency_key: str | None = None,
    ) -> PaymentPayload:
        info.context.require_admin()
        parsed = try_parse_id(payment_id)
        if parsed is None:
            error = invalid_input("`paymentId` is not a valid ID.", "paymentId")
            return PaymentPayload(user_errors=user_errors(error))
        services = info.context.parts_as(PaymentsServices)
        try:
            outcome = await services.refunds.refund_payment(parsed, amount, reason, idempotency_key)
        except DomainError as error:
            return PaymentPayload(user_errors=user_errors(error))
        payment = outcome.payment
        refund = outcome.refund
        return PaymentPayload(
            payment=Payment.from_row(payment),
            refund=Refund.from_row(refund, payment.currency) if refund else None,
        )
