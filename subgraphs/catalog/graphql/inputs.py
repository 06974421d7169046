"""Inputs of the catalog's admin mutations (names as the public contract spells them)."""

from __future__ import annotations

from decimal import Decimal

import strawberry


@strawberry.input(description="A new product. Without a slug, one is derived from the name.")
class ProductCreateInput:
    sku: str = strawberry.field(description="Unique, compared without case; stored upper-case.")
    name: str
    price: Decimal = strawberry.field(description="Not negative, at most two decimal places.")
    description: str | None = ""
    category_id: strawberry.ID | None = None
    slug: str | None = None
    initial_stock: int | None = strawberry.field(
        default=0, description="Units on hand to start with."
    )


@strawberry.input(description="Fields to change; those left out stay as they are.")
class ProductUpdateInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null takes the product out of its category."
    )
    slug: str | None = strawberry.UNSET


@strawberry.input(description="A new category; without a parent it is a root.")
class CategoryInput:
    name: str
    slug: str | None = None
    parent_id: strawberry.ID | None = None


@strawberry.input(description="Fields to change; those left out stay as they are.")
class CategoryUpdateInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null makes the category a root."
    )
