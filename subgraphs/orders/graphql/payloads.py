"""Mutation payloads: the result, or the reasons in `userErrors`."""

from __future__ import annotations

import strawberry

from shared.graphql.errors import UserError
from subgraphs.orders.graphql.types import Order


@strawberry.type(
    description="The order, and userErrors: with an order too when the payment failed."
)
class CheckoutPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
