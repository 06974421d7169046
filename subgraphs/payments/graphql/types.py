"""GraphQL types of the payments service, built explicitly from rows.

A payment is its buyer's and the admins' to see: for anyone else a payment
resolves to null and an order's payments to an empty list. A payment whose
charge is still in flight (PENDING) is not shown yet.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.graphql.context import RequestContext
from shared.graphql.cost import at_most
from shared.graphql.ids import try_parse_id
from shared.graphql.money import Money, money
from subgraphs.payments.graphql.loaders import (
    payment_by_id_loader,
    payments_by_order_id_loader,
    refunds_by_payment_id_loader,
)
from subgraphs.payments.models import PaymentRow, RefundRow
from subgraphs.payments.models import PaymentStatus as StoredStatus

# One charge per order (retries reuse it); refunds are few.
PAYMENTS_AT_MOST = 3
REFUNDS_AT_MOST = 10

PaymentsInfo = Info[RequestContext, None]


@strawberry.enum
class PaymentStatus(Enum):
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"


@strawberry.enum
class RefundStatus(Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


def visible(principal: Principal | None, row: PaymentRow) -> bool:
    if principal is None or principal.user_id is None or row.status == StoredStatus.PENDING:
        return False
    return principal.is_admin or principal.user_id == str(row.user_id)


@strawberry.type
class Refund:
    id: strawberry.ID
    amount: Money
    reason: str
    status: RefundStatus = strawberry.field(
        description="PENDING while the processor has not confirmed it (its amount is held)."
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: RefundRow, currency: str) -> Refund:
        return cls(
            id=strawberry.ID(str(row.id)),
            amount=money(row.amount, currency),
            reason=row.reason,
            status=RefundStatus(row.status),
            created_at=row.created_at,
        )


@strawberry.federation.type(keys=["id"])
class Order:
    """An order (the orders service's); payments adds what was paid for it."""

    id: strawberry.ID
    rows: strawberry.Private[list[PaymentRow] | None] = None

    @classmethod
    async def resolve_reference(cls, info: PaymentsInfo, id: str) -> Order:
        order_id = try_parse_id(id)
        if order_id is None:
            return cls(id=strawberry.ID(id), rows=[])
        rows = await info.context.loader(payments_by_order_id_loader).load(order_id)
        return cls(id=strawberry.ID(id), rows=rows)

    @strawberry.field(
        description="(user: own) (admin) The payments of this order.",
        directives=[at_most(PAYMENTS_AT_MOST)],
    )
    async def payments(self, info: PaymentsInfo) -> list[Payment]:
        rows = self.rows
        if rows is None:
            order_id = try_parse_id(self.id)
            loader = info.context.loader(payments_by_order_id_loader)
            rows = await loader.load(order_id) if order_id else []
        principal = info.context.principal
        return [Payment.from_row(row) for row in rows if visible(principal, row)]


@strawberry.federation.type(keys=["id"])
class Payment:
    id: strawberry.ID
    order: Order
    amount: Money
    status: PaymentStatus
    card_brand: str | None
    card_last4: str | None
    failure_code: str | None
    refunded_amount: Money
    created_at: datetime
    row: strawberry.Private[PaymentRow]

    @classmethod
    def from_row(cls, row: PaymentRow) -> Payment:
        return cls(
            id=strawberry.ID(str(row.id)),
            order=Order(id=strawberry.ID(str(row.order_id))),
            amount=money(row.amount, row.currency),
            status=PaymentStatus(row.status),
            card_brand=row.card_brand,
            card_last4=row.card_last4,
            failure_code=row.failure_code,
            refunded_amount=money(row.refunded_amount, row.currency),
            created_at=row.created_at,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: PaymentsInfo, id: str) -> Payment | None:
        return await load_payment(info, id)

    @strawberry.field(
        description="Refunds taken from this payment, oldest first.",
        directives=[at_most(REFUNDS_AT_MOST)],
    )
    async def refunds(self, info: PaymentsInfo) -> list[Refund]:
        rows = await info.context.loader(refunds_by_payment_id_loader).load(self.row.id)
        return [Refund.from_row(row, self.row.currency) for row in rows]


async def load_payment(info: PaymentsInfo, id: str) -> Payment | None:
    """The payment if the caller may see it, else None (its existence does not leak)."""
    payment_id = try_parse_id(id)
    if payment_id is None:
        return None
    row: PaymentRow | None = await info.context.loader(payment_by_id_loader).load(payment_id)
    if row is None or not visible(info.context.principal, row):
        return None
    return Payment.from_row(row)
