"""Admin stock adjustments."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.catalog.graphql.mutations.common import services
from subgraphs.catalog.graphql.payloads import ProductPayload
from subgraphs.catalog.graphql.types import CatalogInfo, Product
from subgraphs.catalog.service.ledger import user_actor


@strawberry.type
class StockMutations:
    @strawberry.mutation(
        description="(admin) Add (or, negative, remove) units on hand, with a reason kept in "
        "the stock audit trail. On hand never goes below zero nor below the units reserved "
        "for orders. userErrors: INVALID_INPUT (delta 0 or beyond ±1,000,000, empty reason, "
        "or a result below zero or below reserved), NOT_FOUND."
    )
    async def adjust_stock(
        self, info: CatalogInfo, product_id: strawberry.ID, delta: int, reason: str
    ) -> ProductPayload:
        admin = info.context.require_admin()
        try:
            row = await services(info).stock.adjust(
                product_id, delta, reason, actor=user_actor(admin.subject)
            )
        except DomainError as error:
            return ProductPayload(user_errors=user_errors(error))
        return ProductPayload(product=Product.from_row(row))
