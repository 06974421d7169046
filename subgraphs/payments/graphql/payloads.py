"""Mutation payloads: the result, or the reasons in `userErrors`."""

from __future__ import annotations

import strawberry

from shared.graphql.errors import UserError
from subgraphs.payments.graphql.types import Payment, Refund


@strawberry.type
class PaymentPayload:
    payment: Payment | None = None
    refund: Refund | None = strawberry.field(
        default=None, description="The refund this call made (or found by its key)."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)
