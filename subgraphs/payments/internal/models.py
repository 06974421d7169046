"""Request and response bodies of the payments' internal API (in its OpenAPI document)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from subgraphs.payments.models import PaymentRow

AnswerStatus = Literal["SUCCEEDED", "FAILED", "REFUNDED", "PARTIALLY_REFUNDED"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChargeBody(_Strict):
    """Charge an order. Repeating it (same order id) never charges again."""

    order_id: uuid.UUID
    user_id: uuid.UUID
    amount: Decimal = Field(description="Above 0, at most 1,000,000, two decimal places.")
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    payment_token: Annotated[str, Field(min_length=1, max_length=200)]


class PaymentOut(_Strict):
    id: uuid.UUID
    order_id: uuid.UUID
    user_id: uuid.UUID
    status: AnswerStatus
    amount: Decimal
    currency: str
    refunded_amount: Decimal
    failure_code: str | None = Field(description="Why it FAILED: card_declined, …, not_charged.")
    card_brand: str | None
    card_last4: str | None

    @classmethod
    def from_row(cls, row: PaymentRow) -> PaymentOut:
        return cls(
            id=row.id,
            order_id=row.order_id,
            user_id=row.user_id,
            status=row.status,  # type: ignore[arg-type]  # never PENDING once answered
            amount=row.amount,
            currency=row.currency,
            refunded_amount=row.refunded_amount,
            failure_code=row.failure_code,
            card_brand=row.card_brand,
            card_last4=row.card_last4,
        )


class RefundOrderBody(_Strict):
    """Refund everything still captured for the order; once per idempotency key."""

    order_id: uuid.UUID
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    idempotency_key: Annotated[str, Field(min_length=1, max_length=200)]


class RefundOrderOut(_Strict):
    payment: PaymentOut
    refund_id: uuid.UUID | None = Field(description="None when nothing was left to refund.")
    amount: Decimal = Field(description="What this refund gave back; 0.00 when nothing.")
