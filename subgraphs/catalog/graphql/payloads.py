"""Mutation payloads: the result, or the reasons in `userErrors` (then nothing was written)."""

from __future__ import annotations

import strawberry

from shared.graphql.errors import UserError
from subgraphs.catalog.graphql.types import Category, Product


@strawberry.type
class ProductPayload:
    product: Product | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CategoryPayload:
    category: Category | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
