"""Catalog queries."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import strawberry
from strawberry.types.nodes import SelectedField

from shared.graphql.cost import PAGE, at_most
from shared.graphql.errors import bad_user_input
from shared.graphql.ids import parse_id, try_parse_id
from shared.graphql.pagination import Connection, build_connection, decode_cursor, page_size
from subgraphs.catalog.graphql.common import services
from subgraphs.catalog.graphql.loaders import category_by_id_loader, product_by_id_loader
from subgraphs.catalog.graphql.types import (
    CATEGORIES_AT_MOST,
    CatalogInfo,
    Category,
    Product,
    ProductSort,
)
from subgraphs.catalog.repository import ProductOrder, ProductQuery, cursor_length
from subgraphs.catalog.repository.views import ProductView

MAX_SEARCH_LENGTH = 200
PARTNER_SCOPE = "catalog:read"


@strawberry.input(description="Conditions a listed product meets; all given ones apply.")
class ProductFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Words in the name, description or SKU, in any form and case; the "
        "last word may be half-typed. Without words to search for, no search applies.",
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="The category or any of its subcategories."
    )
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = strawberry.field(
        default=None, description="true: only available products; false: only sold out."
    )


async def list_products(
    info: CatalogInfo,
    *,
    first: int | None,
    after: str | None,
    sort: ProductSort | None,
    search: str | None = None,
    category_id: uuid.UUID | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    in_stock: bool | None = None,
) -> Connection[Product]:
    # Every product list (`products`, `Category.products`) follows one partner rule.
    principal = info.context.principal
    if principal is not None and principal.is_partner:
        info.context.require_scope(PARTNER_SCOPE)
    size = page_size(first)
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise bad_user_input(f"`search` must be at most {MAX_SEARCH_LENGTH} characters.")
    order = ProductOrder(sort.value) if sort else ProductOrder.NEWEST
    if sort is None and search:
        order = ProductOrder.RELEVANCE
    browsing = services(info).browsing
    query = ProductQuery(
        search=search,
        category_subtree=category_id,
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        order=order,
    )
    after_key = decode_cursor(after, cursor_length(query)) if after is not None else None
    # Asked for, the count runs beside the page on a second pooled connection,
    # so the request waits for the slower of the two rather than for both.
    counting = asyncio.ensure_future(browsing.count_products(query)) if _asks_total(info) else None
    try:
        rows = await browsing.products(query, size + 1, after_key)
    except BaseException as exc:
        if counting is not None:
            counting.cancel()  # no count for a page that failed
        if isinstance(exc, ValueError):
            raise bad_user_input("`after` is not a cursor of this listing.") from exc
        raise

    keys = {id(row): key for row, key in rows}
    return build_connection(
        [row for row, _ in rows],
        size=size,
        to_node=Product.from_row,
        sort_key=lambda row: keys[id(row)],
        has_previous=after is not None,
        count_total=(lambda: counting) if counting else lambda: browsing.count_products(query),
    )


def _asks_total(info: CatalogInfo) -> bool:
    """Whether the client selected `totalCount` on this connection (fragments too)."""
    pending = [selection for field in info.selected_fields for selection in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == "totalCount":
                return True
        else:
            pending.extend(selection.selections)
    return False


@strawberry.type
class Query:
    @strawberry.field(description="One product by id, slug or SKU (archived ones too).")
    async def product(
        self,
        info: CatalogInfo,
        id: strawberry.ID | None = None,
        slug: str | None = None,
        sku: str | None = None,
    ) -> Product | None:
        given = {k: v for k, v in {"id": id, "slug": slug, "sku": sku}.items() if v is not None}
        if len(given) != 1:
            raise bad_user_input("Give exactly one of `id`, `slug` or `sku`.")
        if id is not None:
            product_id = try_parse_id(id)
            if product_id is None:
                return None
            row: ProductView | None = await info.context.loader(product_by_id_loader).load(
                product_id
            )
        else:
            row = await services(info).browsing.product_by(slug=slug, sku=sku)
        return Product.from_row(row) if row else None

    @strawberry.field(
        description="Active products, filtered and sorted, a page at a time. Public; a "
        "partner client needs the catalog:read scope.",
        directives=[PAGE],
    )
    async def products(
        self,
        info: CatalogInfo,
        first: int | None = 20,
        after: str | None = None,
        filter: ProductFilter | None = None,
        sort: ProductSort | None = None,
    ) -> Connection[Product]:
        filter = filter or ProductFilter()
        if (
            filter.min_price is not None
            and filter.max_price is not None
            and filter.min_price > filter.max_price
        ):
            raise bad_user_input("`minPrice` must not be above `maxPrice`.")
        return await list_products(
            info,
            first=first,
            after=after,
            sort=sort,
            search=filter.search,
            category_id=parse_id(filter.category_id, "categoryId") if filter.category_id else None,
            min_price=filter.min_price,
            max_price=filter.max_price,
            in_stock=filter.in_stock,
        )

    @strawberry.field(
        description="The top-level categories.", directives=[at_most(CATEGORIES_AT_MOST)]
    )
    async def categories(self, info: CatalogInfo) -> list[Category]:
        rows = await services(info).browsing.root_categories()
        return [Category.from_row(row) for row in rows]

    @strawberry.field(description="One category by id or slug.")
    async def category(
        self, info: CatalogInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Category | None:
        if (id is None) == (slug is None):
            raise bad_user_input("Give exactly one of `id` or `slug`.")
        if id is not None:
            category_id = try_parse_id(id)
            if category_id is None:
                return None
            row = await info.context.loader(category_by_id_loader).load(category_id)
        else:
            row = await services(info).browsing.category_by_slug(str(slug))
        return Category.from_row(row) if row else None
