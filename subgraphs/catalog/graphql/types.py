"""GraphQL types of the catalog service, built explicitly from rows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.cost import PAGE, at_most
from shared.graphql.errors import forbidden
from shared.graphql.ids import try_parse_id
from shared.graphql.money import Money, money
from shared.graphql.pagination import Connection
from subgraphs.catalog.graphql.loaders import (
    category_by_id_loader,
    children_by_parent_loader,
    product_by_id_loader,
)
from subgraphs.catalog.graphql.stock_movements import StockMovement, movements_page
from subgraphs.catalog.models import CategoryRow, ProductRow
from subgraphs.catalog.repository.views import ProductView

# A shop's category tree stays small; the estimate assumes no more per level.
CATEGORIES_AT_MOST = 20

CatalogInfo = Info[RequestContext, None]


@strawberry.enum
class ProductSort(Enum):
    RELEVANCE = strawberry.enum_value(
        "RELEVANCE",
        description=(
            "Products whose name or SKU holds every word of the search first, then those"
            " that match with their description; newest first within each. The default"
            " with a search; without one, the same as NEWEST."
        ),
    )
    NEWEST = "NEWEST"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NAME_ASC = "NAME_ASC"


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    """A user, resolved by the accounts service."""

    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Category:
    id: strawberry.ID
    name: str
    slug: str
    row: strawberry.Private[CategoryRow]

    @classmethod
    def from_row(cls, row: CategoryRow) -> Category:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, slug=row.slug, row=row)

    @classmethod
    async def resolve_reference(cls, info: CatalogInfo, id: str) -> Category | None:
        category_id = try_parse_id(id)
        if category_id is None:
            return None
        row = await info.context.loader(category_by_id_loader).load(category_id)
        return cls.from_row(row) if row else None

    @strawberry.field
    async def parent(self, info: CatalogInfo) -> Category | None:
        if self.row.parent_id is None:
            return None
        row = await info.context.loader(category_by_id_loader).load(self.row.parent_id)
        return Category.from_row(row) if row else None

    @strawberry.field(directives=[at_most(CATEGORIES_AT_MOST)])
    async def children(self, info: CatalogInfo) -> list[Category]:
        rows = await info.context.loader(children_by_parent_loader).load(self.row.id)
        return [Category.from_row(row) for row in rows]

    @strawberry.field(
        description="Active products of this category and its subcategories.", directives=[PAGE]
    )
    async def products(
        self,
        info: CatalogInfo,
        first: int | None = 20,
        after: str | None = None,
        sort: ProductSort | None = None,
    ) -> Connection[Product]:
        from subgraphs.catalog.graphql.queries import list_products

        return await list_products(
            info, first=first, after=after, sort=sort, category_id=self.row.id
        )


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    sku: str
    slug: str
    name: str
    description: str
    price: Money
    stock: int = strawberry.field(description="Units available to sell: on hand minus reserved.")
    in_stock: bool
    active: bool = strawberry.field(
        description="Archived products are hidden from lists but still resolve by id."
    )
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[ProductRow | ProductView]

    @classmethod
    def from_row(cls, row: ProductRow | ProductView) -> Product:
        available = row.stock_available
        return cls(
            id=strawberry.ID(str(row.id)),
            sku=row.sku,
            slug=row.slug,
            name=row.name,
            description=row.description,
            price=money(row.price),
            stock=available,
            in_stock=available > 0,
            active=row.active,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: CatalogInfo, id: str) -> Product | None:
        product_id = try_parse_id(id)
        if product_id is None:
            return None
        row = await info.context.loader(product_by_id_loader).load(product_id)
        return cls.from_row(row) if row else None

    @strawberry.field
    async def category(self, info: CatalogInfo) -> Category | None:
        if self.row.category_id is None:
            return None
        row = await info.context.loader(category_by_id_loader).load(self.row.category_id)
        return Category.from_row(row) if row else None

    @strawberry.field(
        description="(admin) Every change to this product's stock, newest first.", directives=[PAGE]
    )
    async def stock_movements(
        self, info: CatalogInfo, first: int | None = 20, after: str | None = None
    ) -> Connection[StockMovement]:
        info.context.require_admin()
        return await movements_page(info, self.row.id, first, after)

    @strawberry.field(description="The admin who created the product (admin only).")
    def created_by(self, info: CatalogInfo) -> User | None:
        principal = info.context.principal
        if principal is None or not principal.is_admin:
            raise forbidden("Only admins can see who created a product.")
        if self.row.created_by is None:
            return None
        return User(id=strawberry.ID(str(self.row.created_by)))
