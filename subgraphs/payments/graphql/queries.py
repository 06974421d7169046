"""Payments queries."""

from __future__ import annotations

import strawberry

from subgraphs.payments.graphql.types import Payment, PaymentsInfo, load_payment


@strawberry.type
class Query:
    @strawberry.field(description="(user: own) (admin) One payment by id; null for others'.")
    async def payment(self, info: PaymentsInfo, id: strawberry.ID) -> Payment | None:
        info.context.require_user()
        return await load_payment(info, id)
